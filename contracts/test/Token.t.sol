// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {EconomyToken} from "../src/EconomyToken.sol";

/// @notice The economy's ERC-20: minted only by its economy, EIP-2612 permit in the clone's own name.
contract TokenTest is EconomyFixture {
    function test_mint_onlyByTheEconomy() public {
        vm.expectRevert(abi.encodeWithSelector(EconomyToken.OnlyEconomy.selector, address(this)));
        tok.mint(address(this), 1);
        vm.prank(address(eco));
        tok.mint(requester, 5);
        assertEq(tok.balanceOf(requester), 1_000_000 * TOKEN + 5, "minted by the economy");
    }

    function test_burn_ownTokens() public {
        uint256 supply = tok.totalSupply();
        vm.prank(requester);
        tok.burn(TOKEN);
        assertEq(tok.totalSupply(), supply - TOKEN, "burned");
    }

    function test_permit_approvesBySignature() public {
        uint256 key = 0xA11CE;
        address owner = vm.addr(key);
        address spender = address(eco);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                spender,
                123,
                tok.nonces(owner),
                deadline
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", tok.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        tok.permit(owner, spender, 123, deadline, v, r, s);
        assertEq(tok.allowance(owner, spender), 123, "allowance by signature");
        assertEq(tok.nonces(owner), 1, "nonce used");
        // The domain names this clone, not the implementation.
        (, string memory name, , , address verifyingContract, , ) = tok.eip712Domain();
        assertEq(name, "Flywheel", "domain name = token name");
        assertEq(verifyingContract, address(tok), "domain = this clone");
    }
}
