// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The forge cheatcodes these tests use (npm's forge-std is an old copy, so the project keeps its own).
interface Vm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function warp(uint256 timestamp) external;
    function roll(uint256 blockNumber) external;
    function setBlockhash(uint256 blockNumber, bytes32 blockHash) external;
    function getBlockNumber() external view returns (uint256);
    function getBlockTimestamp() external view returns (uint256);
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function expectRevert() external;
    function expectRevert(bytes4 selector) external;
    function expectRevert(bytes calldata revertData) external;
    function expectEmit() external;
    function expectEmit(address emitter) external;
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory);
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function label(address account, string calldata name) external;
    function assume(bool condition) external pure;
    function snapshotState() external returns (uint256);
    function revertToState(uint256 snapshotId) external returns (bool);
    function pauseGasMetering() external;
    function resumeGasMetering() external;
    function toString(uint256 value) external pure returns (string memory);
    function assertEq(uint256 left, uint256 right, string calldata message) external pure;
    function assertEq(int256 left, int256 right, string calldata message) external pure;
    function assertEq(address left, address right, string calldata message) external pure;
    function assertEq(bytes32 left, bytes32 right, string calldata message) external pure;
    function assertEq(bool left, bool right, string calldata message) external pure;
    function assertEq(string calldata left, string calldata right, string calldata message) external pure;
    function assertEq(bytes calldata left, bytes calldata right, string calldata message) external pure;
    function assertTrue(bool condition, string calldata message) external pure;
    function assertFalse(bool condition, string calldata message) external pure;
    function assertGt(uint256 left, uint256 right, string calldata message) external pure;
    function assertGe(uint256 left, uint256 right, string calldata message) external pure;
    function assertLt(uint256 left, uint256 right, string calldata message) external pure;
    function assertLe(uint256 left, uint256 right, string calldata message) external pure;
    function assertApproxEqAbs(uint256 left, uint256 right, uint256 maxDelta, string calldata message) external pure;
}

/// @notice A minimal test base: cheatcodes, assertions that report both values, `bound`, and the hooks forge reads
/// for invariant tests (target contracts and selectors).
abstract contract Test {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address[] private _targetContracts;
    FuzzSelector[] private _targetSelectors;
    address[] private _targetSenders;

    // ─── invariant targets (read by forge) ─────────────────────────────────────────────────────────────────────
    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetSelectors;
    }

    function targetSenders() public view returns (address[] memory) {
        return _targetSenders;
    }

    function targetContract(address target) internal {
        _targetContracts.push(target);
    }

    function targetSelector(FuzzSelector memory selector) internal {
        _targetSelectors.push(selector);
    }

    function targetSender(address sender) internal {
        _targetSenders.push(sender);
    }

    // ─── assertions ────────────────────────────────────────────────────────────────────────────────────────────
    function assertEq(uint256 a, uint256 b, string memory what) internal pure {
        vm.assertEq(a, b, what);
    }

    function assertEq(uint256 a, uint256 b) internal pure {
        vm.assertEq(a, b, "values differ");
    }

    function assertEq(address a, address b, string memory what) internal pure {
        vm.assertEq(a, b, what);
    }

    function assertEq(address a, address b) internal pure {
        vm.assertEq(a, b, "addresses differ");
    }

    function assertEq(bytes32 a, bytes32 b, string memory what) internal pure {
        vm.assertEq(a, b, what);
    }

    function assertEq(bool a, bool b, string memory what) internal pure {
        vm.assertEq(a, b, what);
    }

    function assertEq(string memory a, string memory b, string memory what) internal pure {
        vm.assertEq(a, b, what);
    }

    function assertTrue(bool c, string memory what) internal pure {
        vm.assertTrue(c, what);
    }

    function assertFalse(bool c, string memory what) internal pure {
        vm.assertFalse(c, what);
    }

    function assertGt(uint256 a, uint256 b, string memory what) internal pure {
        vm.assertGt(a, b, what);
    }

    function assertGe(uint256 a, uint256 b, string memory what) internal pure {
        vm.assertGe(a, b, what);
    }

    function assertLt(uint256 a, uint256 b, string memory what) internal pure {
        vm.assertLt(a, b, what);
    }

    function assertLe(uint256 a, uint256 b, string memory what) internal pure {
        vm.assertLe(a, b, what);
    }

    function assertApproxEqAbs(uint256 a, uint256 b, uint256 delta, string memory what) internal pure {
        vm.assertApproxEqAbs(a, b, delta, what);
    }

    // ─── helpers ───────────────────────────────────────────────────────────────────────────────────────────────
    /// @dev Maps any fuzzed `x` into [min, max] (uniform enough for fuzzing; keeps edge values reachable).
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    function makeAddr(string memory name) internal returns (address a) {
        a = address(uint160(uint256(keccak256(bytes(name)))));
        vm.label(a, name);
    }
}
