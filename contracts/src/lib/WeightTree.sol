// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title WeightTree
/// @notice A 4-ary sum tree over provider weights: draw a leaf with probability weight / total, and change one weight,
/// each in O(log₄ n) storage accesses — never a scan over providers.
/// @dev Each storage word is one node and holds its four children's sums as 60-bit lanes (lane i at bits
/// [60·i, 60·i + 60)); the top 16 bits of the root hold the tree's height. A draw descends from the root and
/// reads one word per level; an update rewrites the same words bottom-up, so updating the leaf just drawn costs only
/// warm writes. Levels are numbered from the leaves: level 0 nodes hold leaf weights, the root sits at level
/// height − 1 under a fixed key, so growing the tree moves a single word.
library WeightTree {
    uint256 private constant LANE_BITS = 60;
    uint256 private constant LANE_MASK = (1 << LANE_BITS) - 1;
    /// @notice Largest weight one lane (one leaf or one subtree sum) can hold.
    uint256 internal constant MAX_LANE = LANE_MASK;
    uint256 private constant HEIGHT_SHIFT = 240;
    uint256 private constant ROOT_KEY = type(uint256).max;

    /// @notice A weight, or a subtree's sum of weights, would not fit in a lane.
    error WeightOverflow(uint256 value);
    /// @notice The leaf index is beyond the tree's capacity.
    error LeafOutOfRange(uint256 leaf, uint256 capacity);

    struct Tree {
        mapping(uint256 key => uint256 node) nodes;
    }

    /// @notice Number of node levels (1 for an empty tree); capacity is 4^height leaves.
    function height(Tree storage t) internal view returns (uint256 h) {
        h = t.nodes[ROOT_KEY] >> HEIGHT_SHIFT;
        if (h == 0) h = 1;
    }

    /// @notice Sum of every weight.
    function total(Tree storage t) internal view returns (uint256) {
        return _sum(t.nodes[ROOT_KEY]);
    }

    /// @notice Makes room for at least `leaves` leaves by adding levels above the root (amortized: rare, one word each).
    function reserve(Tree storage t, uint256 leaves) internal {
        uint256 root = t.nodes[ROOT_KEY];
        uint256 h = root >> HEIGHT_SHIFT;
        if (h == 0) h = 1;
        uint256 capacity = 1 << (2 * h);
        if (leaves <= capacity) {
            if (root >> HEIGHT_SHIFT == 0) t.nodes[ROOT_KEY] = root | (h << HEIGHT_SHIFT);
            return;
        }
        uint256 lanes = root & ((1 << HEIGHT_SHIFT) - 1);
        while (leaves > capacity) {
            // The old root becomes child 0 of the new one: it keeps its lanes at its level, under a regular key.
            if (lanes != 0) t.nodes[_key(h - 1, 0)] = lanes;
            uint256 sum = _sum(lanes);
            // The four lanes each fit, but their sum becomes one lane of the new root: it must fit too.
            if (sum > MAX_LANE) revert WeightOverflow(sum);
            lanes = sum; // lane 0 of the new root = everything so far
            h += 1;
            capacity <<= 2;
        }
        t.nodes[ROOT_KEY] = lanes | (h << HEIGHT_SHIFT);
    }

    /// @notice Weight of leaf `leaf`.
    function get(Tree storage t, uint256 leaf) internal view returns (uint256) {
        uint256 h = height(t);
        uint256 word = h == 1 ? t.nodes[ROOT_KEY] : t.nodes[_key(0, leaf >> 2)];
        return (word >> (LANE_BITS * (leaf & 3))) & LANE_MASK;
    }

    /// @notice Sets leaf `leaf`'s weight and updates every sum above it.
    function set(Tree storage t, uint256 leaf, uint256 weight) internal {
        if (weight > MAX_LANE) revert WeightOverflow(weight);
        uint256 root = t.nodes[ROOT_KEY];
        uint256 h = root >> HEIGHT_SHIFT;
        if (h == 0) h = 1;
        if (leaf >> (2 * h) != 0) revert LeafOutOfRange(leaf, 1 << (2 * h));
        // Level 0 (or the root when the tree has one level): replace the lane, learn the delta.
        uint256 shift = LANE_BITS * (leaf & 3);
        uint256 key = h == 1 ? ROOT_KEY : _key(0, leaf >> 2);
        uint256 word = h == 1 ? root : t.nodes[key];
        uint256 old = (word >> shift) & LANE_MASK;
        if (old == weight) return;
        word = (word & ~(LANE_MASK << shift)) | (weight << shift);
        if (h == 1) {
            t.nodes[ROOT_KEY] = word;
            return;
        }
        t.nodes[key] = word;
        bool up = weight > old;
        uint256 delta = up ? weight - old : old - weight;
        for (uint256 level = 1; level < h; ++level) {
            uint256 idx = leaf >> (2 * level);
            shift = LANE_BITS * (idx & 3);
            key = level == h - 1 ? ROOT_KEY : _key(level, idx >> 2);
            word = level == h - 1 ? root : t.nodes[key];
            uint256 lane = (word >> shift) & LANE_MASK;
            uint256 next = up ? lane + delta : lane - delta;
            if (next > MAX_LANE) revert WeightOverflow(next);
            t.nodes[key] = (word & ~(LANE_MASK << shift)) | (next << shift);
        }
    }

    /// @notice The leaf whose cumulative range [before, before + weight) contains `point`; `point` < {total}.
    function find(Tree storage t, uint256 point) internal view returns (uint256 leaf) {
        uint256 word = t.nodes[ROOT_KEY];
        uint256 h = word >> HEIGHT_SHIFT;
        if (h == 0) h = 1;
        for (uint256 level = h; level > 0; ) {
            --level;
            uint256 lane;
            uint256 w = word & LANE_MASK;
            // Walk the four lanes; the last lane takes whatever is left (point < total keeps it in range).
            while (lane < 3 && point >= w) {
                point -= w;
                ++lane;
                w = (word >> (LANE_BITS * lane)) & LANE_MASK;
            }
            leaf = (leaf << 2) | lane;
            if (level > 0) word = t.nodes[_key(level - 1, leaf)];
        }
    }

    function _key(uint256 level, uint256 index) private pure returns (uint256) {
        return (level << 128) | index;
    }

    function _sum(uint256 word) private pure returns (uint256) {
        return
            (word & LANE_MASK) +
            ((word >> LANE_BITS) & LANE_MASK) +
            ((word >> (2 * LANE_BITS)) & LANE_MASK) +
            ((word >> (3 * LANE_BITS)) & LANE_MASK);
    }
}
