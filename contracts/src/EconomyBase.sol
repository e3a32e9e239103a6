// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IEconomyEvents} from "./interfaces/IEconomyEvents.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {JobStatus, ProviderStatus, ValidatorStatus} from "./interfaces/EconomyTypes.sol";
import {IEconomyToken} from "./interfaces/IEconomyToken.sol";
import {EconomyParams, Params} from "./lib/EconomyParams.sol";
import {WeightTree} from "./lib/WeightTree.sol";

/// @title EconomyBase
/// @notice Storage layout, clone arguments and the bookkeeping shared by {Economy} (hot paths and a provider's own
/// calls), {EconomyModule} (everything else, reached through the economy's fallback by delegatecall) and
/// {EconomyViews} (the views, reached through the module's fallback). All three inherit this contract and declare no
/// state of their own, so they see one storage layout.
/// @dev Storage is packed so that a job's whole life writes one new word (the job), and each step rewrites words it
/// has already read. Contents that the contract never decides on (model, input and output hashes and URIs) live in
/// events only. Amounts are narrowed (uint80 fees, uint88 bonds, uint128 balances) with checks (SafeCast); block
/// numbers and timestamps are uint48 (enough for millions of years of seconds).
abstract contract EconomyBase is IEconomyEvents, ReentrancyGuardTransient {
    using SafeCast for uint256;
    using WeightTree for WeightTree.Tree;
    using Checkpoints for Checkpoints.Trace208;

    // ─── constants ─────────────────────────────────────────────────────────────────────────────────────────────
    /// @notice Job kinds (a job's `kind`); providers declare a bitmask of `1 << kind`. Each kind has its own draw tree.
    uint8 internal constant KIND_INFERENCE = 0;
    uint8 internal constant KIND_FINE_TUNE = 1;
    uint8 internal constant KIND_COUNT = 2;
    uint8 internal constant ALL_KINDS = 3;
    /// @notice Decline reason codes are src/shared/decline.ts's 1..9.
    uint8 internal constant MAX_DECLINE_REASON = 9;
    /// @notice Draw weight = floor(bond / WEIGHT_UNIT): a milli-token of bond per unit. Nothing the provider declares
    /// enters it.
    uint256 internal constant WEIGHT_UNIT = 1e15;
    uint8 internal constant MAX_CAPACITY = 64;
    /// @notice Rejection-sampling attempts per `assign` (each one O(log n)); bounds the random path's gas. A call that
    /// keeps nobody re-seeds the job from the current block, so the next call draws from fresh bits.
    uint256 internal constant MAX_DRAWS = 8;
    uint256 internal constant MAX_DEADLINE_S = 30 days;
    /// @notice A requester may cancel an unassigned job only after this many blocks without an assignment, so that
    /// cancelling and re-posting cannot be used to re-roll the draw.
    uint256 internal constant CANCEL_DELAY_BLOCKS = 256;
    /// @notice Draws that kept nobody after which the requester may cancel without waiting.
    uint8 internal constant CANCEL_AFTER_MISSES = 16;
    /// @notice A vote that flips the outcome in the last quarter of the vote window extends it by a quarter, twice.
    uint8 internal constant MAX_VOTE_EXTENSIONS = 2;
    /// @notice Assignments in a row a provider may let pass unaccepted before it is paused on-chain: a node that is
    /// gone stops being drawn, without a slash.
    uint8 internal constant MAX_NO_SHOWS = 3;
    /// @notice Emission accrued per token of stake is kept scaled by this factor.
    uint256 internal constant ACCRUAL_SCALE = 1e18;
    /// @notice Verification policy rules (see {VerificationPolicy}).
    uint8 internal constant RULE_LOGPROB = 3;

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
    /// @dev Offset of `minFee` in the parameters' encoding (after the first 20 fields).
    uint256 internal constant MIN_FEE_OFFSET = 106;
    uint256 private constant PROXY_CODE_LENGTH = 45;

    // ─── storage ───────────────────────────────────────────────────────────────────────────────────────────────
    /// @dev One word. `stamp` depends on the status: the block whose hash seeds the next draw while Posted, the
    /// assignment time while Assigned, the submission time from Submitted on.
    struct Job {
        uint32 requesterId;
        uint80 fee;
        uint32 providerId;
        uint24 deadlineS;
        uint48 stamp;
        uint8 kind;
        JobStatus status;
        uint8 declines;
        /// The assigned provider said it runs the job ({Economy-acceptJob}, or a result inside the accept window):
        /// only an accepted job can time out with a slash; one never accepted is a no-show, re-drawn unslashed.
        bool accepted;
        /// Draws that kept nobody (saturating): after {CANCEL_AFTER_MISSES} the requester may cancel at once, since
        /// each miss re-seeds the job and would otherwise push the cancel delay back forever.
        uint8 misses;
    }

    /// @dev Word 0 is everything the draw and the SLA read and write; word 1 is identity and timers (`until` is the
    /// unbonding end while Exiting and the jail end while Jailed). `lastIncreaseBlock`, while Active, is the last
    /// block in which the provider's chance of being drawn went up by its own doing (bond, resume, unjail, a decline)
    /// or by leaving a full state: draws seeded before it skip the provider. While not Active it is the block the
    /// provider left the draw in: its leaves stay in the trees until a draw lands on them, and a draw seeded before it
    /// left ends there instead of landing on someone else — so leaving after seeing a seed re-rolls nothing.
    struct Provider {
        uint88 bond;
        uint88 locked;
        uint8 capacity;
        uint8 activeJobs;
        ProviderStatus status;
        uint48 lastIncreaseBlock;
        address account;
        uint8 kinds;
        uint8 strikes;
        uint48 until;
        /// Assignments in a row it let pass without accepting; at {MAX_NO_SHOWS} it is paused.
        uint8 noShows;
    }

    /// @dev Pull-payment balance. `opened` keeps the word non-zero after a withdrawal, so the next credit rewrites a
    /// word instead of creating one (a provider's account is opened when it registers).
    struct Account {
        uint128 claimable;
        bool opened;
    }

    /// @dev A job priced per token ({Economy-postJobPerToken}): the price of one generated token, the most it may
    /// produce, and how many its result claims ({Economy-submitResultTokens}). The job's fee is the full escrow,
    /// base + price × maxTokens; finalize pays base + price × tokens and refunds the rest to the requester.
    struct PerToken {
        uint80 price;
        uint32 maxTokens;
        uint32 tokens;
    }

    struct Ledger {
        uint128 treasury;
        /// Emission credited so far (minted as it is credited).
        uint128 emitted;
    }

    struct Counters {
        uint64 jobs;
        uint32 providers;
        uint32 requesters;
        uint32 activeProviders;
        uint32 activeValidators;
    }

    /// @dev Emission accrues second by second to the stake of Active providers (Synthetix-style accumulator).
    struct Accrual {
        uint128 activeStake;
        uint48 lastAccrual;
    }

    struct Validator {
        uint88 bond;
        uint88 locked;
        ValidatorStatus status;
        uint48 until;
        /// Votes cast and not yet settled: a validator leaves only once each is settled (and a losing one slashed).
        uint16 openVotes;
    }

    struct Commitment {
        address validator;
        uint48 blockNumber;
        uint48 timestamp;
    }

    struct Challenge {
        address challenger;
        uint48 commitBlock;
        uint8 extensions;
        bool resolved;
        bool quorumMet;
        bool resultValid;
        uint48 openedBlock;
        uint48 voteEnd;
        uint128 quorum;
        uint128 validWeight;
        uint128 invalidWeight;
        uint128 voterPot;
        uint128 winningVoterWeight;
    }

    /// @dev `atRisk` is slashed at settlement if the vote went against the outcome. Nothing is locked by a vote, so a
    /// validator can take part in every challenge at once: a vote that reserved bond would let a whale open more
    /// challenges than honest validators have bond to vote in.
    struct Vote {
        uint128 weight;
        uint88 atRisk;
        bool cast;
        bool resultValid;
        bool settled;
    }

    struct Model {
        uint64 registeredBlock;
        uint8 kind;
        uint8 rule;
        uint32 maxAbsErrorE9;
        uint32 maxRelErrorE9;
        uint16 minAgreementBps;
        string uri;
    }

    address internal _admin;
    Counters internal _counters;
    Ledger internal _ledger;
    uint128 internal _totalBonded;
    Accrual internal _accrual;
    uint256 internal _accruedPerStake;
    WeightTree.Tree[2] internal _trees;
    mapping(uint256 jobId => Job) internal _jobs;
    mapping(uint256 jobId => mapping(uint32 providerId => bool)) internal _excluded;
    mapping(uint32 id => Provider) internal _providers;
    mapping(uint32 id => uint256) internal _accruedPaid;
    mapping(address account => uint32) internal _providerIds;
    mapping(uint32 id => address) internal _requesters;
    mapping(address account => uint32) internal _requesterIds;
    mapping(address account => Account) internal _accounts;
    mapping(address account => Validator) internal _validators;
    mapping(address account => Checkpoints.Trace208) internal _validatorStake;
    Checkpoints.Trace208 internal _totalValidatorStake;
    mapping(uint256 jobId => Challenge) internal _challenges;
    mapping(uint256 jobId => mapping(address validator => Vote)) internal _votes;
    mapping(bytes32 commitment => Commitment) internal _commitments;
    mapping(bytes32 modelHash => Model) internal _models;
    mapping(address account => bool) internal _allocationClaimed;
    mapping(uint256 jobId => PerToken) internal _perToken;

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
        j.deadlineS = uint24(w >> 144);
        j.stamp = uint48(w >> 168);
        j.kind = uint8(w >> 216);
        j.status = JobStatus(uint8(w >> 224));
        j.declines = uint8(w >> 232);
        j.accepted = uint8(w >> 240) != 0;
        j.misses = uint8(w >> 248);
    }

    function _storeJob(uint256 jobId, Job memory j) internal {
        uint256 w = uint256(j.requesterId) |
            (uint256(j.fee) << 32) |
            (uint256(j.providerId) << 112) |
            (uint256(j.deadlineS) << 144) |
            (uint256(j.stamp) << 168) |
            (uint256(j.kind) << 216) |
            (uint256(uint8(j.status)) << 224) |
            (uint256(j.declines) << 232) |
            (j.accepted ? uint256(1) << 240 : 0) |
            (uint256(j.misses) << 248);
        Job storage s = _jobs[jobId];
        assembly ("memory-safe") {
            sstore(s.slot, w)
        }
    }

    // ─── draw weight ───────────────────────────────────────────────────────────────────────────────────────────
    /// @dev A provider's leaf in the tree of each kind it serves: bond in milli-tokens while Active, at or above
    /// minBond and with a free slot, else 0. Locking and releasing collateral does not touch the trees: {Economy-assign}
    /// thins each draw by free bond / bond, so the chance of being drawn is proportional to free bond without a tree
    /// write per job. Only a provider that fills its last slot (or frees it) changes its leaves.
    function _leafWeight(Provider storage p, uint256 minBond) internal view returns (uint256) {
        (uint256 bond, ProviderStatus status) = (p.bond, p.status);
        if (status != ProviderStatus.Active || bond < minBond || p.activeJobs >= p.capacity) return 0;
        return bond / WEIGHT_UNIT;
    }

    /// @dev Rewrites an Active provider's leaves. A provider that is not Active keeps the leaves it had when it left
    /// (see {Provider}); they are cleared by {_prune} when a draw lands on them.
    function _syncWeight(uint32 id, Provider storage p, uint256 minBond) internal {
        if (p.status != ProviderStatus.Active) return;
        _setLeaves(id, p.kinds, _leafWeight(p, minBond));
    }

    function _setLeaves(uint32 id, uint8 kinds, uint256 weight) internal {
        uint256 leaf = id - 1;
        _trees[KIND_INFERENCE].set(leaf, kinds & 1 != 0 ? weight : 0);
        _trees[KIND_FINE_TUNE].set(leaf, kinds & 2 != 0 ? weight : 0);
    }

    /// @dev A provider leaves the draw (pause, exit, jail): it stops earning emission now and keeps its leaves until a
    /// draw lands on them.
    function _leave(uint32 id, Provider storage p, ProviderStatus to, uint256 minBond) internal {
        _settleEmission(id, p, minBond, false);
        if (p.status == ProviderStatus.Active) {
            _counters.activeProviders -= 1;
            _moveStake(_earningStake(p.bond, minBond), 0);
        }
        p.status = to;
        p.lastIncreaseBlock = uint48(block.number);
    }

    /// @dev A provider enters the draw (register, resume, unjail): leaves written, stake earning, counted as an
    /// increase for draws already seeded.
    function _enter(uint32 id, Provider storage p, uint256 minBond) internal {
        _settleEmission(id, p, minBond, false);
        p.status = ProviderStatus.Active;
        p.lastIncreaseBlock = uint48(block.number);
        _counters.activeProviders += 1;
        _moveStake(0, _earningStake(p.bond, minBond));
        _setLeaves(id, p.kinds, _leafWeight(p, minBond));
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
    uint256 internal constant P_CAPACITY = 176;
    uint256 internal constant P_ACTIVE = 184;
    uint256 internal constant P_STATUS = 192;
    uint256 internal constant P_INCREASE = 200;

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

    /// @dev Unlocks a job's collateral and frees its slot (one word rewritten; the trees untouched). Anyone may call
    /// finalize, reportTimeout or resolveChallenge, so a release is no increase for draws already seeded — otherwise a
    /// competitor could make them skip this provider. Only a provider that was full gets its leaves back, and that
    /// counts as an increase: it was not in the draw set of draws seeded while it was full. (locked ≥ collateral and
    /// activeJobs ≥ 1 hold for every assigned job, so the subtractions cannot borrow across fields.)
    function _release(uint32 id, uint256 collateral) internal returns (Provider storage p) {
        p = _providers[id];
        uint256 w = _word(p);
        bool wasFull = uint8(w >> P_ACTIVE) >= uint8(w >> P_CAPACITY);
        w = w - (collateral << P_LOCKED) - (1 << P_ACTIVE);
        if (wasFull && uint8(w >> P_STATUS) == uint8(ProviderStatus.Active)) {
            w = (w & ~(uint256(type(uint48).max) << P_INCREASE)) | (block.number << P_INCREASE);
            _setWord(p, w);
            _setLeaves(id, p.kinds, _leafWeight(p, _params().minBond));
        } else {
            _setWord(p, w);
        }
    }

    /// @dev Takes `amount` out of a provider's bond (and total bonded), settling its emission first and updating its
    /// stake and leaves.
    function _takeFromBond(uint32 id, Provider storage p, uint256 amount, Params memory prm) internal {
        _settleEmission(id, p, prm.minBond, false);
        uint256 before = p.bond;
        uint256 bond = before - amount;
        p.bond = uint88(bond);
        _totalBonded -= uint128(amount);
        if (p.status == ProviderStatus.Active) {
            _moveStake(_earningStake(before, prm.minBond), _earningStake(bond, prm.minBond));
        }
        _syncWeight(id, p, prm.minBond);
    }

    /// @dev Counts a strike and jails the provider once it reaches `jailStrikes`.
    function _strike(uint32 id, uint256 jobId, Params memory prm) internal {
        Provider storage p = _providers[id];
        uint8 strikes = p.strikes + 1;
        p.strikes = strikes;
        emit Strike(p.account, jobId, strikes);
        ProviderStatus status = p.status;
        if (strikes >= prm.jailStrikes && (status == ProviderStatus.Active || status == ProviderStatus.Paused)) {
            _leave(id, p, ProviderStatus.Jailed, prm.minBond);
            uint256 until = block.timestamp + prm.jailCooldownS;
            p.until = uint48(until);
            emit ProviderJailed(p.account, until);
        }
    }

    // ─── emission ──────────────────────────────────────────────────────────────────────────────────────────────
    /// @dev Stake that earns emission: the bond of an Active provider at or above minBond.
    function _earningStake(uint256 bond, uint256 minBond) internal pure returns (uint256) {
        return bond >= minBond ? bond : 0;
    }

    /// @dev Moves the active stake from `before` to `next` (a provider's earning stake before and after a change).
    /// Callers settle the provider's emission first, so the accumulator is already up to date.
    function _moveStake(uint256 before, uint256 next) internal {
        if (before == next) return;
        _accrue();
        Accrual storage a = _accrual;
        a.activeStake = uint128(uint256(a.activeStake) + next - before);
    }

    /// @dev Brings the emission accumulator up to now: the emission of the time since the last accrual, per token
    /// of active stake. Time with no active stake emits nothing (it is never minted).
    function _accrue() internal returns (uint256 perStake) {
        Accrual memory a = _accrual;
        perStake = _accruedPerStake;
        if (a.lastAccrual == block.timestamp) return perStake;
        if (a.activeStake != 0) {
            perStake += (_emissionBetween(a.lastAccrual, block.timestamp) * ACCRUAL_SCALE) / a.activeStake;
            _accruedPerStake = perStake;
        }
        _accrual.lastAccrual = uint48(block.timestamp);
    }

    /// @dev The accumulator as it would be now, without writing.
    function _accruedPerStakeNow() internal view returns (uint256 perStake) {
        Accrual memory a = _accrual;
        perStake = _accruedPerStake;
        if (a.activeStake != 0 && a.lastAccrual < block.timestamp) {
            perStake += (_emissionBetween(a.lastAccrual, block.timestamp) * ACCRUAL_SCALE) / a.activeStake;
        }
    }

    /// @dev Emission accrued to provider `id` since its last settlement.
    function _pendingEmission(uint32 id, Provider storage p, uint256 minBond) internal view returns (uint256) {
        if (p.status != ProviderStatus.Active) return 0;
        uint256 stake = _earningStake(p.bond, minBond);
        if (stake == 0) return 0;
        return (stake * (_accruedPerStakeNow() - _accruedPaid[id])) / ACCRUAL_SCALE;
    }

    /// @dev Credits (or, with `forfeit`, drops) the emission accrued to a provider's stake since its last settlement,
    /// minting what it credits. Every change to a provider's earning stake calls this first.
    function _settleEmission(uint32 id, Provider storage p, uint256 minBond, bool forfeit) internal {
        uint256 perStake = _accrue();
        uint256 paid = _accruedPaid[id];
        if (paid == perStake) return;
        _accruedPaid[id] = perStake;
        if (p.status != ProviderStatus.Active) return;
        uint256 amount = (_earningStake(p.bond, minBond) * (perStake - paid)) / ACCRUAL_SCALE;
        if (amount == 0) return;
        address account = p.account;
        if (forfeit) {
            emit EmissionForfeited(account, amount);
            return;
        }
        _ledger.emitted += uint128(amount);
        _accounts[account].claimable += uint128(amount);
        emit EmissionCredited(account, _epochAt(_epochLength()), amount);
        IEconomyToken(address(_token())).mint(address(this), amount);
    }

    function _epochAt(uint256 epochLengthS) internal view returns (uint256) {
        return (block.timestamp - _arg(ARG_CREATED_AT, 8)) / epochLengthS;
    }

    /// @notice Emission of epoch `epoch` (counted from the economy's creation): the base plus a bootstrap bonus that
    /// decays linearly to zero over the first `bootstrapEpochs` epochs, so that young forks pay more for early stake.
    function _emission(Params memory prm, uint256 epoch) internal pure returns (uint256 e) {
        e = prm.emissionPerEpoch;
        if (epoch < prm.bootstrapEpochs) {
            e += (e * prm.bootstrapBonusBps * (prm.bootstrapEpochs - epoch)) / (uint256(prm.bootstrapEpochs) * 10_000);
        }
    }

    /// @dev Emission of the time [from, to) (Unix seconds), each epoch's emission spread evenly over its length. The
    /// loop runs at most once per bootstrap epoch crossed; the time after the bootstrap is one multiplication.
    function _emissionBetween(uint256 from, uint256 to) internal view returns (uint256 total) {
        Params memory prm = _params();
        uint256 created = _arg(ARG_CREATED_AT, 8);
        uint256 length = prm.epochLengthS;
        uint256 a = from > created ? from - created : 0;
        uint256 b = to > created ? to - created : 0;
        while (a < b) {
            uint256 epoch = a / length;
            if (epoch >= prm.bootstrapEpochs) {
                total += (uint256(prm.emissionPerEpoch) * (b - a)) / length;
                break;
            }
            uint256 end = (epoch + 1) * length;
            if (end > b) end = b;
            total += (_emission(prm, epoch) * (end - a)) / length;
            a = end;
        }
    }

    // ─── money ─────────────────────────────────────────────────────────────────────────────────────────────────
    function _credit(address account, uint256 amount) internal {
        if (amount != 0) _accounts[account].claimable += amount.toUint128();
    }

    /// @dev Pays a finalized job: fee − protocol fee to the provider's claimable balance, the protocol fee to the
    /// treasury. A job priced per token pays base + price × tokens claimed and refunds the tokens not produced to the
    /// requester. Fees earn no emission (emission accrues to stake), so self-dealt jobs buy nothing but their fee.
    function _payProvider(uint256 jobId, address provider, Job memory job) internal {
        uint256 fee = job.fee;
        PerToken memory pt = _perToken[jobId];
        if (pt.maxTokens != 0) {
            uint256 refund = uint256(pt.price) * (pt.maxTokens - pt.tokens);
            fee -= refund;
            _credit(_requesters[job.requesterId], refund);
            emit JobTokensPaid(jobId, pt.tokens, refund);
        }
        uint256 protocolFee = (fee * _protocolFeeBps()) / 10_000;
        uint256 payout = fee - protocolFee;
        _ledger.treasury += uint128(protocolFee);
        Account storage as_ = _accounts[provider];
        as_.claimable += uint128(payout);
        as_.opened = true;
        emit JobFinalized(jobId, provider, payout, protocolFee);
    }

    /// @dev After a decline or a timeout: excludes the provider from this job and either re-opens the draw from the
    /// next block or, after `maxDeclines`, refunds the requester.
    function _redrawOrRefund(uint256 jobId, Job memory job, uint32 providerId, Params memory prm) internal {
        _excluded[jobId][providerId] = true;
        job.declines += 1;
        job.providerId = 0;
        job.accepted = false;
        if (job.declines >= prm.maxDeclines) {
            job.status = JobStatus.Refunded;
            _storeJob(jobId, job);
            address requester = _requesters[job.requesterId];
            _credit(requester, job.fee);
            emit JobRefunded(jobId, requester, job.fee);
        } else {
            job.status = JobStatus.Posted;
            job.stamp = uint48(block.number);
            _storeJob(jobId, job);
        }
    }

    // ─── validator stake ───────────────────────────────────────────────────────────────────────────────────────
    /// @dev Records a validator's vote-weight stake (its bond while Active, else 0) from this block on, and the total.
    function _checkpointValidator(address account, uint256 stake) internal {
        Checkpoints.Trace208 storage t = _validatorStake[account];
        uint256 before = t.latest();
        if (before == stake) return;
        uint48 key = uint48(block.number);
        t.push(key, uint208(stake));
        _totalValidatorStake.push(key, uint208(_totalValidatorStake.latest() + stake - before));
    }

    /// @dev The token is this economy's own {EconomyToken} (reverts on failure, returns true), so plain calls do what
    /// SafeERC20 would, for less gas on every job.
    function _pull(address from, uint256 amount) internal {
        if (!_token().transferFrom(from, address(this), amount)) revert TransferFailed();
    }

    function _push(address to, uint256 amount) internal {
        if (!_token().transfer(to, amount)) revert TransferFailed();
    }

    /// @dev Runs the call in `implementation` on this contract's storage and returns or reverts with its result.
    function _delegate(address implementation) internal {
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), implementation, 0, calldatasize(), 0, 0)
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

    function _onlyAdmin() internal view {
        if (msg.sender != _admin) revert NotAdmin(msg.sender);
    }
}
