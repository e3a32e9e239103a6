// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ModelView} from "./EconomyTypes.sol";

/// @title IModelLookup
/// @notice How a fork sees its parent's models.
interface IModelLookup {
    /// @notice The model `modelHash` as this economy saw it at block `atBlock`: registered here at or before that
    /// block, or visible in the parent at the earlier of `atBlock` and this economy's fork block.
    function modelVisibleAt(bytes32 modelHash, uint256 atBlock) external view returns (ModelView memory);
}
