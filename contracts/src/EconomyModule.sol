// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EconomyBase} from "./EconomyBase.sol";
import {IEconomyToken} from "./interfaces/IEconomyToken.sol";
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
    ValidatorView
} from "./interfaces/EconomyTypes.sol";
import {Params} from "./lib/EconomyParams.sol";
import {WeightTree} from "./lib/WeightTree.sol";

/// @title EconomyModule
/// @notice The part of every economy that is not on a job's hot path: provider exits, pauses and jail, validators,
/// challenges and votes, models, fork allocations, treasury, admin and all views. It runs only by delegatecall from
/// an {Economy} clone (which forwards every selector it does not define), on that economy's storage; called
/// directly it refuses ({NotAnEconomy}), because it has no clone arguments.
///
/// Optimistic verification: a submitted result finalizes after `challengeWindowS` unless an Active validator
/// challenges it. Challenges are commit-reveal (commit keccak256(jobId, validator, salt), reveal a block later), so a
/// bot copying a challenge from the mempool has no commitment and cannot take the challenger's reward. The
/// challenger locks `challengeBond` and votes "invalid" with its stake; other Active validators vote with their bond
/// as weight until the vote ends; a vote that flips the outcome in the last quarter of the window extends it by a
/// quarter (at most twice), so a flip cannot be sniped at the last second. The loser is slashed to the winner, less
/// `slashBurnBps` burned, so a provider challenging its own bad result through another address still loses; a
/// provider cannot challenge its own job directly. The slashed provider cannot run with its collateral: it stays
/// locked from assignment until the job finalizes or is rejected, and bonds leave only with nothing locked.
contract EconomyModule is EconomyBase {
    using SafeCast for uint256;
    using WeightTree for WeightTree.Tree;

    // ─── jobs ──────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice The requester takes back the fee of a job nobody was assigned to, once {CANCEL_DELAY_BLOCKS} blocks
    /// have passed since its draw block (earlier cancelling would let a requester re-roll the draw by re-posting).
    /// @param jobId The job (must be Posted).
    function cancelJob(uint256 jobId) external {
        Job memory jb = _jobs[jobId];
        if (jb.status != JobStatus.Posted) revert WrongJobStatus(jobId, uint8(jb.status));
        if (_requesters[jb.requesterId] != msg.sender) revert NotRequester(jobId, msg.sender);
        uint256 from = uint256(jb.stamp) + CANCEL_DELAY_BLOCKS;
        if (block.number <= from) revert CancelTooEarly(jobId, from + 1);
        _jobs[jobId].status = JobStatus.Refunded;
        _credit(msg.sender, jb.fee);
        emit JobRefunded(jobId, msg.sender, jb.fee);
    }

    // ─── validators ────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Registers the caller as a validator with a bond of at least `validatorMinBond` (pulled from it).
    /// @param amount Tokens to bond.
    function registerValidator(uint256 amount) external nonReentrant {
        Params memory prm = _params();
        if (amount < prm.validatorMinBond) revert BondTooLow(amount, prm.validatorMinBond);
        Validator storage v = _validators[msg.sender];
        if (v.status != ValidatorStatus.None && v.status != ValidatorStatus.Exited) {
            revert WrongValidatorStatus(msg.sender, uint8(v.status));
        }
        v.bond = amount.toUint88();
        v.locked = 0;
        v.status = ValidatorStatus.Active;
        v.until = 0;
        v.activeSince = uint32(block.timestamp);
        _validatorStake += uint128(amount);
        _counters.activeValidators += 1;
        emit ValidatorRegistered(msg.sender, amount);
        _pull(msg.sender, amount);
    }

    /// @notice Adds to an Active validator's bond (and voting weight).
    /// @param amount Tokens to add.
    function addValidatorBond(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Validator storage v = _validators[msg.sender];
        if (v.status != ValidatorStatus.Active) revert WrongValidatorStatus(msg.sender, uint8(v.status));
        uint88 bond = (uint256(v.bond) + amount).toUint88();
        v.bond = bond;
        _validatorStake += uint128(amount);
        emit ValidatorBondAdded(msg.sender, amount, bond);
        _pull(msg.sender, amount);
    }

    /// @notice Starts a validator's exit: it stops challenging and voting at once and may withdraw after the
    /// unbonding period, once no challenge bond is locked.
    function requestValidatorExit() external {
        Validator storage v = _validators[msg.sender];
        if (v.status != ValidatorStatus.Active) revert WrongValidatorStatus(msg.sender, uint8(v.status));
        uint256 until = block.timestamp + _params().unbondingPeriodS;
        v.status = ValidatorStatus.Exiting;
        v.until = until.toUint32();
        _validatorStake -= v.bond;
        _counters.activeValidators -= 1;
        emit ValidatorExitRequested(msg.sender, until);
    }

    /// @notice Pays an exited validator's bond to `to` after the unbonding period, with no challenge open.
    /// @param to Recipient.
    /// @return amount The bond paid.
    function withdrawValidatorBond(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        Validator storage v = _validators[msg.sender];
        if (v.status != ValidatorStatus.Exiting) revert WrongValidatorStatus(msg.sender, uint8(v.status));
        if (block.timestamp < v.until) revert StillUnbonding(v.until);
        if (v.locked != 0) revert CollateralLocked(v.locked);
        amount = v.bond;
        v.bond = 0;
        v.status = ValidatorStatus.Exited;
        v.until = 0;
        emit ValidatorBondWithdrawn(msg.sender, to, amount);
        _push(to, amount);
    }

    // ─── challenges ────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice First half of a challenge: records keccak256(abi.encode(jobId, validator, salt)) now, to be revealed
    /// by {challenge} from the next block on. The commitment names the validator, so copying it is useless.
    /// @param commitment The hash.
    function commitChallenge(bytes32 commitment) external {
        Validator storage v = _validators[msg.sender];
        if (v.status != ValidatorStatus.Active) revert WrongValidatorStatus(msg.sender, uint8(v.status));
        if (_commitments[commitment] == 0) _commitments[commitment] = block.number;
        emit ChallengeCommitted(msg.sender, commitment);
    }

    /// @notice Challenges a submitted result inside its challenge window, revealing an earlier commitment. Locks
    /// `challengeBond` of the caller's validator bond and opens a stake-weighted vote in which the caller's stake
    /// counts as "invalid".
    /// @param jobId The job (Submitted).
    /// @param salt The salt committed with {commitChallenge}.
    function challenge(uint256 jobId, bytes32 salt) external {
        Validator storage v = _validators[msg.sender];
        Validator memory vm = v;
        if (vm.status != ValidatorStatus.Active) revert WrongValidatorStatus(msg.sender, uint8(vm.status));
        bytes32 commitment = keccak256(abi.encode(jobId, msg.sender, salt));
        uint256 committedAt = _commitments[commitment];
        if (committedAt == 0) revert UnknownCommitment(commitment);
        if (committedAt >= block.number) revert CommitmentTooFresh(commitment);
        Job memory jb = _jobs[jobId];
        if (jb.status != JobStatus.Submitted) revert WrongJobStatus(jobId, uint8(jb.status));
        Params memory prm = _params();
        uint256 windowEnd = uint256(jb.stamp) + prm.challengeWindowS;
        if (block.timestamp >= windowEnd) revert ChallengeWindowClosed(jobId, windowEnd);
        address provider = _providers[jb.providerId].account;
        if (provider == msg.sender) revert SelfChallenge(jobId);
        uint256 free = uint256(vm.bond) - vm.locked;
        if (free < prm.challengeBond) revert BondTooLow(free, prm.challengeBond);
        delete _commitments[commitment];
        v.locked = (uint256(vm.locked) + prm.challengeBond).toUint88();
        _jobs[jobId].status = JobStatus.Voting;
        uint256 voteEnd = block.timestamp + prm.voteWindowS;
        _challenges[jobId] = Challenge({
            challenger: msg.sender,
            openedAt: uint32(block.timestamp),
            voteEnd: voteEnd.toUint32(),
            extensions: 0,
            validWeight: 0,
            invalidWeight: vm.bond
        });
        _voted[jobId][msg.sender] = true;
        emit ChallengeOpened(jobId, msg.sender, provider, voteEnd);
        emit VoteCast(jobId, msg.sender, false, vm.bond);
    }

    /// @notice An Active validator votes on a challenged result with its bond as weight, once, before the vote ends.
    /// Validators that registered after the challenge opened cannot vote on it (no stake brought in to swing it).
    /// @param jobId The job (Voting).
    /// @param resultValid true: the result is right (the challenger loses); false: it is wrong.
    function vote(uint256 jobId, bool resultValid) external {
        Validator storage v = _validators[msg.sender];
        if (v.status != ValidatorStatus.Active) revert WrongValidatorStatus(msg.sender, uint8(v.status));
        if (_jobs[jobId].status != JobStatus.Voting) revert WrongJobStatus(jobId, uint8(_jobs[jobId].status));
        Challenge memory c = _challenges[jobId];
        if (block.timestamp >= c.voteEnd) revert VoteClosed(jobId, c.voteEnd);
        if (_voted[jobId][msg.sender]) revert AlreadyVoted(jobId, msg.sender);
        if (v.activeSince >= c.openedAt) revert JoinedAfterChallenge(jobId, msg.sender);
        _voted[jobId][msg.sender] = true;
        uint256 weight = v.bond;
        bool invalidLedBefore = c.invalidWeight > c.validWeight;
        if (resultValid) c.validWeight += uint128(weight);
        else c.invalidWeight += uint128(weight);
        emit VoteCast(jobId, msg.sender, resultValid, weight);
        uint256 late = _params().voteWindowS / 4;
        if (
            invalidLedBefore != (c.invalidWeight > c.validWeight) &&
            c.voteEnd - block.timestamp < late &&
            c.extensions < MAX_VOTE_EXTENSIONS
        ) {
            c.voteEnd += uint32(late);
            c.extensions += 1;
            emit VoteExtended(jobId, c.voteEnd);
        }
        _challenges[jobId] = c;
    }

    /// @notice Settles a challenge after its vote: if "invalid" outweighs "valid" the result is rejected (the
    /// provider's collateral is slashed to the challenger less the burn, the requester is refunded, the provider gets
    /// a strike); otherwise the job finalizes as usual and the challenger's bond is slashed to the provider less the
    /// burn. Callable by anyone.
    /// @param jobId The job (Voting, vote ended).
    function resolveChallenge(uint256 jobId) external nonReentrant {
        Job memory jb = _jobs[jobId];
        if (jb.status != JobStatus.Voting) revert WrongJobStatus(jobId, uint8(jb.status));
        Challenge memory c = _challenges[jobId];
        if (block.timestamp < c.voteEnd) revert VoteOpen(jobId, c.voteEnd);
        Params memory prm = _params();
        uint32 id = jb.providerId;
        uint256 collateral = _collateral(jb.fee, prm);
        Provider storage p = _release(id, collateral);
        address provider = p.account;
        Validator storage v = _validators[c.challenger];
        v.locked -= uint88(prm.challengeBond);
        bool resultValid = c.invalidWeight <= c.validWeight;
        uint256 burned;
        emit ChallengeResolved(jobId, resultValid, c.validWeight, c.invalidWeight);
        if (resultValid) {
            _jobs[jobId].status = JobStatus.Finalized;
            burned = (uint256(prm.challengeBond) * prm.slashBurnBps) / 10_000;
            uint256 toWinner = prm.challengeBond - burned;
            v.bond -= uint88(prm.challengeBond);
            if (v.status == ValidatorStatus.Active) _validatorStake -= prm.challengeBond;
            _credit(provider, toWinner);
            emit ValidatorSlashed(c.challenger, jobId, prm.challengeBond, toWinner, burned);
            _payProvider(jobId, provider, jb.fee);
        } else {
            _jobs[jobId].status = JobStatus.Rejected;
            // _release unlocked the collateral; now take it out of the bond.
            _takeFromBond(id, p, collateral, prm);
            burned = (collateral * prm.slashBurnBps) / 10_000;
            uint256 toWinner = collateral - burned;
            _credit(c.challenger, toWinner);
            address requester = _requesters[jb.requesterId];
            _credit(requester, jb.fee);
            emit ProviderSlashed(provider, jobId, collateral, 0, 0, toWinner, burned);
            emit JobRejected(jobId, provider);
            emit JobRefunded(jobId, requester, jb.fee);
            _strike(id, jobId, prm);
        }
        if (burned != 0) IEconomyToken(address(_token())).burn(burned);
    }

    // ─── models ────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Registers a model in this economy by the hash of its bytes (admin only). Forks made after this block
    /// see it too.
    /// @param modelHash Content hash of the model file.
    /// @param uri Where to fetch it.
    /// @param kind 0 inference, 1 fine-tune (training-step graph).
    function registerModel(bytes32 modelHash, string calldata uri, uint8 kind) external {
        _onlyAdmin();
        if (kind > KIND_FINE_TUNE) revert InvalidKind(kind);
        if (modelHash == bytes32(0)) revert UnknownModel(modelHash);
        if (_models[modelHash].registeredBlock != 0) revert ModelAlreadyRegistered(modelHash);
        _models[modelHash] = Model({registeredBlock: uint64(block.number), kind: kind, uri: uri});
        emit ModelRegistered(modelHash, kind, uri);
    }

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
            return ModelView(true, own.kind, address(this), own.registeredBlock, own.uri);
        }
        address parent = _parentEconomy();
        if (parent == address(0)) return m;
        uint256 forkBlock = _arg(ARG_FORK_BLOCK, 8);
        return IModelLookup(parent).modelVisibleAt(modelHash, atBlock < forkBlock ? atBlock : forkBlock);
    }

    // ─── fork allocation ───────────────────────────────────────────────────────────────────────────────────────

    /// @notice Mints `account`'s genesis allocation in this fork, proven against the fork's stake snapshot root
    /// (an OpenZeppelin standard Merkle tree of (address account, uint256 amount) leaves built by
    /// src/main/chain/forkSnapshot.ts from the parent's bonds). Anyone may submit it; the tokens go to `account`;
    /// each account claims once.
    /// @param account The snapshot's account.
    /// @param amount Its allocation.
    /// @param proof Merkle proof of the leaf.
    function claimAllocation(address account, uint256 amount, bytes32[] calldata proof) external nonReentrant {
        bytes32 root = bytes32(_arg(ARG_ALLOCATION_ROOT, 32));
        if (root == bytes32(0)) revert NoAllocation();
        if (_allocationClaimed[account]) revert AlreadyClaimed(account);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert InvalidProof();
        _allocationClaimed[account] = true;
        emit AllocationClaimed(account, amount);
        IEconomyToken(address(_token())).mint(account, amount);
    }

    /// @notice Whether `account` has claimed its fork allocation.
    function allocationClaimed(address account) external view returns (bool) {
        return _allocationClaimed[account];
    }

    // ─── treasury and admin ────────────────────────────────────────────────────────────────────────────────────

    /// @notice Pays `amount` of the treasury (protocol fees and timeout slashes) to `to` (admin only).
    /// @param to Recipient.
    /// @param amount Tokens.
    function withdrawTreasury(address to, uint256 amount) external nonReentrant {
        _onlyAdmin();
        if (to == address(0)) revert ZeroAddress();
        uint256 have = _ledger.treasury;
        if (amount == 0) revert ZeroAmount();
        if (amount > have) revert TreasuryTooSmall(have, amount);
        _ledger.treasury = uint128(have - amount);
        emit TreasuryWithdrawn(to, amount);
        _push(to, amount);
    }

    /// @notice Hands the admin role (models, treasury) to `newAdmin` (admin only).
    function transferAdmin(address newAdmin) external {
        _onlyAdmin();
        if (newAdmin == address(0)) revert ZeroAddress();
        emit AdminTransferred(_admin, newAdmin);
        _admin = newAdmin;
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
        j.minScore = s.minScore;
        j.declines = s.declines;
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
        return ChallengeView(c.challenger, c.voteEnd, c.extensions, c.validWeight, c.invalidWeight);
    }

    /// @notice Whether `validator` has voted (or challenged) on `jobId`.
    function hasVoted(uint256 jobId, address validator) external view returns (bool) {
        return _voted[jobId][validator];
    }

    /// @notice The block a challenge commitment was recorded in (0 when unknown or used).
    function commitmentBlock(bytes32 commitment) external view returns (uint256) {
        return _commitments[commitment];
    }

    /// @notice Whether a provider is excluded from a job's draws (it declined or timed out on it).
    function isExcluded(uint256 jobId, address provider) external view returns (bool) {
        return _excluded[jobId][_providerIds[provider]];
    }

    /// @notice A validator's standing.
    function validatorOf(address account) external view returns (ValidatorView memory) {
        Validator memory v = _validators[account];
        return ValidatorView(v.status, v.bond, v.locked, v.status == ValidatorStatus.Exiting ? v.until : 0);
    }

    /// @notice What `account` can withdraw now (including a settle-able emission share).
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
        uint256 nowEpoch = _epochNow(prm);
        s.providerCount = c.providers;
        s.activeProviders = c.activeProviders;
        s.jobCount = c.jobs;
        s.totalBonded = _totals.bonded;
        s.treasury = l.treasury;
        s.unpaidEmissions = _totals.unpaidEmissions;
        s.currentEpoch = nowEpoch;
        s.currentEpochWork = l.epoch == nowEpoch ? l.epochWork : 0;
        s.currentEmission = _emission(prm, nowEpoch);
        s.totalWeight = _tree.total();
        s.activeValidators = c.activeValidators;
        s.validatorStake = _validatorStake;
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
        return _totals.bonded;
    }

    /// @notice Tokens in the treasury.
    function treasury() external view returns (uint256) {
        return _ledger.treasury;
    }

    /// @notice Emissions minted for closed epochs and not yet credited to accounts (rounding dust stays here).
    function unpaidEmissions() external view returns (uint256) {
        return _totals.unpaidEmissions;
    }

    /// @notice The current epoch's index (0 at creation).
    function currentEpoch() external view returns (uint256) {
        return _epochNow(_params());
    }

    /// @notice The emission of epoch `epoch` (with its bootstrap bonus).
    function emissionForEpoch(uint256 epoch) external view returns (uint256) {
        return _emission(_params(), epoch);
    }

    /// @notice A closed epoch's finalized work and minted emission (zeros while open or without work).
    function epochTotals(uint256 epoch) external view returns (uint256 work, uint256 emission) {
        EpochTotals memory t = _epochs[epoch];
        return (t.work, t.emission);
    }

    /// @notice Sum of every provider's draw weight.
    function totalWeight() external view returns (uint256) {
        return _tree.total();
    }

    /// @notice Number of levels in the draw tree (a draw reads one storage word per level).
    function treeHeight() external view returns (uint256) {
        return _tree.height();
    }

    // ─── internals ─────────────────────────────────────────────────────────────────────────────────────────────

    function _providerView(uint32 id) private view returns (ProviderView memory v) {
        if (id == 0) return v;
        Provider memory p = _providers[id];
        v.id = id;
        v.status = p.status;
        v.account = p.account;
        v.bond = p.bond;
        v.locked = p.locked;
        v.free = uint256(p.bond) - p.locked;
        v.score = p.score;
        v.kinds = p.kinds;
        v.capacity = p.capacity;
        v.activeJobs = p.activeJobs;
        v.strikes = p.strikes;
        if (p.status == ProviderStatus.Exiting) v.unbondingEndsAt = p.until;
        if (p.status == ProviderStatus.Jailed) v.jailedUntil = p.until;
        v.lastIncreaseBlock = p.lastIncreaseBlock;
        v.treeWeight = _tree.get(id - 1);
        if (v.treeWeight != 0 && p.activeJobs < p.capacity) v.weight = (v.free / WEIGHT_UNIT) * p.score;
    }

    function _accountView(address account) private view returns (AccountView memory v) {
        Account memory a = _accounts[account];
        v.claimable = a.claimable;
        v.workEpoch = a.workEpoch;
        v.epochWork = a.epochWork;
        if (a.epochWork == 0) return v;
        Params memory prm = _params();
        if (a.workEpoch >= _epochNow(prm)) return v;
        EpochTotals memory t = _epochs[a.workEpoch];
        if (t.work == 0) {
            // The epoch ended but nobody has closed it yet: it is the ledger's open epoch.
            t.work = _ledger.epochWork;
            t.emission = uint128(_emission(prm, a.workEpoch));
        }
        v.pendingEmission = (uint256(t.emission) * a.epochWork) / t.work;
        v.claimable += v.pendingEmission;
    }
}
