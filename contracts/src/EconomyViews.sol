// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EconomyBase} from "./EconomyBase.sol";
import {IModelLookup} from "./interfaces/IModelLookup.sol";
import {
    AccountView,
    ChallengeView,
    JobStatus,
    JobView,
    LineageView,
    ModelView,
    ProviderStatus,
    ProviderView,
    StatsView,
    ValidatorStatus,
    ValidatorView,
    VerificationPolicy,
    VoteView
} from "./interfaces/EconomyTypes.sol";
import {Params} from "./lib/EconomyParams.sol";
import {WeightTree} from "./lib/WeightTree.sol";

/// @title EconomyViews
/// @notice Every read-only function of an economy. It runs only by delegatecall from {EconomyModule} (itself reached
/// by delegatecall from an {Economy} clone), on the clone's storage; called directly it refuses ({NotAnEconomy}).
contract EconomyViews is EconomyBase {
    using SafeCast for uint256;
    using WeightTree for WeightTree.Tree;
    using Checkpoints for Checkpoints.Trace208;

    /// @notice A model as this economy sees it now (registered here, or inherited from the lineage).
    /// @param modelHash Content hash of the model file.
    function model(bytes32 modelHash) external view returns (ModelView memory) {
        return _modelAt(modelHash, block.number);
    }

    /// @notice See {IModelLookup-modelVisibleAt}.
    function modelVisibleAt(bytes32 modelHash, uint256 atBlock) external view returns (ModelView memory) {
        return _modelAt(modelHash, atBlock);
    }

    function _modelAt(bytes32 modelHash, uint256 atBlock) private view returns (ModelView memory m) {
        Model storage own = _models[modelHash];
        if (own.registeredBlock != 0 && own.registeredBlock <= atBlock) {
            return
                ModelView(
                    true,
                    own.kind,
                    address(this),
                    own.registeredBlock,
                    own.uri,
                    VerificationPolicy(own.rule, own.maxAbsErrorE9, own.maxRelErrorE9, own.minAgreementBps)
                );
        }
        address parent = _parentEconomy();
        if (parent == address(0)) return m;
        uint256 forkBlock = _arg(ARG_FORK_BLOCK, 8);
        return IModelLookup(parent).modelVisibleAt(modelHash, atBlock < forkBlock ? atBlock : forkBlock);
    }


    /// @notice Whether `account` has claimed its fork allocation.
    function allocationClaimed(address account) external view returns (bool) {
        return _allocationClaimed[account];
    }

    // ─── views ─────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Every parameter, in one call.
    function params() external view returns (Params memory) {
        return _params();
    }

    /// @notice The economy's token.
    function token() external view returns (address) {
        return address(_token());
    }

    /// @notice Token, parent (address(0) for a genesis economy), creation time, fork block, snapshot block and
    /// allocation root, in one call.
    function lineage() external view returns (LineageView memory) {
        return
            LineageView({
                token: address(_token()),
                parent: _parentEconomy(),
                createdAt: _arg(ARG_CREATED_AT, 8),
                forkBlock: _arg(ARG_FORK_BLOCK, 8),
                snapshotBlock: _arg(ARG_SNAPSHOT_BLOCK, 8),
                allocationRoot: bytes32(_arg(ARG_ALLOCATION_ROOT, 32))
            });
    }

    /// @notice The economy's admin.
    function admin() external view returns (address) {
        return _admin;
    }

    /// @notice A provider's standing by account (status None when unknown).
    function providerOf(address account) external view returns (ProviderView memory) {
        return _providerView(_providerIds[account]);
    }

    /// @notice A provider's standing by id (1 … providerCount).
    function providerById(uint32 id) external view returns (ProviderView memory) {
        return _providerView(id);
    }

    /// @notice A job's on-chain state.
    function job(uint256 jobId) external view returns (JobView memory j) {
        Job memory s = _jobs[jobId];
        if (s.status == JobStatus.None) return j;
        Params memory prm = _params();
        j.status = s.status;
        j.kind = s.kind;
        j.requester = _requesters[s.requesterId];
        j.provider = s.providerId == 0 ? address(0) : _providers[s.providerId].account;
        j.fee = s.fee;
        j.collateral = _collateral(s.fee, prm);
        j.deadlineS = s.deadlineS;
        j.declines = s.declines;
        j.accepted = s.accepted;
        PerToken memory pt = _perToken[jobId];
        (j.pricePerToken, j.maxTokens, j.tokens) = (pt.price, pt.maxTokens, pt.tokens);
        if (s.status == JobStatus.Posted) {
            j.drawBlock = s.stamp;
        } else if (s.status == JobStatus.Assigned) {
            j.assignedAt = s.stamp;
            j.acceptWindowEndsAt = uint256(s.stamp) + prm.acceptWindowS;
            j.deadline = uint256(s.stamp) + s.deadlineS;
        } else if (s.status != JobStatus.Refunded || s.providerId != 0) {
            j.submittedAt = s.stamp;
            j.challengeWindowEndsAt = uint256(s.stamp) + prm.challengeWindowS;
        }
    }

    /// @notice A challenge's state (challenger address(0) when the job was never challenged).
    function challengeOf(uint256 jobId) external view returns (ChallengeView memory) {
        Challenge memory c = _challenges[jobId];
        return
            ChallengeView({
                challenger: c.challenger,
                commitBlock: c.commitBlock,
                openedBlock: c.openedBlock,
                voteEndsAt: c.voteEnd,
                extensions: c.extensions,
                validWeight: c.validWeight,
                invalidWeight: c.invalidWeight,
                quorum: c.quorum,
                resolved: c.resolved,
                quorumMet: c.quorumMet,
                resultValid: c.resultValid,
                voterPot: c.voterPot,
                winningVoterWeight: c.winningVoterWeight
            });
    }

    /// @notice `validator`'s vote on `jobId` (cast false when it has not voted; the challenger's weight is in the
    /// challenge itself).
    function voteOf(uint256 jobId, address validator) external view returns (VoteView memory) {
        Vote memory v = _votes[jobId][validator];
        return VoteView(v.cast, v.resultValid, v.settled, v.weight, v.atRisk);
    }

    /// @notice Whether `validator` has voted on `jobId` or is its challenger.
    function hasVoted(uint256 jobId, address validator) external view returns (bool) {
        return _votes[jobId][validator].cast || (validator != address(0) && _challenges[jobId].challenger == validator);
    }

    /// @notice The block a challenge commitment was recorded in (0 when unknown, revealed or released).
    function commitmentBlock(bytes32 commitment) external view returns (uint256) {
        return _commitments[commitment].blockNumber;
    }

    /// @notice A validator's vote weight (stake) at block `blockNumber` (a past block).
    function validatorStakeAt(address validator, uint256 blockNumber) external view returns (uint256) {
        return _validatorStake[validator].upperLookupRecent(blockNumber.toUint48());
    }

    /// @notice Whether a provider is excluded from a job's draws (it declined or timed out on it).
    function isExcluded(uint256 jobId, address provider) external view returns (bool) {
        return _excluded[jobId][_providerIds[provider]];
    }

    /// @notice A validator's standing.
    function validatorOf(address account) external view returns (ValidatorView memory) {
        Validator memory v = _validators[account];
        (, uint48 stakeBlock, uint208 stake) = _validatorStake[account].latestCheckpoint();
        return
            ValidatorView(
                v.status,
                v.bond,
                v.locked,
                v.openVotes,
                v.status == ValidatorStatus.Exiting ? v.until : 0,
                stake,
                stakeBlock
            );
    }

    /// @notice What `account` can withdraw now (emission not yet settled is in {accountOf}'s pendingEmission).
    function claimable(address account) external view returns (uint256) {
        return _accountView(account).claimable;
    }

    /// @notice An account's rewards state.
    function accountOf(address account) external view returns (AccountView memory) {
        return _accountView(account);
    }

    /// @notice Counts and balances, in one call.
    function stats() external view returns (StatsView memory s) {
        Params memory prm = _params();
        Counters memory c = _counters;
        Ledger memory l = _ledger;
        uint256 nowEpoch = _epochAt(prm.epochLengthS);
        s.providerCount = c.providers;
        s.activeProviders = c.activeProviders;
        s.jobCount = c.jobs;
        s.totalBonded = _totalBonded;
        s.treasury = l.treasury;
        s.emitted = l.emitted;
        s.currentEpoch = nowEpoch;
        s.currentEmission = _emission(prm, nowEpoch);
        s.activeStake = _accrual.activeStake;
        s.inferenceWeight = _trees[KIND_INFERENCE].total();
        s.fineTuneWeight = _trees[KIND_FINE_TUNE].total();
        s.activeValidators = c.activeValidators;
        s.validatorStake = _totalValidatorStake.latest();
    }

    /// @notice Number of jobs ever posted (job ids are 1 … jobCount).
    function jobCount() external view returns (uint256) {
        return _counters.jobs;
    }

    /// @notice Number of providers ever registered (ids are 1 … providerCount).
    function providerCount() external view returns (uint256) {
        return _counters.providers;
    }

    /// @notice Providers currently drawable or waiting for a free slot (status Active).
    function activeProviders() external view returns (uint256) {
        return _counters.activeProviders;
    }

    /// @notice Tokens bonded by providers (Active, Paused, Jailed and Exiting).
    function totalBonded() external view returns (uint256) {
        return _totalBonded;
    }

    /// @notice Tokens in the treasury.
    function treasury() external view returns (uint256) {
        return _ledger.treasury;
    }

    /// @notice Emission credited to providers so far (minted as credited).
    function emitted() external view returns (uint256) {
        return _ledger.emitted;
    }

    /// @notice The emission of the time [from, to) (Unix seconds): what Active stake shares over it.
    function emissionBetween(uint256 from, uint256 to) external view returns (uint256) {
        return to > from ? _emissionBetween(from, to) : 0;
    }

    /// @notice The current epoch's index (0 at creation).
    function currentEpoch() external view returns (uint256) {
        return _epochAt(_params().epochLengthS);
    }

    /// @notice The emission of epoch `epoch` (with its bootstrap bonus).
    function emissionForEpoch(uint256 epoch) external view returns (uint256) {
        return _emission(_params(), epoch);
    }

    /// @notice Sum of the draw weights of job kind `kind`'s tree.
    function totalWeight(uint8 kind) external view returns (uint256) {
        if (kind > KIND_FINE_TUNE) revert InvalidKind(kind);
        return _trees[kind].total();
    }

    /// @notice Number of levels in the draw trees (a draw reads one storage word per level).
    function treeHeight() external view returns (uint256) {
        return _trees[KIND_INFERENCE].height();
    }

    // ─── internals ─────────────────────────────────────────────────────────────────────────────────────────────

    function _providerView(uint32 id) private view returns (ProviderView memory v) {
        if (id == 0) return v;
        Provider storage ps = _providers[id];
        Provider memory p = ps;
        uint256 minBond = _params().minBond;
        v.id = id;
        v.status = p.status;
        v.account = p.account;
        v.bond = p.bond;
        v.locked = p.locked;
        v.free = uint256(p.bond) - p.locked;
        v.kinds = p.kinds;
        v.capacity = p.capacity;
        v.activeJobs = p.activeJobs;
        v.strikes = p.strikes;
        if (p.status == ProviderStatus.Exiting) v.unbondingEndsAt = p.until;
        if (p.status == ProviderStatus.Jailed) v.jailedUntil = p.until;
        v.lastIncreaseBlock = p.lastIncreaseBlock;
        v.treeWeight = _trees[p.kinds & 1 != 0 ? KIND_INFERENCE : KIND_FINE_TUNE].get(id - 1);
        if (_leafWeight(ps, minBond) != 0) v.weight = v.free / WEIGHT_UNIT;
        if (p.status == ProviderStatus.Active) v.stake = _earningStake(p.bond, minBond);
        v.noShows = p.noShows;
    }

    function _accountView(address account) private view returns (AccountView memory v) {
        v.claimable = _accounts[account].claimable;
        uint32 id = _providerIds[account];
        if (id == 0) return v;
        v.pendingEmission = _pendingEmission(id, _providers[id], _params().minBond);
    }
}
