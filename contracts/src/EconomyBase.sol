// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IEconomyEvents} from "./interfaces/IEconomyEvents.sol";
import {JobStatus, ProviderStatus, ValidatorStatus} from "./interfaces/EconomyTypes.sol";
import {IEconomyToken} from "./interfaces/IEconomyToken.sol";
import {EconomyParams, Params} from "./lib/EconomyParams.sol";
import {WeightTree} from "./lib/WeightTree.sol";

/// @title EconomyBase
/// @notice Storage layout, clone arguments and the bookkeeping shared by {Economy} (hot paths) and {EconomyModule}
/// (everything else, reached through the economy's fallback by delegatecall). Both inherit this contract and declare
/// no state of their own, so they see one storage layout.
/// @dev Storage is packed so that a job's whole life writes one new word (the job), and each step rewrites words it
/// has already read. Contents that the contract never decides on (model, input and output hashes and URIs) live in
/// events only. Amounts are narrowed (uint80 fees, uint88 bonds, uint128 balances) with checks (SafeCast).
abstract contract EconomyBase is IEconomyEvents, ReentrancyGuardTransient {
    using SafeCast for uint256;
    using WeightTree for WeightTree.Tree;

    // ─── constants ─────────────────────────────────────────────────────────────────────────────────────────────
    /// @notice Job kinds (a job's `kind`); providers declare a bitmask of `1 << kind`.
    uint8 internal constant KIND_INFERENCE = 0;
    uint8 internal constant KIND_FINE_TUNE = 1;
    uint8 internal constant ALL_KINDS = 3;
    /// @notice Decline reason codes are src/shared/decline.ts's 1..9.
    uint8 internal constant MAX_DECLINE_REASON = 9;
    /// @notice Draw weight = floor(free bond / WEIGHT_UNIT) × score: a milli-token of free bond per score point.
    uint256 internal constant WEIGHT_UNIT = 1e15;
    uint256 internal constant MAX_SCORE = 1_000_000;
    uint8 internal constant MAX_CAPACITY = 64;
    /// @notice Rejection-sampling attempts per `assign` (each one O(log n)); bounds the random path's gas.
    uint256 internal constant MAX_DRAWS = 8;
    uint256 internal constant MAX_DEADLINE_S = 30 days;
    /// @notice A requester may cancel an unassigned job only after this many blocks without an assignment, so that
    /// cancelling and re-posting cannot be used to re-roll the draw.
    uint256 internal constant CANCEL_DELAY_BLOCKS = 256;
    /// @notice A vote that flips the outcome in the last quarter of the vote window extends it by a quarter, twice.
    uint8 internal constant MAX_VOTE_EXTENSIONS = 2;

    /// @dev Clone arguments (after the 45-byte EIP-1167 proxy code): token, parent, createdAt, forkBlock,
    /// snapshotBlock, allocationRoot, params.
    uint256 internal constant ARG_TOKEN = 0;
    uint256 internal constant ARG_PARENT = 20;
    uint256 internal constant ARG_CREATED_AT = 40;
    uint256 internal constant ARG_FORK_BLOCK = 48;
    uint256 internal constant ARG_SNAPSHOT_BLOCK = 56;
    uint256 internal constant ARG_ALLOCATION_ROOT = 64;
    uint256 internal constant ARG_PARAMS = 96;
    uint256 internal constant ARGS_LENGTH = ARG_PARAMS + EconomyParams.ENCODED_LENGTH;
    uint256 private constant PROXY_CODE_LENGTH = 45;

    // ─── storage ───────────────────────────────────────────────────────────────────────────────────────────────
    /// @dev One word. `stamp` depends on the status: the block whose hash seeds the next draw while Posted, the
    /// assignment time while Assigned, the submission time from Submitted on.
    struct Job {
        uint32 requesterId;
        uint80 fee;
        uint32 providerId;
        uint32 deadlineS;
        uint32 stamp;
        uint24 minScore;
        uint8 kind;
        JobStatus status;
        uint8 declines;
    }

    /// @dev Word 0 is everything the draw and the SLA read and write; word 1 is identity and timers (`until` is the
    /// unbonding end while Exiting and the jail end while Jailed). `lastIncreaseBlock` is the last block in which the
    /// provider's chance of being drawn went up (bond, score, resume, unjail, released collateral): a provider whose
    /// chance rose after a job's draw block cannot be drawn for that job. Bonds are uint88 (≤ 309M tokens each).
    struct Provider {
        uint88 bond;
        uint88 locked;
        uint24 score;
        uint8 capacity;
        uint8 activeJobs;
        ProviderStatus status;
        uint32 lastIncreaseBlock;
        address account;
        uint8 kinds;
        uint8 strikes;
        uint32 until;
    }

    /// @dev Pull-payment balance plus the emission work of the last epoch this account worked in (settled lazily).
    /// `opened` keeps the word non-zero after a withdrawal, so the next credit rewrites a word instead of creating
    /// one (a provider's account is opened when it registers).
    struct Account {
        uint128 claimable;
        uint32 workEpoch;
        uint88 epochWork;
        bool opened;
    }

    /// @dev The word finalize rewrites: treasury and the open epoch's work.
    struct Ledger {
        uint128 treasury;
        uint96 epochWork;
        uint32 epoch;
    }

    struct Counters {
        uint64 jobs;
        uint32 providers;
        uint32 requesters;
        uint32 activeProviders;
        uint32 activeValidators;
    }

    struct Totals {
        uint128 bonded;
        uint128 unpaidEmissions;
    }

    /// @dev `activeSince` guards votes: only validators registered before a challenge opened vote on it.
    struct Validator {
        uint88 bond;
        uint88 locked;
        ValidatorStatus status;
        uint32 until;
        uint32 activeSince;
    }

    struct Challenge {
        address challenger;
        uint32 openedAt;
        uint32 voteEnd;
        uint8 extensions;
        uint128 validWeight;
        uint128 invalidWeight;
    }

    struct EpochTotals {
        uint128 work;
        uint128 emission;
    }

    struct Model {
        uint64 registeredBlock;
        uint8 kind;
        string uri;
    }

    address internal _admin;
    Counters internal _counters;
    Ledger internal _ledger;
    Totals internal _totals;
    uint128 internal _validatorStake;
    WeightTree.Tree internal _tree;
    mapping(uint256 jobId => Job) internal _jobs;
    mapping(uint256 jobId => mapping(uint32 providerId => bool)) internal _excluded;
    mapping(uint32 id => Provider) internal _providers;
    mapping(address account => uint32) internal _providerIds;
    mapping(uint32 id => address) internal _requesters;
    mapping(address account => uint32) internal _requesterIds;
    mapping(address account => Account) internal _accounts;
    mapping(uint256 epoch => EpochTotals) internal _epochs;
    mapping(address account => Validator) internal _validators;
    mapping(uint256 jobId => Challenge) internal _challenges;
    mapping(uint256 jobId => mapping(address validator => bool)) internal _voted;
    mapping(bytes32 commitment => uint256 blockNumber) internal _commitments;
    mapping(bytes32 modelHash => Model) internal _models;
    mapping(address account => bool) internal _allocationClaimed;

    // ─── clone arguments ───────────────────────────────────────────────────────────────────────────────────────
    function _arg(uint256 offset, uint256 size) internal view returns (uint256 v) {
        if (address(this).code.length != PROXY_CODE_LENGTH + ARGS_LENGTH) revert NotAnEconomy();
        assembly ("memory-safe") {
            let scratch := mload(0x40)
            extcodecopy(address(), scratch, add(PROXY_CODE_LENGTH, offset), 32)
            v := shr(sub(256, shl(3, size)), mload(scratch))
        }
    }

    function _params() internal view returns (Params memory) {
        if (address(this).code.length != PROXY_CODE_LENGTH + ARGS_LENGTH) revert NotAnEconomy();
        bytes memory raw = new bytes(EconomyParams.ENCODED_LENGTH);
        assembly ("memory-safe") {
            extcodecopy(address(), add(raw, 32), add(PROXY_CODE_LENGTH, ARG_PARAMS), mload(raw))
        }
        return EconomyParams.decode(raw, 0);
    }

    /// @dev The parameters a job's hot path needs, from one 32-byte code read instead of a full decode: bytes 12..44
    /// of the encoding are minCollateral, collateralFeeMultipleBps, acceptWindowS, minDeadlineS, challengeWindowS,
    /// voteWindowS.
    struct JobParams {
        uint256 minCollateral;
        uint256 multipleBps;
        uint256 acceptWindowS;
        uint256 minDeadlineS;
        uint256 challengeWindowS;
    }

    function _jobParams() internal view returns (JobParams memory j) {
        uint256 w = _arg(ARG_PARAMS + 12, 32);
        j.minCollateral = w >> 160;
        j.multipleBps = uint32(w >> 128);
        j.acceptWindowS = uint32(w >> 96);
        j.minDeadlineS = uint32(w >> 64);
        j.challengeWindowS = uint32(w >> 32);
    }

    function _protocolFeeBps() internal view returns (uint256) {
        return _arg(ARG_PARAMS + 44, 2);
    }

    function _epochLength() internal view returns (uint256) {
        return _arg(ARG_PARAMS + 59, 4);
    }

    function _token() internal view returns (IERC20) {
        return IERC20(address(uint160(_arg(ARG_TOKEN, 20))));
    }

    function _parentEconomy() internal view returns (address) {
        return address(uint160(_arg(ARG_PARENT, 20)));
    }

    // ─── job word ──────────────────────────────────────────────────────────────────────────────────────────────
    /// @dev A job is one storage word; Solidity would read and write it once per field, so the hot paths load and
    /// store it whole. The layout is Solidity's own for {Job} (first field in the lowest bits), which {EconomyModule}'s
    /// views read back field by field — so every test of a job view also checks this codec.
    function _loadJob(uint256 jobId) internal view returns (Job memory j) {
        Job storage s = _jobs[jobId];
        uint256 w;
        assembly ("memory-safe") {
            w := sload(s.slot)
        }
        j.requesterId = uint32(w);
        j.fee = uint80(w >> 32);
        j.providerId = uint32(w >> 112);
        j.deadlineS = uint32(w >> 144);
        j.stamp = uint32(w >> 176);
        j.minScore = uint24(w >> 208);
        j.kind = uint8(w >> 232);
        j.status = JobStatus(uint8(w >> 240));
        j.declines = uint8(w >> 248);
    }

    function _storeJob(uint256 jobId, Job memory j) internal {
        uint256 w = uint256(j.requesterId) |
            (uint256(j.fee) << 32) |
            (uint256(j.providerId) << 112) |
            (uint256(j.deadlineS) << 144) |
            (uint256(j.stamp) << 176) |
            (uint256(j.minScore) << 208) |
            (uint256(j.kind) << 232) |
            (uint256(uint8(j.status)) << 240) |
            (uint256(j.declines) << 248);
        Job storage s = _jobs[jobId];
        assembly ("memory-safe") {
            sstore(s.slot, w)
        }
    }

    // ─── draw weight ───────────────────────────────────────────────────────────────────────────────────────────
    /// @dev A provider's weight in the tree: bond (in milli-tokens) × score while Active with a bond of at least
    /// minBond, else 0. Locking and releasing collateral does not touch the tree: {Economy-assign} thins each draw by
    /// free bond / bond, so the chance of being drawn is proportional to free bond × score without a tree write per
    /// job.
    function _treeWeight(Provider storage p, Params memory prm) internal view returns (uint256) {
        (uint256 bond, ProviderStatus status) = (p.bond, p.status);
        if (status != ProviderStatus.Active || bond < prm.minBond) return 0;
        return (bond / WEIGHT_UNIT) * p.score;
    }

    function _syncWeight(uint32 id, Provider storage p, Params memory prm) internal {
        _tree.set(id - 1, _treeWeight(p, prm));
    }

    function _collateral(uint256 fee, Params memory prm) internal pure returns (uint256) {
        return _collateral(fee, prm.minCollateral, prm.collateralFeeMultipleBps);
    }

    /// @dev SLA collateral of a job: max(fee × multiple, minimum).
    function _collateral(uint256 fee, uint256 minCollateral, uint256 multipleBps) internal pure returns (uint256 c) {
        c = (fee * multipleBps) / 10_000;
        if (c < minCollateral) c = minCollateral;
    }

    /// @dev Bit offsets of {Provider}'s first word (Solidity's layout: first field lowest), for the hot paths that
    /// read or rewrite it whole instead of field by field.
    uint256 internal constant P_LOCKED = 88;
    uint256 internal constant P_SCORE = 176;
    uint256 internal constant P_CAPACITY = 200;
    uint256 internal constant P_ACTIVE = 208;
    uint256 internal constant P_STATUS = 216;
    uint256 internal constant P_INCREASE = 224;

    function _word(Provider storage p) internal view returns (uint256 w) {
        assembly ("memory-safe") {
            w := sload(p.slot)
        }
    }

    function _setWord(Provider storage p, uint256 w) internal {
        assembly ("memory-safe") {
            sstore(p.slot, w)
        }
    }

    /// @dev Unlocks a job's collateral and frees its slot. The provider's chance of being drawn goes up, so this
    /// counts as an increase for draws already open. One word rewritten; the tree is untouched. (locked ≥ collateral
    /// and activeJobs ≥ 1 hold for every assigned job, so the subtractions cannot borrow across fields.)
    function _release(uint32 id, uint256 collateral) internal returns (Provider storage p) {
        p = _providers[id];
        uint256 w = _word(p) - (collateral << P_LOCKED) - (1 << P_ACTIVE);
        _setWord(p, (w & ~(uint256(type(uint32).max) << P_INCREASE)) | (block.number << P_INCREASE));
    }

    /// @dev Takes `amount` out of a provider's bond (and total bonded) and updates its tree weight.
    function _takeFromBond(uint32 id, Provider storage p, uint256 amount, Params memory prm) internal {
        p.bond -= uint88(amount);
        _totals.bonded -= uint128(amount);
        _syncWeight(id, p, prm);
    }

    /// @dev Counts a strike and jails the provider once it reaches `jailStrikes`.
    function _strike(uint32 id, uint256 jobId, Params memory prm) internal {
        Provider storage p = _providers[id];
        uint8 strikes = p.strikes + 1;
        p.strikes = strikes;
        emit Strike(p.account, jobId, strikes);
        ProviderStatus status = p.status;
        if (strikes >= prm.jailStrikes && (status == ProviderStatus.Active || status == ProviderStatus.Paused)) {
            if (status == ProviderStatus.Active) _counters.activeProviders -= 1;
            p.status = ProviderStatus.Jailed;
            uint256 until = block.timestamp + prm.jailCooldownS;
            p.until = until.toUint32();
            _tree.set(id - 1, 0);
            emit ProviderJailed(p.account, until);
        }
    }

    // ─── money ─────────────────────────────────────────────────────────────────────────────────────────────────
    function _credit(address account, uint256 amount) internal {
        if (amount != 0) _accounts[account].claimable += amount.toUint128();
    }

    function _epochNow(Params memory prm) internal view returns (uint256) {
        return _epochAt(prm.epochLengthS);
    }

    function _epochAt(uint256 epochLengthS) internal view returns (uint256) {
        return (block.timestamp - _arg(ARG_CREATED_AT, 8)) / epochLengthS;
    }

    /// @notice Emission of epoch `epoch` (counted from the economy's creation): the base plus a bootstrap bonus that
    /// decays linearly to zero over the first `bootstrapEpochs` epochs, so that young forks pay more for early work.
    function _emission(Params memory prm, uint256 epoch) internal pure returns (uint256 e) {
        e = prm.emissionPerEpoch;
        if (epoch < prm.bootstrapEpochs) {
            e += (e * prm.bootstrapBonusBps * (prm.bootstrapEpochs - epoch)) / (uint256(prm.bootstrapEpochs) * 10_000);
        }
    }

    /// @dev Closes the ledger's open epoch if time has moved past it, recording its work and emission (only epochs
    /// that saw finalized work emit). Returns the emission the caller must mint to this economy once its own state is
    /// written (checks-effects-interactions). O(1): accounts settle lazily in {_settle}.
    function _rollEpoch(Ledger memory l, uint256 nowEpoch, Params memory prm) internal returns (uint256 toMint) {
        if (l.epoch >= nowEpoch) return 0;
        uint256 work = l.epochWork;
        if (work != 0) {
            toMint = _emission(prm, l.epoch);
            _epochs[l.epoch] = EpochTotals(uint128(work), toMint.toUint128());
            _totals.unpaidEmissions += toMint.toUint128();
            emit EpochClosed(l.epoch, work, toMint);
        }
        l.epoch = uint32(nowEpoch);
        l.epochWork = 0;
    }

    function _mintEmission(uint256 amount) internal {
        if (amount != 0) IEconomyToken(address(_token())).mint(address(this), amount);
    }

    /// @dev Credits an account's share of the emission of the closed epoch it last worked in.
    function _settle(address account, Account memory a, uint256 nowEpoch) internal {
        if (a.epochWork == 0 || a.workEpoch >= nowEpoch) return;
        EpochTotals memory t = _epochs[a.workEpoch];
        uint256 reward = (uint256(t.emission) * a.epochWork) / t.work;
        a.claimable += uint128(reward);
        _totals.unpaidEmissions -= uint128(reward);
        emit EmissionCredited(account, a.workEpoch, reward);
        a.epochWork = 0;
    }

    /// @dev Pays a finalized job: fee − protocol fee to the provider's claimable balance, the protocol fee to the
    /// treasury, the fee as emission work in the current epoch. Rewrites two words (the account and the ledger), then
    /// mints a closed epoch's emission if this call closed one.
    function _payProvider(uint256 jobId, address provider, uint256 fee) internal {
        uint256 protocolFee = (fee * _protocolFeeBps()) / 10_000;
        uint256 payout = fee - protocolFee;
        uint256 nowEpoch = _epochAt(_epochLength());
        uint256 toMint;
        if (_ledger.epoch < nowEpoch) {
            Ledger memory l = _ledger;
            toMint = _rollEpoch(l, nowEpoch, _params());
            _ledger = l;
        }
        Ledger storage ls = _ledger;
        ls.treasury += uint128(protocolFee);
        ls.epochWork += uint96(fee);
        Account storage as_ = _accounts[provider];
        if (as_.workEpoch < nowEpoch && as_.epochWork != 0) {
            Account memory a = as_;
            _settle(provider, a, nowEpoch);
            _accounts[provider] = a;
        }
        as_.claimable += uint128(payout);
        as_.workEpoch = uint32(nowEpoch);
        as_.epochWork += uint88(fee);
        as_.opened = true;
        emit JobFinalized(jobId, provider, payout, protocolFee);
        _mintEmission(toMint);
    }

    /// @dev After a decline or a timeout: excludes the provider from this job and either re-opens the draw from the
    /// next block or, after `maxDeclines`, refunds the requester.
    function _redrawOrRefund(uint256 jobId, Job memory job, uint32 providerId, Params memory prm) internal {
        _excluded[jobId][providerId] = true;
        job.declines += 1;
        job.providerId = 0;
        if (job.declines >= prm.maxDeclines) {
            job.status = JobStatus.Refunded;
            _storeJob(jobId, job);
            address requester = _requesters[job.requesterId];
            _credit(requester, job.fee);
            emit JobRefunded(jobId, requester, job.fee);
        } else {
            job.status = JobStatus.Posted;
            job.stamp = uint32(block.number);
            _storeJob(jobId, job);
        }
    }

    /// @dev The token is this economy's own {EconomyToken} (reverts on failure, returns true), so plain calls do what
    /// SafeERC20 would, for less gas on every job.
    function _pull(address from, uint256 amount) internal {
        if (!_token().transferFrom(from, address(this), amount)) revert TransferFailed();
    }

    function _push(address to, uint256 amount) internal {
        if (!_token().transfer(to, amount)) revert TransferFailed();
    }

    function _onlyAdmin() internal view {
        if (msg.sender != _admin) revert NotAdmin(msg.sender);
    }
}
