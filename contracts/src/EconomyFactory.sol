// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {Economy} from "./Economy.sol";
import {EconomyToken} from "./EconomyToken.sol";
import {EconomyParams, Params, ParamOverrides} from "./lib/EconomyParams.sol";

interface IParamsView {
    function params() external view returns (Params memory);
}

/// @title EconomyFactory
/// @notice Creates economies and keeps their lineage: the genesis economy of a network and every fork of it (and of
/// forks). Each economy is a token + an economy, both EIP-1167 clones of shared implementations (cheap: a fork
/// deploys no contract code), initialized in the same transaction. The economy's token, parent, creation time, fork
/// block, stake snapshot and {Params} are immutable clone arguments. The app discovers every economy here.
contract EconomyFactory {
    /// @notice One economy in the lineage.
    struct EconomyRecord {
        address economy;
        address token;
        /// address(0) for a genesis economy.
        address parent;
        /// Block the fork was made in (0 for a genesis economy).
        uint64 forkBlock;
        uint64 createdAt;
        /// 0 for genesis, parent's depth + 1 for a fork.
        uint32 depth;
    }

    /// @dev Stored per economy: two words.
    struct Stored {
        address token;
        uint64 createdAt;
        uint32 depth;
        address parent;
        uint64 forkBlock;
    }

    /// @notice A new economy: `parent` is address(0) for a genesis economy; `allocationRoot` (zero when none) is the
    /// stake snapshot of the parent's bonds at `snapshotBlock` whose accounts claim the fork's genesis allocation.
    event EconomyCreated(
        address indexed economy,
        address indexed parent,
        address indexed creator,
        address token,
        uint256 forkBlock,
        uint256 depth,
        string name,
        string symbol,
        bytes32 allocationRoot,
        uint256 snapshotBlock,
        uint256 creatorSupply
    );

    error UnknownParent(address parent);
    error InvalidName();
    error InvalidSnapshot(bytes32 root, uint256 snapshotBlock);
    error ZeroImplementation();

    /// @notice The {Economy} implementation every economy clones.
    address public immutable economyImplementation;
    /// @notice The {EconomyToken} implementation every token clones.
    address public immutable tokenImplementation;

    address[] private _economies;
    mapping(address economy => Stored) private _stored;

    /// @param economyImpl {Economy} implementation (itself pointing at its {EconomyModule}).
    /// @param tokenImpl {EconomyToken} implementation.
    constructor(address economyImpl, address tokenImpl) {
        if (economyImpl.code.length == 0 || tokenImpl.code.length == 0) revert ZeroImplementation();
        economyImplementation = economyImpl;
        tokenImplementation = tokenImpl;
    }

    /// @notice Creates a genesis economy (no parent) with validated parameters; the caller becomes its admin and
    /// receives `creatorSupply` of its new token.
    /// @param params Every parameter (see {Params}); refused outside {EconomyParams-validate}'s bounds.
    /// @param name Token (and economy) name, 1..64 bytes.
    /// @param symbol Token symbol, 1..16 bytes.
    /// @param creatorSupply Tokens minted to the caller (to fund the first providers and requesters).
    /// @return economy The economy's address (its id everywhere).
    /// @return token Its token.
    function createGenesis(
        Params calldata params,
        string memory name,
        string memory symbol,
        uint256 creatorSupply
    ) external returns (address economy, address token) {
        Params memory p = params;
        EconomyParams.validate(p);
        return _create(p, name, symbol, Lineage(address(0), 0, bytes32(0), 0, creatorSupply));
    }

    /// @notice Forks `parent`: a new token and economy whose parameters are the parent's with `overrides` applied
    /// (validated again), which records the parent and this block, sees the parent's models as of this block, and
    /// lets the parent's providers claim a genesis allocation by Merkle proof against `stakeSnapshotRoot` (O(1)
    /// here: nothing is copied). The caller becomes the fork's admin and receives `creatorSupply`.
    /// @param parent An economy made by this factory.
    /// @param overrides Fields to change (bit i of the mask = field i of {Params}).
    /// @param name Token (and economy) name.
    /// @param symbol Token symbol.
    /// @param stakeSnapshotRoot Root of the (account, amount) allocation tree, or zero for none.
    /// @param snapshotBlock The parent block whose bonds the tree was built from (before this block; 0 with no root).
    /// @param creatorSupply Tokens minted to the caller.
    /// @return economy The fork's address.
    /// @return token Its token.
    function fork(
        address parent,
        ParamOverrides calldata overrides,
        string memory name,
        string memory symbol,
        bytes32 stakeSnapshotRoot,
        uint64 snapshotBlock,
        uint256 creatorSupply
    ) external returns (address economy, address token) {
        if (_stored[parent].token == address(0)) revert UnknownParent(parent);
        if (
            (stakeSnapshotRoot == bytes32(0)) != (snapshotBlock == 0) ||
            (stakeSnapshotRoot != bytes32(0) && snapshotBlock >= block.number)
        ) revert InvalidSnapshot(stakeSnapshotRoot, snapshotBlock);
        Params memory p = EconomyParams.applyOverrides(IParamsView(parent).params(), overrides);
        EconomyParams.validate(p);
        return _create(p, name, symbol, Lineage(parent, block.number, stakeSnapshotRoot, snapshotBlock, creatorSupply));
    }

    /// @notice Number of economies (genesis and forks).
    function economyCount() external view returns (uint256) {
        return _economies.length;
    }

    /// @notice The `index`-th economy created (oldest first).
    function economyAt(uint256 index) external view returns (address) {
        return _economies[index];
    }

    /// @notice Every economy's address, oldest first.
    function economies() external view returns (address[] memory) {
        return _economies;
    }

    /// @notice Whether `economy` was created by this factory.
    function isEconomy(address economy) external view returns (bool) {
        return _stored[economy].token != address(0);
    }

    /// @notice One economy's lineage record (all zero when unknown).
    function recordOf(address economy) public view returns (EconomyRecord memory r) {
        Stored memory s = _stored[economy];
        if (s.token == address(0)) return r;
        return EconomyRecord(economy, s.token, s.parent, s.forkBlock, s.createdAt, s.depth);
    }

    /// @notice Lineage records of economies [start, start + count) (clamped), oldest first: the whole tree in a few
    /// calls, each record naming its parent.
    function listEconomies(uint256 start, uint256 count) external view returns (EconomyRecord[] memory list) {
        uint256 n = _economies.length;
        if (start > n) start = n;
        if (count > n - start) count = n - start;
        list = new EconomyRecord[](count);
        for (uint256 i; i < count; ++i) list[i] = recordOf(_economies[start + i]);
    }

    /// @dev What distinguishes a fork from a genesis economy, kept together to stay within the stack.
    struct Lineage {
        address parent;
        uint256 forkBlock;
        bytes32 root;
        uint64 snapshotBlock;
        uint256 creatorSupply;
    }

    function _create(
        Params memory p,
        string memory name,
        string memory symbol,
        Lineage memory l
    ) private returns (address economy, address token) {
        if (bytes(name).length == 0 || bytes(name).length > 64) revert InvalidName();
        if (bytes(symbol).length == 0 || bytes(symbol).length > 16) revert InvalidName();
        uint32 depth = l.parent == address(0) ? 0 : _stored[l.parent].depth + 1;
        token = Clones.clone(tokenImplementation);
        bytes memory args = abi.encodePacked(
            token,
            l.parent,
            uint64(block.timestamp),
            uint64(l.forkBlock),
            l.snapshotBlock,
            l.root,
            EconomyParams.encode(p)
        );
        economy = Clones.cloneWithImmutableArgs(economyImplementation, args);
        _stored[economy] = Stored(token, uint64(block.timestamp), depth, l.parent, uint64(l.forkBlock));
        _economies.push(economy);
        emit EconomyCreated(
            economy,
            l.parent,
            msg.sender,
            token,
            l.forkBlock,
            depth,
            name,
            symbol,
            l.root,
            l.snapshotBlock,
            l.creatorSupply
        );
        EconomyToken(token).initialize(name, symbol, economy);
        Economy(economy).initialize(msg.sender, l.creatorSupply);
    }
}
