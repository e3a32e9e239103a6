// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "./lib/Test.sol";
import {WeightTree} from "../src/lib/WeightTree.sol";

contract TreeHarness {
    using WeightTree for WeightTree.Tree;
    WeightTree.Tree internal t;

    function reserve(uint256 n) external {
        t.reserve(n);
    }

    function set(uint256 leaf, uint256 w) external {
        t.set(leaf, w);
    }

    function get(uint256 leaf) external view returns (uint256) {
        return t.get(leaf);
    }

    function find(uint256 point) external view returns (uint256) {
        return t.find(point);
    }

    function total() external view returns (uint256) {
        return t.total();
    }

    function height() external view returns (uint256) {
        return t.height();
    }
}

/// @notice The 4-ary sum tree: sums, lookups by cumulative weight, growth, and refusals.
contract WeightTreeTest is Test {
    TreeHarness internal h;

    function setUp() public {
        h = new TreeHarness();
    }

    function test_heightGrowsWithReservations() public {
        assertEq(h.height(), 1, "empty tree: one level");
        h.reserve(4);
        assertEq(h.height(), 1, "4 leaves fit in the root");
        h.reserve(5);
        assertEq(h.height(), 2, "5 need a second level");
        h.reserve(1_000);
        assertEq(h.height(), 5, "1,000 need 4^5");
    }

    function test_growthKeepsWeights() public {
        h.reserve(3);
        h.set(0, 5);
        h.set(2, 7);
        h.reserve(70); // two levels added at once
        assertEq(h.height(), 4, "4^4 >= 70");
        assertEq(h.get(0), 5, "leaf 0 kept");
        assertEq(h.get(2), 7, "leaf 2 kept");
        assertEq(h.total(), 12, "sum kept");
        h.set(69, 1);
        assertEq(h.total(), 13, "new leaf counted");
        assertEq(h.find(12), 69, "last point lands on the last weight");
    }

    function test_refusesOverflowAndOutOfRange() public {
        h.reserve(2);
        vm.expectRevert(abi.encodeWithSelector(WeightTree.WeightOverflow.selector, uint256(1) << 60));
        h.set(0, uint256(1) << 60);
        vm.expectRevert(abi.encodeWithSelector(WeightTree.LeafOutOfRange.selector, 4, 4));
        h.set(4, 1);
        h.reserve(5);
        h.set(0, (uint256(1) << 60) - 1);
        vm.expectRevert(abi.encodeWithSelector(WeightTree.WeightOverflow.selector, uint256(1) << 60));
        h.set(1, 1); // the parent's lane would overflow
    }

    /// @dev Growing the tree turns the old root's four lanes into one lane of the new root. Each lane fits on its
    /// own, but their sum may not: reserve must refuse then, instead of storing a truncated total that would make
    /// find() land on the wrong leaves.
    function test_reserveRefusesWhenTheGrownRootLaneWouldOverflow() public {
        uint256 max = WeightTree.MAX_LANE;
        h.reserve(4);
        h.set(0, max);
        h.set(1, 1); // one level: the lanes are the root, no parent to overflow yet
        assertEq(h.total(), max + 1, "the root's lanes sum past one lane");
        vm.expectRevert(abi.encodeWithSelector(WeightTree.WeightOverflow.selector, max + 1));
        h.reserve(5);
        assertEq(h.height(), 1, "nothing grown");
        // A sum that fits exactly is carried up whole.
        h.set(0, max - 1);
        h.reserve(5);
        assertEq(h.height(), 2, "grown");
        assertEq(h.total(), max, "sum kept");
        assertEq(h.get(0), max - 1, "leaf 0 kept");
        assertEq(h.get(1), 1, "leaf 1 kept");
        assertEq(h.find(max - 1), 1, "the last point lands on leaf 1");
    }

    /// @dev Fuzz: for random weights, total is the sum and find() returns the leaf whose range holds the point —
    /// checked at both ends of every leaf's range.
    function testFuzz_findMatchesPrefixSums(uint256 seed, uint8 nRaw) public {
        uint256 n = bound(nRaw, 1, 80);
        h.reserve(n);
        uint256[] memory w = new uint256[](n);
        uint256 sum;
        for (uint256 i; i < n; i++) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            w[i] = r % 3 == 0 ? 0 : r % 1e12; // some zero leaves
            h.set(i, w[i]);
            sum += w[i];
        }
        // Change a few weights again, up and down.
        for (uint256 i; i < n; i += 7) {
            uint256 next = uint256(keccak256(abi.encode(seed, "again", i))) % 1e9;
            sum = sum - w[i] + next;
            w[i] = next;
            h.set(i, next);
        }
        assertEq(h.total(), sum, "total");
        uint256 before;
        for (uint256 i; i < n; i++) {
            assertEq(h.get(i), w[i], "get");
            if (w[i] == 0) continue;
            assertEq(h.find(before), i, "first point of the range");
            assertEq(h.find(before + w[i] - 1), i, "last point of the range");
            before += w[i];
        }
    }
}
