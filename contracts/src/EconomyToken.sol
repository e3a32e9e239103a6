// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20PermitUpgradeable} from
    "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {IEconomyToken} from "./interfaces/IEconomyToken.sol";

/// @title EconomyToken
/// @notice An economy's ERC-20 with EIP-2612 permit (18 decimals). Every economy has its own, deployed as an
/// EIP-1167 clone of this contract by {EconomyFactory} and initialized in the same transaction. Only its economy mints:
/// the creator's supply, each epoch's emission and a fork's genesis allocations. Anyone may burn their own tokens
/// (the economy burns the share of a lost challenge's slash that nobody receives).
contract EconomyToken is ERC20PermitUpgradeable, IEconomyToken {
    /// @notice The caller is not this token's economy.
    error OnlyEconomy(address caller);

    /// @inheritdoc IEconomyToken
    address public economy;

    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the clone's name, symbol (also the permit domain's name) and economy.
    /// @param name_ Token name.
    /// @param symbol_ Token symbol.
    /// @param economy_ The economy allowed to mint.
    function initialize(string memory name_, string memory symbol_, address economy_) external initializer {
        __ERC20_init(name_, symbol_);
        __ERC20Permit_init(name_);
        economy = economy_;
    }

    /// @inheritdoc IEconomyToken
    function mint(address to, uint256 amount) external {
        if (msg.sender != economy) revert OnlyEconomy(msg.sender);
        _mint(to, amount);
    }

    /// @inheritdoc IEconomyToken
    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }
}
