// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IEconomyToken
/// @notice An economy's ERC-20 as the economy sees it: it alone mints (emissions, creator supply, fork allocations).
interface IEconomyToken is IERC20 {
    /// @notice Mints `amount` to `to`; reverts unless called by the token's economy.
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` of the caller's tokens.
    function burn(uint256 amount) external;

    /// @notice The economy allowed to mint.
    function economy() external view returns (address);
}
