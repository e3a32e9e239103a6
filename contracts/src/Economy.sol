// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EconomyBase} from "./EconomyBase.sol";
import {JobStatus, ModelView, ProviderStatus} from "./interfaces/EconomyTypes.sol";
import {IEconomyToken} from "./interfaces/IEconomyToken.sol";
import {IModelLookup} from "./interfaces/IModelLookup.sol";
import {Params} from "./lib/EconomyParams.sol";
import {WeightTree} from "./lib/WeightTree.sol";

/// @title Economy
/// @notice One economy: its provider registry, job market and rewards. Every economy is an EIP-1167 clone of this
/// contract made by {EconomyFactory}, with its token, lineage and {Params} as immutable clone arguments.
/// This contract holds the hot paths of a job's life (register, bond, post, assign, decline, submit, time out,
/// finalize, withdraw); everything else (validators and challenges, models, fork allocations, treasury, views) lives
/// in {EconomyModule}, reached through this contract's fallback by delegatecall, so one address serves both.
///
/// Assignment randomness: a job posted (or re-opened) in block B is drawn by `assign`, callable by anyone from block
/// B + 1, from blockhash(B) (or, once that is older than 256 blocks, the hash of the latest block B + 256·k before
/// the call). Nobody knows blockhash(B) when the post is sent, and a provider whose weight rose after block B
/// (register, bond, unjail, resume, released collateral, a better profile) cannot be drawn for that job, so adding
/// weight after seeing the hash never wins it.
/// Residual bias, documented rather than removed: (1) the producer of block B can choose among the hashes it could
/// produce (withholding or reordering), which on an L2 means the sequencer; (2) whoever calls `assign` picks the
/// block and the order in which pending jobs are drawn, and a provider can lower its own weight (pause, exit,
/// decline) after seeing the hash, which re-rolls the draw among the others — a cartel acting together can choose
/// among a few outcomes, never an arbitrary one; (3) when the first 256 blocks pass without an `assign`, each later
/// 256-block window brings a new hash, so a lone caller who waits can pick among windows. Providers' nodes calling
/// `assign` as soon as they can is what keeps (2) and (3) small.
contract Economy is EconomyBase, Initializable {
    using SafeCast for uint256;
    using WeightTree for WeightTree.Tree;

    /// @notice No provider in the draw could take the job (none eligible in {MAX_DRAWS} attempts).
    error NoEligibleProvider(uint256 jobId, uint256 totalWeight);

    /// @dev {EconomyModule}: the rest of the economy's functions, run in this contract's storage.
    address private immutable MODULE;

    /// @param module The {EconomyModule} implementation shared by every clone of this contract.
    constructor(address module) {
        MODULE = module;
        _disableInitializers();
    }

    /// @notice Sets up a new clone: its admin (who registers models and spends the treasury) and an optional supply
    /// minted to the admin so that the economy has requesters and providers from the start.
    /// @dev Called by the factory in the transaction that creates the clone.
    /// @param admin The economy's admin (the creator).
    /// @param creatorSupply Tokens minted to `admin`.
    function initialize(address admin, uint256 creatorSupply) external initializer {
        if (admin == address(0)) revert ZeroAddress();
        IEconomyToken token = IEconomyToken(address(_token()));
        _admin = admin;
        emit AdminTransferred(address(0), admin);
        if (creatorSupply != 0) token.mint(admin, creatorSupply);
    }

    // ─── providers ─────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Registers the caller as a provider with a bond (pulled from the caller; approve or permit first).
    /// A provider that exited may register again under the same id.
    /// @param bond Tokens to bond, at least `minBond` (at most 309M tokens).
    /// @param score Declared benchmark score (1..1,000,000): weight in the draw and eligibility for `minScore`.
    /// @param kinds Job kinds served, a bitmask of `1 << kind` (1 inference, 2 fine-tune, 3 both).
    /// @param capacity Jobs this provider runs at once (1..64); a full provider is not drawn.
    /// @return id The provider's id (its leaf in the draw tree).
    function register(uint256 bond, uint24 score, uint8 kinds, uint8 capacity) external nonReentrant returns (uint32 id) {
        Params memory prm = _params();
        if (bond < prm.minBond) revert BondTooLow(bond, prm.minBond);
        _checkProfile(score, kinds, capacity);
        id = _providerIds[msg.sender];
        Counters memory c = _counters;
        if (id == 0) {
            id = c.providers + 1;
            c.providers = id;
            _providerIds[msg.sender] = id;
            _tree.reserve(id);
        } else {
            ProviderStatus status = _providers[id].status;
            if (status != ProviderStatus.Exited) revert WrongProviderStatus(msg.sender, uint8(status));
        }
        c.activeProviders += 1;
        _counters = c;
        Provider storage p = _providers[id];
        _providers[id] = Provider({
            bond: bond.toUint88(),
            locked: 0,
            score: score,
            capacity: capacity,
            activeJobs: 0,
            status: ProviderStatus.Active,
            lastIncreaseBlock: uint32(block.number),
            account: msg.sender,
            kinds: kinds,
            strikes: 0,
            until: 0
        });
        _accounts[msg.sender].opened = true;
        _totals.bonded += uint128(bond);
        _syncWeight(id, p, prm);
        emit ProviderRegistered(msg.sender, id, bond, score, kinds, capacity);
        _pull(msg.sender, bond);
    }

    /// @notice Adds to the caller's bond (Active, Paused or Jailed). Counts as an increase for draws already open.
    /// @param amount Tokens to add (pulled from the caller).
    function addBond(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        (uint32 id, Provider storage p) = _provider(msg.sender);
        ProviderStatus status = p.status;
        if (status != ProviderStatus.Active && status != ProviderStatus.Paused && status != ProviderStatus.Jailed) {
            revert WrongProviderStatus(msg.sender, uint8(status));
        }
        uint88 bond = (uint256(p.bond) + amount).toUint88();
        p.bond = bond;
        p.lastIncreaseBlock = uint32(block.number);
        _totals.bonded += uint128(amount);
        _syncWeight(id, p, _params());
        emit BondAdded(msg.sender, amount, bond);
        _pull(msg.sender, amount);
    }

    /// @notice Changes the caller's declared score, job kinds and capacity (Active or Paused). Counts as an increase
    /// for draws already open.
    /// @param score New benchmark score (1..1,000,000).
    /// @param kinds New job-kind bitmask (1..3).
    /// @param capacity New number of concurrent jobs (1..64).
    function updateProfile(uint24 score, uint8 kinds, uint8 capacity) external {
        _checkProfile(score, kinds, capacity);
        (uint32 id, Provider storage p) = _provider(msg.sender);
        if (p.status != ProviderStatus.Active && p.status != ProviderStatus.Paused) {
            revert WrongProviderStatus(msg.sender, uint8(p.status));
        }
        p.score = score;
        p.capacity = capacity;
        p.lastIncreaseBlock = uint32(block.number);
        p.kinds = kinds;
        _syncWeight(id, p, _params());
        emit ProfileUpdated(msg.sender, score, kinds, capacity);
    }

    /// @notice Stops the caller being drawn for new jobs (assigned jobs continue). Undone by {resume}.
    function pause() external {
        (uint32 id, Provider storage p) = _provider(msg.sender);
        if (p.status != ProviderStatus.Active) revert WrongProviderStatus(msg.sender, uint8(p.status));
        p.status = ProviderStatus.Paused;
        _counters.activeProviders -= 1;
        _tree.set(id - 1, 0);
        emit ProviderPaused(msg.sender);
    }

    /// @notice Makes a paused provider drawable again.
    function resume() external {
        (uint32 id, Provider storage p) = _provider(msg.sender);
        if (p.status != ProviderStatus.Paused) revert WrongProviderStatus(msg.sender, uint8(p.status));
        p.status = ProviderStatus.Active;
        p.lastIncreaseBlock = uint32(block.number);
        _counters.activeProviders += 1;
        _syncWeight(id, p, _params());
        emit ProviderResumed(msg.sender);
    }

    /// @notice Starts the caller's exit: it leaves the draw at once and may withdraw its bond after
    /// `unbondingPeriodS`, once no collateral is locked. Jobs already assigned continue (and can still be slashed).
    function requestExit() external {
        (uint32 id, Provider storage p) = _provider(msg.sender);
        ProviderStatus status = p.status;
        if (status != ProviderStatus.Active && status != ProviderStatus.Paused && status != ProviderStatus.Jailed) {
            revert WrongProviderStatus(msg.sender, uint8(status));
        }
        if (status == ProviderStatus.Active) _counters.activeProviders -= 1;
        uint256 until = block.timestamp + _params().unbondingPeriodS;
        p.status = ProviderStatus.Exiting;
        p.until = until.toUint32();
        _tree.set(id - 1, 0);
        emit ExitRequested(msg.sender, until);
    }

    /// @notice Pays an exited provider's whole bond to `to`, after the unbonding period and with nothing locked.
    /// @param to Recipient.
    /// @return amount The bond paid.
    function withdrawBond(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        (, Provider storage p) = _provider(msg.sender);
        if (p.status != ProviderStatus.Exiting) revert WrongProviderStatus(msg.sender, uint8(p.status));
        if (block.timestamp < p.until) revert StillUnbonding(p.until);
        if (p.locked != 0) revert CollateralLocked(p.locked);
        amount = p.bond;
        p.bond = 0;
        p.status = ProviderStatus.Exited;
        p.until = 0;
        _totals.bonded -= uint128(amount);
        emit BondWithdrawn(msg.sender, to, amount);
        _push(to, amount);
    }

    /// @notice Returns a jailed provider to the draw after its cool-down, with strikes cleared; its bond must be at
    /// least `minBond` (add to it first if slashes took it below).
    function unjail() external {
        (uint32 id, Provider storage p) = _provider(msg.sender);
        if (p.status != ProviderStatus.Jailed) revert WrongProviderStatus(msg.sender, uint8(p.status));
        if (block.timestamp < p.until) revert StillJailed(p.until);
        Params memory prm = _params();
        if (p.bond < prm.minBond) revert BondTooLow(p.bond, prm.minBond);
        p.status = ProviderStatus.Active;
        p.lastIncreaseBlock = uint32(block.number);
        p.strikes = 0;
        p.until = 0;
        _counters.activeProviders += 1;
        _syncWeight(id, p, prm);
        emit ProviderUnjailed(msg.sender);
    }

    // ─── jobs ──────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Posts a job and escrows its fee (pulled from the caller). The provider is drawn by {assign} from the
    /// next block on. The model must be registered in this economy or visible from its lineage, with the same kind.
    /// @param kind 0 inference, 1 fine-tune.
    /// @param modelHash Content hash of the model (ONNX bytes).
    /// @param inputHash Content hash of the input (or dataset).
    /// @param inputURI Where the input can be fetched (kept in the event only).
    /// @param fee Tokens paid to the provider on finalize (less the protocol fee); at most 1.2M tokens.
    /// @param deadlineS Seconds the assigned provider has to submit, counted from each assignment (≥ minDeadlineS).
    /// @param minScore Providers with a lower declared score are not eligible.
    /// @return jobId The new job's id (1, 2, …).
    function postJob(
        uint8 kind,
        bytes32 modelHash,
        bytes32 inputHash,
        string calldata inputURI,
        uint256 fee,
        uint32 deadlineS,
        uint24 minScore
    ) external returns (uint256 jobId) {
        if (kind > KIND_FINE_TUNE) revert InvalidKind(kind);
        if (fee == 0) revert ZeroAmount();
        if (fee > type(uint80).max) revert AmountTooLarge(fee, type(uint80).max);
        uint256 minDeadlineS = _jobParams().minDeadlineS;
        if (deadlineS < minDeadlineS || deadlineS > MAX_DEADLINE_S) {
            revert DeadlineOutOfRange(deadlineS, minDeadlineS, MAX_DEADLINE_S);
        }
        if (minScore > MAX_SCORE) revert InvalidScore(minScore);
        _checkModel(modelHash, kind);
        uint32 requesterId = _requesterIds[msg.sender];
        if (requesterId == 0) {
            requesterId = ++_counters.requesters;
            _requesterIds[msg.sender] = requesterId;
            _requesters[requesterId] = msg.sender;
        }
        jobId = ++_counters.jobs;
        // Checks-effects-interactions: the job exists before the fee is pulled (the token is this economy's own).
        _storeJob(jobId, Job({
            requesterId: requesterId,
            fee: uint80(fee),
            providerId: 0,
            deadlineS: deadlineS,
            stamp: uint32(block.number),
            minScore: minScore,
            kind: kind,
            status: JobStatus.Posted,
            declines: 0
        }));
        emit JobPosted(jobId, msg.sender, modelHash, kind, inputHash, inputURI, fee, deadlineS, minScore);
        _pull(msg.sender, fee);
    }

    /// @notice Draws the provider of a Posted job with probability proportional to free bond × score over the
    /// eligible providers, and locks its SLA collateral. Callable by anyone from the block after the job's draw
    /// block. See the contract's notes on randomness and its residual bias.
    /// @dev Each attempt descends the weight tree (bond × score, O(log₄ n) reads, no writes) to a provider and keeps it
    /// with probability free bond / bond; a kept provider must also be eligible: serves the kind, score ≥ minScore,
    /// a free slot, free bond ≥ this job's collateral, no increase after the draw block, not excluded from this job.
    /// Rejected attempts draw again from fresh bits of the same seed, so the provider kept is distributed exactly
    /// ∝ free bond × score over the eligible ones. After {MAX_DRAWS} rejections it reverts with {NoEligibleProvider}
    /// and may be retried from the next block (the job stays Posted). Gas is bounded by MAX_DRAWS descents.
    /// @param jobId The job to assign.
    function assign(uint256 jobId) external {
        Job memory job = _loadJob(jobId);
        if (job.status != JobStatus.Posted) revert WrongJobStatus(jobId, uint8(job.status));
        uint256 drawBlock = job.stamp;
        if (block.number <= drawBlock) revert DrawNotReady(jobId, drawBlock);
        uint256 anchor = drawBlock;
        if (block.number - drawBlock > 256) anchor += ((block.number - 1 - drawBlock) / 256) * 256;
        bytes32 seed = keccak256(abi.encode(blockhash(anchor), address(this), jobId));
        uint256 total = _tree.total();
        if (total != 0) {
            JobParams memory jp = _jobParams();
            uint256 collateral = _collateral(job.fee, jp.minCollateral, jp.multipleBps);
            for (uint256 attempt; attempt < MAX_DRAWS; ++attempt) {
                uint256 r = uint256(keccak256(abi.encode(seed, attempt)));
                uint32 id = uint32(_tree.find(uint128(r) % total) + 1);
                Provider storage p = _providers[id];
                uint256 w = _word(p);
                if (!_eligible(w, job, collateral, drawBlock, r >> 128)) continue;
                if (p.kinds & (1 << job.kind) == 0) continue;
                if (job.declines != 0 && _excluded[jobId][id]) continue;
                // Lock the collateral and take a slot: locked + collateral ≤ bond and activeJobs < capacity, so
                // neither field overflows into the next.
                _setWord(p, w + (collateral << P_LOCKED) + (1 << P_ACTIVE));
                job.providerId = id;
                job.status = JobStatus.Assigned;
                job.stamp = uint32(block.timestamp);
                _storeJob(jobId, job);
                emit JobAssigned(jobId, p.account, collateral, block.timestamp + job.deadlineS);
                return;
            }
        }
        revert NoEligibleProvider(jobId, total);
    }

    /// @notice The assigned provider turns the job down inside the accept window, with a reason code (1..9, see
    /// src/shared/decline.ts). No slash: the collateral is released and the job is drawn again without this
    /// provider, or refunded to the requester after `maxDeclines` declines and timeouts.
    /// @param jobId The job.
    /// @param reason Decline reason code.
    function declineJob(uint256 jobId, uint8 reason) external {
        if (reason == 0 || reason > MAX_DECLINE_REASON) revert InvalidDeclineReason(reason);
        Job memory job = _loadJob(jobId);
        if (job.status != JobStatus.Assigned) revert WrongJobStatus(jobId, uint8(job.status));
        uint32 id = job.providerId;
        if (_providerIds[msg.sender] != id) revert NotJobProvider(jobId, msg.sender);
        Params memory prm = _params();
        uint256 closesAt = uint256(job.stamp) + prm.acceptWindowS;
        if (block.timestamp > closesAt) revert AcceptWindowClosed(jobId, closesAt);
        _release(id, _collateral(job.fee, prm));
        emit JobDeclined(jobId, msg.sender, reason);
        _redrawOrRefund(jobId, job, id, prm);
    }

    /// @notice The assigned provider delivers its result before the deadline; it finalizes after the challenge window
    /// unless a validator challenges it.
    /// @param jobId The job.
    /// @param outputHash Content hash of the output (non-zero).
    /// @param outputURI Where the output can be fetched (kept in the event only).
    function submitResult(uint256 jobId, bytes32 outputHash, string calldata outputURI) external {
        if (outputHash == bytes32(0)) revert InvalidOutputHash();
        Job storage js = _jobs[jobId];
        (JobStatus st, uint32 providerId, uint256 stamp, uint256 deadlineS) = (
            js.status,
            js.providerId,
            js.stamp,
            js.deadlineS
        );
        if (st != JobStatus.Assigned) revert WrongJobStatus(jobId, uint8(st));
        if (_providerIds[msg.sender] != providerId) revert NotJobProvider(jobId, msg.sender);
        uint256 deadline = stamp + deadlineS;
        if (block.timestamp > deadline) revert DeadlinePassed(jobId, deadline);
        js.status = JobStatus.Submitted;
        js.stamp = uint32(block.timestamp);
        emit ResultSubmitted(jobId, msg.sender, outputHash, outputURI);
    }

    /// @notice Anyone may report an assigned job whose deadline passed without a result: the job's collateral is
    /// slashed (requesterSlashShareBps to the requester, the rest to the treasury), the provider gets a strike (and
    /// is jailed at `jailStrikes`), and the job is drawn again without it or refunded after `maxDeclines`.
    /// @param jobId The job.
    function reportTimeout(uint256 jobId) external {
        Job memory job = _loadJob(jobId);
        if (job.status != JobStatus.Assigned) revert WrongJobStatus(jobId, uint8(job.status));
        uint256 deadline = uint256(job.stamp) + job.deadlineS;
        if (block.timestamp <= deadline) revert DeadlineNotReached(jobId, deadline);
        Params memory prm = _params();
        uint32 id = job.providerId;
        uint256 collateral = _collateral(job.fee, prm);
        // The slash is exactly the collateral this job locked: release it, then take it from the bond.
        Provider storage p = _release(id, collateral);
        _takeFromBond(id, p, collateral, prm);
        uint256 toRequester = (collateral * prm.requesterSlashShareBps) / 10_000;
        uint256 toTreasury = collateral - toRequester;
        _credit(_requesters[job.requesterId], toRequester);
        _ledger.treasury += uint128(toTreasury);
        address account = p.account;
        emit JobTimedOut(jobId, account, deadline);
        emit ProviderSlashed(account, jobId, collateral, toRequester, toTreasury, 0, 0);
        _strike(id, jobId, prm);
        _redrawOrRefund(jobId, job, id, prm);
    }

    /// @notice Finalizes a submitted job once its challenge window has passed: releases the collateral, credits the
    /// fee minus the protocol fee to the provider's claimable balance and the protocol fee to the treasury, and counts
    /// the fee as the provider's work in the current epoch. Callable by anyone.
    /// @param jobId The job.
    function finalize(uint256 jobId) external {
        Job memory job = _loadJob(jobId);
        if (job.status != JobStatus.Submitted) revert WrongJobStatus(jobId, uint8(job.status));
        JobParams memory jp = _jobParams();
        uint256 endsAt = uint256(job.stamp) + jp.challengeWindowS;
        if (block.timestamp < endsAt) revert ChallengeWindowOpen(jobId, endsAt);
        job.status = JobStatus.Finalized;
        _storeJob(jobId, job);
        Provider storage p = _release(job.providerId, _collateral(job.fee, jp.minCollateral, jp.multipleBps));
        _payProvider(jobId, p.account, job.fee);
    }

    /// @notice Pays the caller's whole claimable balance (fees, emissions of closed epochs, refunds, compensation,
    /// challenge rewards) to `to`.
    /// @param to Recipient (the payout address).
    /// @return amount Tokens paid.
    function withdraw(address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        Account storage as_ = _accounts[msg.sender];
        uint256 toMint;
        if (as_.epochWork != 0 && as_.workEpoch < _epochAt(_epochLength())) {
            // The epoch this account last worked in has ended: settle its emission share first.
            Params memory prm = _params();
            uint256 nowEpoch = _epochNow(prm);
            Ledger memory l = _ledger;
            uint256 openEpoch = l.epoch;
            toMint = _rollEpoch(l, nowEpoch, prm);
            if (l.epoch != openEpoch) _ledger = l;
            Account memory a = as_;
            _settle(msg.sender, a, nowEpoch);
            _accounts[msg.sender] = a;
        }
        amount = as_.claimable;
        if (amount == 0) revert NothingToWithdraw();
        as_.claimable = 0;
        emit Withdrawn(msg.sender, to, amount);
        _mintEmission(toMint);
        _push(to, amount);
    }

    // ─── internals ─────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev The checks that need only the provider's first word `w`: thinning by free / bond, then eligibility.
    function _eligible(
        uint256 w,
        Job memory job,
        uint256 collateral,
        uint256 drawBlock,
        uint256 bits
    ) private pure returns (bool) {
        if (uint8(w >> P_STATUS) != uint8(ProviderStatus.Active)) return false;
        if (uint8(w >> P_ACTIVE) >= uint8(w >> P_CAPACITY)) return false;
        if (uint24(w >> P_SCORE) < job.minScore || uint32(w >> P_INCREASE) > drawBlock) return false;
        uint256 bond = uint88(w);
        uint256 free = bond - uint88(w >> P_LOCKED);
        return free >= collateral && bits % bond < free;
    }

    function _checkProfile(uint24 score, uint8 kinds, uint8 capacity) private pure {
        if (score == 0 || score > MAX_SCORE) revert InvalidScore(score);
        if (kinds == 0 || kinds > ALL_KINDS) revert InvalidKinds(kinds);
        if (capacity == 0 || capacity > MAX_CAPACITY) revert InvalidCapacity(capacity);
    }

    /// @dev A model is usable when registered here, or in an ancestor at or before the block this economy forked at.
    function _checkModel(bytes32 modelHash, uint8 kind) private view {
        Model storage m = _models[modelHash];
        uint8 modelKind;
        if (m.registeredBlock != 0) {
            modelKind = m.kind;
        } else {
            address parent = _parentEconomy();
            if (parent == address(0)) revert UnknownModel(modelHash);
            ModelView memory inherited = IModelLookup(parent).modelVisibleAt(modelHash, _arg(ARG_FORK_BLOCK, 8));
            if (!inherited.found) revert UnknownModel(modelHash);
            modelKind = inherited.kind;
        }
        if (modelKind != kind) revert ModelKindMismatch(modelHash, modelKind, kind);
    }

    function _provider(address account) private view returns (uint32 id, Provider storage p) {
        id = _providerIds[account];
        p = _providers[id];
        if (id == 0) revert WrongProviderStatus(account, uint8(ProviderStatus.None));
    }

    function _implementation() private view returns (address) {
        return MODULE;
    }

    /// @notice Everything not defined here runs in {EconomyModule} on this economy's storage.
    fallback() external {
        address module = _implementation();
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), module, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 {
                revert(0, returndatasize())
            }
            default {
                return(0, returndatasize())
            }
        }
    }
}
