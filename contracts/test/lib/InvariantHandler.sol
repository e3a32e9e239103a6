// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test, Vm} from "./Test.sol";
import {EconomyToken} from "../../src/EconomyToken.sol";
import {IEconomy} from "../../src/interfaces/IEconomy.sol";
import {IEconomyEvents} from "../../src/interfaces/IEconomyEvents.sol";
import {
    ChallengeView,
    JobStatus,
    JobView,
    ProviderStatus,
    ProviderView,
    ValidatorStatus,
    ValidatorView,
    VoteView
} from "../../src/interfaces/EconomyTypes.sol";
import {Params} from "../../src/lib/EconomyParams.sol";

/// @notice The cheatcodes this suite needs beyond lib/Test.sol's: raw storage reads (the draw trees have no view that
/// returns both kinds' leaves of a provider) and the process environment, the only state that outlives forge's
/// rollback between invariant runs (used to add up the handler's coverage over a whole campaign).
interface VmExtra {
    function load(address target, bytes32 slot) external view returns (bytes32);
    function setEnv(string calldata name, string calldata value) external;
    function envOr(string calldata name, uint256 defaultValue) external view returns (uint256);
}

/// @notice forge's console, called by address so that the suite needs no forge-std.
library Console {
    address private constant CONSOLE = 0x000000000000000000636F6e736F6c652e6c6f67;

    function log(string memory text) internal view {
        (bool ok, ) = CONSOLE.staticcall(abi.encodeWithSignature("log(string)", text));
        ok;
    }
}

/// @notice Raw reads of an economy's storage ({EconomyBase}'s layout), for the scans the handler and the invariants
/// run after every call: a view goes through two delegatecalls and decodes the parameters each time, which would
/// dominate the campaign's cost. setUp checks these reads against the views.
library EconomySlots {
    VmExtra private constant VM = VmExtra(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint256 internal constant COUNTERS = 1;
    uint256 internal constant TREES = 6;
    uint256 internal constant JOBS = 8;
    uint256 internal constant EXCLUDED = 9;
    uint256 internal constant PROVIDERS = 10;
    uint256 internal constant PROVIDER_IDS = 12;
    uint256 internal constant ACCOUNTS = 15;
    uint256 internal constant VALIDATORS = 16;
    uint256 internal constant CHALLENGES = 19;
    uint256 internal constant LANE_MASK = (1 << 60) - 1;

    /// @dev One job word, decoded (see {EconomyBase-Job}).
    struct RawJob {
        uint8 status;
        uint32 providerId;
        uint256 fee;
        uint256 stamp;
    }

    /// @dev A provider's first word, decoded, with its kinds from the second (see {EconomyBase-Provider}).
    struct RawProvider {
        uint256 bond;
        uint256 locked;
        uint8 capacity;
        uint8 activeJobs;
        uint8 status;
        uint256 lastIncreaseBlock;
        address account;
        uint8 kinds;
    }

    function load(address e, bytes32 slot) internal view returns (uint256) {
        return uint256(VM.load(e, slot));
    }

    function jobCount(address e) internal view returns (uint256) {
        return uint64(load(e, bytes32(COUNTERS)));
    }

    function providerCount(address e) internal view returns (uint32) {
        return uint32(load(e, bytes32(COUNTERS)) >> 64);
    }

    function job(address e, uint256 id) internal view returns (RawJob memory j) {
        uint256 w = load(e, keccak256(abi.encode(id, JOBS)));
        j.fee = uint80(w >> 32);
        j.providerId = uint32(w >> 112);
        j.stamp = uint48(w >> 168);
        j.status = uint8(w >> 224);
    }

    function jobStatus(address e, uint256 id) internal view returns (uint8) {
        return uint8(load(e, keccak256(abi.encode(id, JOBS))) >> 224);
    }

    function providerId(address e, address account) internal view returns (uint32) {
        return uint32(load(e, keccak256(abi.encode(account, PROVIDER_IDS))));
    }

    function provider(address e, uint32 id) internal view returns (RawProvider memory p) {
        bytes32 base = keccak256(abi.encode(uint256(id), PROVIDERS));
        uint256 w = load(e, base);
        p.bond = uint88(w);
        p.locked = uint88(w >> 88);
        p.capacity = uint8(w >> 176);
        p.activeJobs = uint8(w >> 184);
        p.status = uint8(w >> 192);
        p.lastIncreaseBlock = uint48(w >> 200);
        uint256 w1 = load(e, bytes32(uint256(base) + 1));
        p.account = address(uint160(w1));
        p.kinds = uint8(w1 >> 160);
    }

    /// @dev 0 (None) for an account that never registered.
    function providerStatus(address e, address account) internal view returns (uint8) {
        uint32 id = providerId(e, account);
        if (id == 0) return 0;
        return uint8(load(e, keccak256(abi.encode(uint256(id), PROVIDERS))) >> 192);
    }

    function validatorStatus(address e, address account) internal view returns (uint8) {
        return uint8(load(e, keccak256(abi.encode(account, VALIDATORS))) >> 176);
    }

    function excluded(address e, uint256 jobId, uint32 id) internal view returns (bool) {
        bytes32 inner = keccak256(abi.encode(jobId, EXCLUDED));
        return load(e, keccak256(abi.encode(uint256(id), inner))) != 0;
    }

    /// @dev The stored claimable balance (without emission accrued and not yet settled).
    function claimable(address e, address account) internal view returns (uint256) {
        return uint128(load(e, keccak256(abi.encode(account, ACCOUNTS))));
    }

    function challenger(address e, uint256 jobId) internal view returns (address) {
        return address(uint160(load(e, keccak256(abi.encode(jobId, CHALLENGES)))));
    }

    /// @dev Leaf `id − 1` of kind `kind`'s tree, read the way {WeightTree-get} does.
    function leaf(address e, uint8 kind, uint32 id) internal view returns (uint256) {
        uint256 slot = TREES + kind;
        uint256 index = id - 1;
        uint256 root = load(e, keccak256(abi.encode(type(uint256).max, slot)));
        uint256 word = root >> 240 <= 1 ? root : load(e, keccak256(abi.encode(index >> 2, slot)));
        return (word >> (60 * (index & 3))) & LANE_MASK;
    }

    function treeTotal(address e, uint8 kind) internal view returns (uint256) {
        uint256 root = load(e, keccak256(abi.encode(type(uint256).max, TREES + kind)));
        return (root & LANE_MASK) + ((root >> 60) & LANE_MASK) + ((root >> 120) & LANE_MASK) + ((root >> 180) & LANE_MASK);
    }
}

/// @notice Drives a set of economies (the same genesis, built from different parameter sets) and one fork through
/// random sequences of every external function an actor can call, and keeps ghost records of what must never happen.
/// Each invariant run works on one economy, chosen by the first call's `seed`, so the parameter sets share the
/// campaign instead of multiplying it.
/// @dev Every action picks a target that can succeed (a job in the right state, an actor in the right status), moves
/// time or blocks as far as the rule it exercises needs (never backwards), and counts its calls and its successes per
/// path, plus the outcomes inside paths that matter (no-show or slashed timeout, jail, the three ends of a vote, a
/// takeover, a pruned leaf…): with `fail_on_revert = false` a path that always reverts would otherwise go unnoticed.
/// One call in sixteen of the job actions aims at any job, finished ones included, for the economy to refuse. Ghost
/// checks never revert (a revert would be discarded the same way); they count violations that the invariants read.
/// The handler itself never reverts (checked with fail_on_revert = true while writing it).
contract InvariantHandler is Test {
    bytes32 internal constant MODEL = keccak256("model: PP-OCRv4 recognition");
    bytes32 internal constant FT_MODEL = keccak256("model: adapter training step");

    // ─── paths (one per economy function, plus time) ────────────────────────────────────────────────────────────
    uint256 internal constant REGISTER = 0;
    uint256 internal constant ADD_BOND = 1;
    uint256 internal constant UPDATE_PROFILE = 2;
    uint256 internal constant PAUSE = 3;
    uint256 internal constant RESUME = 4;
    uint256 internal constant REQUEST_EXIT = 5;
    uint256 internal constant WITHDRAW_BOND = 6;
    uint256 internal constant UNJAIL = 7;
    uint256 internal constant POST_JOB = 8;
    uint256 internal constant ASSIGN = 9;
    uint256 internal constant DECLINE = 10;
    uint256 internal constant SUBMIT = 11;
    uint256 internal constant TIMEOUT = 12;
    uint256 internal constant FINALIZE = 13;
    uint256 internal constant WITHDRAW = 14;
    uint256 internal constant CANCEL = 15;
    uint256 internal constant REGISTER_VALIDATOR = 16;
    uint256 internal constant ADD_VALIDATOR_BOND = 17;
    uint256 internal constant VALIDATOR_EXIT = 18;
    uint256 internal constant WITHDRAW_VALIDATOR_BOND = 19;
    uint256 internal constant COMMIT = 20;
    uint256 internal constant RELEASE = 21;
    uint256 internal constant CHALLENGE = 22;
    uint256 internal constant VOTE = 23;
    uint256 internal constant RESOLVE = 24;
    uint256 internal constant SETTLE = 25;
    uint256 internal constant WITHDRAW_TREASURY = 26;
    uint256 internal constant CLAIM = 27;
    uint256 internal constant WARP = 28;
    uint256 internal constant ACCEPT = 29;
    uint256 internal constant CLAIM_EMISSION = 30;
    uint256 public constant PATHS = 31;

    // ─── branches: outcomes inside a path that the coverage check also requires ─────────────────────────────────
    uint256 internal constant NO_SHOW = 0;
    uint256 internal constant SLASHED_TIMEOUT = 1;
    uint256 internal constant JAILED = 2;
    uint256 internal constant REFUNDED = 3;
    uint256 internal constant DRAW_MISSED = 4;
    uint256 internal constant PRUNED = 5;
    uint256 internal constant NO_QUORUM = 6;
    uint256 internal constant UPHELD = 7;
    uint256 internal constant REJECTED = 8;
    uint256 internal constant TAKEOVER = 9;
    uint256 public constant BRANCHES = 10;

    function branchName(uint256 branch) public pure returns (string memory) {
        string[BRANCHES] memory names = [
            "no-show reported",
            "timeout slashed",
            "provider jailed",
            "job refunded after declines/timeouts",
            "draw missed (re-seeded)",
            "leaves pruned by a draw",
            "challenge without quorum",
            "challenge lost (result upheld)",
            "challenge won (result rejected)",
            "challenger replaced by an older commitment"
        ];
        return names[branch];
    }

    function pathName(uint256 path) public pure returns (string memory) {
        string[PATHS] memory names = [
            "register",
            "addBond",
            "updateProfile",
            "pause",
            "resume",
            "requestExit",
            "withdrawBond",
            "unjail",
            "postJob",
            "assign",
            "declineJob",
            "submitResult",
            "reportTimeout",
            "finalize",
            "withdraw",
            "cancelJob",
            "registerValidator",
            "addValidatorBond",
            "requestValidatorExit",
            "withdrawValidatorBond",
            "commitChallenge",
            "releaseCommitment",
            "challenge",
            "vote",
            "resolveChallenge",
            "settleVote",
            "withdrawTreasury",
            "claimAllocation",
            "warp",
            "acceptJob",
            "claimEmission"
        ];
        return names[path];
    }

    // ─── economies and actors ───────────────────────────────────────────────────────────────────────────────────
    uint256 public constant SETS = 3;
    IEconomy[SETS] public economies;
    EconomyToken[SETS] public tokens;
    /// The economy this run works on, its token, parameters and index.
    IEconomy public eco;
    EconomyToken public tok;
    Params internal prm;
    uint256 public set;
    bool internal chosen;
    /// A parameter set every run must use (SETS: none, each run picks).
    uint256 internal forcedSet = SETS;

    address public immutable admin;
    address[] public providers;
    address[] public validators;
    address[] public requesters;
    address[] internal _everyone;

    /// The fork and its allocation tree: four (account, amount) leaves.
    IEconomy public fork;
    EconomyToken public forkTok;
    address[4] public snapshotAccounts;
    uint256[4] public snapshotAmounts;

    // ─── counts and ghosts ──────────────────────────────────────────────────────────────────────────────────────
    uint256[PATHS] public calls;
    uint256[PATHS] public oks;
    uint256[BRANCHES] public branches;

    struct Commit {
        bytes32 hash;
        address validator;
        uint256 jobId;
        bytes32 salt;
        uint256 blockNumber;
        uint256 timestamp;
    }

    /// @dev Per economy: what the handler knows that the economy does not expose.
    struct Ghost {
        /// Tokens burned by resolved challenges (recomputed here from the parameters, not read from the token).
        uint256 burned;
        /// Every commitment made (open ones are those the economy still knows).
        Commit[] commits;
        /// Status of each job once it reached Finalized, Rejected or Refunded.
        mapping(uint256 jobId => uint8) finalStatus;
        /// The leaves a provider had when it last left Active (a provider that left keeps them until pruned).
        mapping(uint32 id => uint256[2]) leftWith;
    }

    mapping(uint256 set => Ghost) internal _ghosts;
    uint256 public finishedJobChanged;
    uint256 public ineligibleDraws;
    uint256 public claimsAboveLeaf;
    uint256 internal nonce;

    constructor(
        IEconomy[SETS] memory economies_,
        IEconomy fork_,
        address admin_,
        address[] memory providers_,
        address[] memory validators_,
        address[] memory requesters_,
        address[4] memory accounts,
        uint256[4] memory amounts
    ) {
        economies = economies_;
        for (uint256 i; i < SETS; i++) tokens[i] = EconomyToken(economies_[i].token());
        fork = fork_;
        forkTok = EconomyToken(fork_.token());
        admin = admin_;
        providers = providers_;
        validators = validators_;
        requesters = requesters_;
        for (uint256 i; i < providers_.length; i++) _everyone.push(providers_[i]);
        for (uint256 i; i < validators_.length; i++) _everyone.push(validators_[i]);
        for (uint256 i; i < requesters_.length; i++) _everyone.push(requesters_[i]);
        snapshotAccounts = accounts;
        snapshotAmounts = amounts;
        _use(0);
    }

    /// @dev Chooses the run's economy on its first call (the invariants read `eco`, which is economy 0 until then).
    modifier act(uint256 seed, uint256 path) {
        if (!chosen) {
            chosen = true;
            _use(forcedSet < SETS ? forcedSet : seed % SETS);
        }
        calls[path]++;
        vm.recordLogs();
        _;
        _observe();
    }

    function _use(uint256 i) internal {
        set = i;
        eco = economies[i];
        tok = tokens[i];
        prm = economies[i].params();
    }

    // ─── views for the invariants ───────────────────────────────────────────────────────────────────────────────

    function everyone() external view returns (address[] memory) {
        return _everyone;
    }

    function providerList() external view returns (address[] memory) {
        return providers;
    }

    function validatorList() external view returns (address[] memory) {
        return validators;
    }

    function burned() external view returns (uint256) {
        return _ghosts[set].burned;
    }

    function leftWith(uint32 id) external view returns (uint256, uint256) {
        uint256[2] storage l = _ghosts[set].leftWith[id];
        return (l[0], l[1]);
    }

    /// @notice Number of `validator`'s commitments the economy still holds (neither revealed nor released).
    function openCommitments(address validator) external view returns (uint256 n) {
        Commit[] storage cs = _ghosts[set].commits;
        for (uint256 i; i < cs.length; i++) {
            if (cs[i].validator == validator && eco.commitmentBlock(cs[i].hash) != 0) n++;
        }
    }

    /// @notice Leaf `id − 1` of job kind `kind`'s draw tree (read from storage).
    function leafOf(uint8 kind, uint32 id) public view returns (uint256) {
        return EconomySlots.leaf(address(eco), kind, id);
    }

    function _jobStatusRaw(uint256 jobId) internal view returns (uint8) {
        return EconomySlots.jobStatus(address(eco), jobId);
    }

    /// @dev After every action, from the events it emitted (reading every job and provider after every call would
    /// double the campaign's cost): a job that just finished has its status recorded, and one already recorded must
    /// still have it; a provider that just left Active (paused, exiting, jailed) leaves its leaves behind (lazily),
    /// which the leaf invariant accepts until a draw prunes them.
    function _observe() internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        Ghost storage gh = _ghosts[set];
        address e = address(eco);
        for (uint256 i; i < logs.length; i++) {
            Vm.Log memory l = logs[i];
            if (l.emitter != e || l.topics.length < 2) continue;
            bytes32 t = l.topics[0];
            if (
                t == IEconomyEvents.JobFinalized.selector ||
                t == IEconomyEvents.JobRejected.selector ||
                t == IEconomyEvents.JobRefunded.selector
            ) {
                uint256 id = uint256(l.topics[1]);
                uint8 st = EconomySlots.jobStatus(e, id);
                uint8 fin = gh.finalStatus[id];
                if (fin == 0 && st >= uint8(JobStatus.Finalized)) gh.finalStatus[id] = st;
                else if (fin != st) finishedJobChanged++;
            } else if (
                t == IEconomyEvents.ProviderPaused.selector ||
                t == IEconomyEvents.ExitRequested.selector ||
                t == IEconomyEvents.ProviderJailed.selector
            ) {
                uint32 id = EconomySlots.providerId(e, address(uint160(uint256(l.topics[1]))));
                gh.leftWith[id] = [leafOf(0, id), leafOf(1, id)];
                if (t == IEconomyEvents.ProviderJailed.selector) branches[JAILED]++;
            }
        }
    }

    /// @notice The status recorded when job `id` finished (0 while it has not).
    function finalStatusOf(uint256 id) external view returns (uint8) {
        return _ghosts[set].finalStatus[id];
    }

    // ─── pickers ────────────────────────────────────────────────────────────────────────────────────────────────

    function _bit(ProviderStatus s) internal pure returns (uint256) {
        return 1 << uint8(s);
    }

    function _vbit(ValidatorStatus s) internal pure returns (uint256) {
        return 1 << uint8(s);
    }

    function _jbit(JobStatus s) internal pure returns (uint256) {
        return 1 << uint8(s);
    }

    /// @dev The first provider from `start` (cyclically) whose status is in `mask`, else the one at `start`.
    function _findProvider(uint256 start, uint256 mask) internal view returns (address) {
        uint256 n = providers.length;
        for (uint256 k; k < n; k++) {
            address p = providers[(start % n + k) % n];
            if (mask & (1 << EconomySlots.providerStatus(address(eco), p)) != 0) return p;
        }
        return providers[start % n];
    }

    function _findValidator(uint256 start, uint256 mask) internal view returns (address) {
        uint256 n = validators.length;
        for (uint256 k; k < n; k++) {
            address v = validators[(start % n + k) % n];
            if (mask & (1 << EconomySlots.validatorStatus(address(eco), v)) != 0) return v;
        }
        return validators[start % n];
    }

    /// @dev The first job from `start` (cyclically) whose status is in `mask`, 0 when none.
    function _findJob(uint256 start, uint256 mask) internal view returns (uint256) {
        uint256 n = eco.jobCount();
        for (uint256 k; k < n; k++) {
            uint256 id = ((start % n + k) % n) + 1;
            if (mask & (1 << _jobStatusRaw(id)) != 0) return id;
        }
        return 0;
    }

    /// @dev One call in sixteen aims at any job whatever its status (a finished one included: the economy must
    /// refuse, and the ghost of finished jobs must see nothing change); 0 otherwise.
    function _stray(uint256 j) internal view returns (uint256) {
        uint256 n = eco.jobCount();
        return n != 0 && j % 16 == 0 ? ((j >> 4) % n) + 1 : 0;
    }

    /// @dev Like {_findJob} for one status, preferring a job whose window for the next step is still open: the
    /// deadline of an Assigned job, the challenge window of a Submitted one, the vote of a Voting one.
    function _findLive(uint256 start, JobStatus status) internal view returns (uint256 fallback_) {
        uint256 n = eco.jobCount();
        for (uint256 k; k < n; k++) {
            uint256 id = ((start % n + k) % n) + 1;
            if (_jobStatusRaw(id) != uint8(status)) continue;
            if (fallback_ == 0) fallback_ = id;
            uint256 closesAt;
            if (status == JobStatus.Assigned) closesAt = eco.job(id).deadline + 1;
            else if (status == JobStatus.Submitted) closesAt = eco.job(id).challengeWindowEndsAt;
            else closesAt = eco.challengeOf(id).voteEndsAt;
            if (block.timestamp < closesAt) return id;
        }
    }

    function _feeCap() internal view returns (uint256 cap) {
        uint256 mult = prm.collateralFeeMultipleBps;
        // Keep a job's collateral within half a minimum bond, so that a fresh provider can take it.
        cap = mult == 0 ? prm.minBond : (uint256(prm.minBond) * 5_000) / mult;
        if (cap < prm.minFee) cap = prm.minFee;
    }

    // ─── providers ──────────────────────────────────────────────────────────────────────────────────────────────

    function register(uint256 seed, uint256 who, uint256 bond, uint8 kinds, uint8 capacity) external act(seed, REGISTER) {
        address p = _findProvider(who, _bit(ProviderStatus.None) | _bit(ProviderStatus.Exited));
        bond = bound(bond, prm.minBond, uint256(prm.minBond) * 8);
        if (_register(p, bond, uint8(bound(kinds, 1, 3)), uint8(bound(capacity, 1, 4)))) oks[REGISTER]++;
    }

    function _register(address p, uint256 bond, uint8 kinds, uint8 capacity) internal returns (bool) {
        vm.prank(p);
        try eco.register(bond, kinds, capacity) {
            return true;
        } catch {
            return false;
        }
    }

    function addBond(uint256 seed, uint256 who, uint256 amount) external act(seed, ADD_BOND) {
        address p = _findProvider(
            who,
            _bit(ProviderStatus.Active) | _bit(ProviderStatus.Paused) | _bit(ProviderStatus.Jailed)
        );
        amount = bound(amount, 1, uint256(prm.minBond) * 2);
        vm.prank(p);
        try eco.addBond(amount) {
            oks[ADD_BOND]++;
        } catch {}
    }

    /// @dev Profiles change only while Paused: an Active provider pauses first (and stays Paused; `resume` is its own
    /// path).
    function updateProfile(uint256 seed, uint256 who, uint8 kinds, uint8 capacity) external act(seed, UPDATE_PROFILE) {
        address p = _findProvider(who, _bit(ProviderStatus.Paused) | _bit(ProviderStatus.Active));
        if (EconomySlots.providerStatus(address(eco), p) == uint8(ProviderStatus.Active)) {
            vm.prank(p);
            try eco.pause() {} catch {}
        }
        (uint8 k, uint8 c) = (uint8(bound(kinds, 1, 3)), uint8(bound(capacity, 1, 4)));
        vm.prank(p);
        try eco.updateProfile(k, c) {
            oks[UPDATE_PROFILE]++;
        } catch {}
    }

    function pause(uint256 seed, uint256 who) external act(seed, PAUSE) {
        address p = _findProvider(who, _bit(ProviderStatus.Active));
        vm.prank(p);
        try eco.pause() {
            oks[PAUSE]++;
        } catch {}
    }

    function resume(uint256 seed, uint256 who) external act(seed, RESUME) {
        address p = _findProvider(who, _bit(ProviderStatus.Paused));
        vm.prank(p);
        try eco.resume() {
            oks[RESUME]++;
        } catch {}
    }

    function requestExit(uint256 seed, uint256 who) external act(seed, REQUEST_EXIT) {
        address p = _findProvider(
            who,
            _bit(ProviderStatus.Active) | _bit(ProviderStatus.Paused) | _bit(ProviderStatus.Jailed)
        );
        vm.prank(p);
        try eco.requestExit() {
            oks[REQUEST_EXIT]++;
        } catch {}
    }

    /// @dev Waits out the unbonding period; still reverts while collateral is locked.
    function withdrawBond(uint256 seed, uint256 who) external act(seed, WITHDRAW_BOND) {
        address p = _findProvider(who, _bit(ProviderStatus.Exiting));
        ProviderView memory pv = eco.providerOf(p);
        if (pv.status == ProviderStatus.Exiting && block.timestamp < pv.unbondingEndsAt) vm.warp(pv.unbondingEndsAt);
        vm.prank(p);
        try eco.withdrawBond(p) {
            oks[WITHDRAW_BOND]++;
        } catch {}
    }

    /// @dev Waits out the jail and tops the bond up to minBond when a slash took it below.
    function unjail(uint256 seed, uint256 who) external act(seed, UNJAIL) {
        address p = _findProvider(who, _bit(ProviderStatus.Jailed));
        ProviderView memory pv = eco.providerOf(p);
        if (pv.status == ProviderStatus.Jailed) {
            if (block.timestamp < pv.jailedUntil) vm.warp(pv.jailedUntil);
            if (pv.bond < prm.minBond) {
                uint256 topUp = prm.minBond - pv.bond;
                vm.prank(p);
                try eco.addBond(topUp) {} catch {}
            }
        }
        vm.prank(p);
        try eco.unjail() {
            oks[UNJAIL]++;
        } catch {}
    }

    // ─── jobs ───────────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Requesters are the requester actors plus providers[0], a provider posting jobs of its own (never drawn
    /// for them).
    function postJob(uint256 seed, uint256 who, uint256 kind, uint256 fee, uint256 deadline) external act(seed, POST_JOB) {
        uint256 r = who % (requesters.length + 1);
        address requester = r == requesters.length ? providers[0] : requesters[r];
        if (_post(requester, uint8(kind % 2), bound(fee, prm.minFee, _feeCap()), deadline) != 0) oks[POST_JOB]++;
    }

    function _post(address requester, uint8 kind, uint256 fee, uint256 deadline) internal returns (uint256) {
        uint32 d = uint32(bound(deadline, prm.minDeadlineS, uint256(prm.minDeadlineS) * 2));
        bytes32 input = keccak256(abi.encode("input", ++nonce));
        // Every other inference job is priced per token: the fee is then its whole escrow, split into a base of at
        // least minFee and up to 64 tokens at the price that fills the rest.
        uint32 maxTokens = uint32(1 + (nonce % 64));
        if (kind == 0 && nonce % 2 == 0 && fee / 2 >= prm.minFee && (fee - fee / 2) / maxTokens != 0) {
            uint256 price = (fee - fee / 2) / maxTokens;
            vm.prank(requester);
            try eco.postJobPerToken(kind, MODEL, input, "ipfs://input", fee / 2, price, maxTokens, d) returns (
                uint256 id
            ) {
                return id;
            } catch {
                return 0;
            }
        }
        vm.prank(requester);
        try eco.postJob(kind, kind == 0 ? MODEL : FT_MODEL, input, "ipfs://input", fee, d) returns (uint256 id) {
            return id;
        } catch {
            return 0;
        }
    }

    /// @dev Succeeds when a provider is assigned; a DrawMissed (job re-seeded) is counted apart. Tries up to three Posted jobs (a job whose only servers are excluded or gone misses every time).
    function assign(uint256 seed, uint256 j, bytes32 hash) external act(seed, ASSIGN) {
        for (uint256 t; t < 3; t++) {
            uint256 id = _findJob((j % 1024) + t, _jbit(JobStatus.Posted));
            if (id == 0) return;
            if (_assign(id, keccak256(abi.encode(hash, t))) == 1) {
                oks[ASSIGN]++;
                return;
            }
        }
    }

    /// @return outcome 0 reverted, 1 assigned, 2 draw missed.
    function _assign(uint256 id, bytes32 hash) internal returns (uint256 outcome) {
        JobView memory jb = eco.job(id);
        if (block.number <= jb.drawBlock) vm.roll(jb.drawBlock + 1);
        uint256 anchor = jb.drawBlock;
        if (block.number - anchor > 256) anchor += ((block.number - 1 - anchor) / 256) * 256;
        vm.setBlockhash(anchor, hash);
        uint32 count = EconomySlots.providerCount(address(eco));
        EconomySlots.RawProvider[] memory before = new EconomySlots.RawProvider[](count + 1);
        bool[] memory excluded = new bool[](count + 1);
        for (uint32 k = 1; k <= count; k++) {
            before[k] = EconomySlots.provider(address(eco), k);
            excluded[k] = EconomySlots.excluded(address(eco), id, k);
        }
        uint256 lazyBefore = _lazyLeaves(before);
        try eco.assign(id) {
            if (_lazyLeaves(before) < lazyBefore) branches[PRUNED]++;
            EconomySlots.RawJob memory after_ = EconomySlots.job(address(eco), id);
            if (after_.status != uint8(JobStatus.Assigned)) {
                branches[DRAW_MISSED]++;
                return 2;
            }
            EconomySlots.RawProvider memory p = before[after_.providerId];
            bool eligible = p.status == uint8(ProviderStatus.Active) &&
                p.kinds & (1 << jb.kind) != 0 &&
                p.bond >= prm.minBond &&
                p.bond - p.locked >= jb.collateral &&
                p.activeJobs < p.capacity &&
                p.lastIncreaseBlock <= jb.drawBlock &&
                !excluded[after_.providerId] &&
                p.account != jb.requester;
            if (!eligible) ineligibleDraws++;
            return 1;
        } catch {
            return 0;
        }
    }

    /// @dev Sum of the leaves of the providers that were not Active (by a snapshot of their words).
    function _lazyLeaves(EconomySlots.RawProvider[] memory ps) internal view returns (uint256 sum) {
        for (uint32 k = 1; k < ps.length; k++) {
            if (ps[k].status != uint8(ProviderStatus.Active)) sum += leafOf(0, k) + leafOf(1, k);
        }
    }

    /// @dev Declines inside the accept window when some assigned job still has one open.
    function declineJob(uint256 seed, uint256 j, uint8 reason) external act(seed, DECLINE) {
        uint256 n = eco.jobCount();
        uint256 id;
        for (uint256 k; k < n; k++) {
            uint256 c = ((j % n + k) % n) + 1;
            if (_jobStatusRaw(c) != uint8(JobStatus.Assigned)) continue;
            id = c;
            if (block.timestamp <= eco.job(c).acceptWindowEndsAt) break;
        }
        if (id == 0) return;
        address p = eco.job(id).provider;
        uint8 why = uint8(bound(reason, 1, 9));
        vm.prank(p);
        try eco.declineJob(id, why) {
            oks[DECLINE]++;
            if (_jobStatusRaw(id) == uint8(JobStatus.Refunded)) branches[REFUNDED]++;
        } catch {}
    }

    function submitResult(uint256 seed, uint256 j) external act(seed, SUBMIT) {
        uint256 id = _stray(j);
        if (id == 0) id = _findLive(j, JobStatus.Assigned);
        if (id != 0 && _submit(id)) oks[SUBMIT]++;
    }

    function _submit(uint256 id) internal returns (bool) {
        JobView memory jb = eco.job(id);
        bytes32 output = keccak256(abi.encode("output", id, ++nonce));
        vm.prank(jb.provider);
        if (jb.maxTokens != 0) {
            // A job priced per token: any count up to its max (the rest of the escrow goes back at finalize).
            try eco.submitResultTokens(id, output, "ipfs://output", uint32(uint256(output) % (uint256(jb.maxTokens) + 1))) {
                return true;
            } catch {
                return false;
            }
        }
        try eco.submitResult(id, output, "ipfs://output") {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev The assigned provider of a job still inside its accept window (and not yet accepted, when there is
    /// one) accepts it.
    function acceptJob(uint256 seed, uint256 j) external act(seed, ACCEPT) {
        uint256 n = eco.jobCount();
        uint256 id;
        for (uint256 k; k < n; k++) {
            uint256 c = ((j % n + k) % n) + 1;
            if (_jobStatusRaw(c) != uint8(JobStatus.Assigned)) continue;
            JobView memory jb = eco.job(c);
            if (id == 0 || block.timestamp <= jb.acceptWindowEndsAt) id = c;
            if (block.timestamp <= jb.acceptWindowEndsAt && !jb.accepted) break;
        }
        if (id != 0 && _accept(id)) oks[ACCEPT]++;
    }

    function _accept(uint256 id) internal returns (bool) {
        address p = eco.job(id).provider;
        vm.prank(p);
        try eco.acceptJob(id) {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev Reports an assigned job as a bystander: moved past its accept window when never accepted (a no-show,
    /// unslashed), past its deadline when accepted (a slashed timeout). With `acceptFirst` the provider accepts
    /// first while it still can, so both outcomes stay common.
    function reportTimeout(uint256 seed, uint256 j, bool acceptFirst) external act(seed, TIMEOUT) {
        uint256 id = _stray(j);
        if (id == 0) id = _findJob(j, _jbit(JobStatus.Assigned));
        if (id == 0) return;
        if (acceptFirst) _accept(id);
        if (_timeout(id)) oks[TIMEOUT]++;
    }

    function _timeout(uint256 id) internal returns (bool) {
        JobView memory jb = eco.job(id);
        uint256 due = jb.accepted ? jb.deadline : jb.acceptWindowEndsAt;
        if (block.timestamp <= due) vm.warp(due + 1);
        try eco.reportTimeout(id) {
            branches[jb.accepted ? SLASHED_TIMEOUT : NO_SHOW]++;
            if (_jobStatusRaw(id) == uint8(JobStatus.Refunded)) branches[REFUNDED]++;
            return true;
        } catch {
            return false;
        }
    }

    /// @dev Moves to the end of the challenge window, then finalizes.
    function finalize(uint256 seed, uint256 j) external act(seed, FINALIZE) {
        uint256 id = _stray(j);
        if (id == 0) id = _findJob(j, _jbit(JobStatus.Submitted));
        if (id != 0 && _finalize(id)) oks[FINALIZE]++;
    }

    function _finalize(uint256 id) internal returns (bool) {
        uint256 endsAt = eco.job(id).challengeWindowEndsAt;
        if (block.timestamp < endsAt) vm.warp(endsAt);
        try eco.finalize(id) {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev The first provider from `who` with emission accrued and not settled settles it (minted into its claimable
    /// balance); succeeds when it credited something.
    function claimEmission(uint256 seed, uint256 who) external act(seed, CLAIM_EMISSION) {
        uint256 n = providers.length;
        address p = providers[who % n];
        for (uint256 k; k < n; k++) {
            address c = providers[(who % n + k) % n];
            if (eco.accountOf(c).pendingEmission != 0) {
                p = c;
                break;
            }
        }
        vm.prank(p);
        try eco.claimEmission() returns (uint256 amount) {
            if (amount != 0) oks[CLAIM_EMISSION]++;
        } catch {}
    }

    /// @dev The first actor from `who` with a claimable balance withdraws it all.
    function withdraw(uint256 seed, uint256 who) external act(seed, WITHDRAW) {
        uint256 n = _everyone.length;
        address a = _everyone[who % n];
        for (uint256 k; k < n; k++) {
            address c = _everyone[(who % n + k) % n];
            if (eco.claimable(c) != 0) {
                a = c;
                break;
            }
        }
        vm.prank(a);
        try eco.withdraw(a) {
            oks[WITHDRAW]++;
        } catch {}
    }

    /// @dev Moves past the cancel delay (256 blocks), then the requester cancels.
    function cancelJob(uint256 seed, uint256 j) external act(seed, CANCEL) {
        uint256 id = _stray(j);
        if (id == 0) id = _findJob(j, _jbit(JobStatus.Posted));
        if (id == 0) return;
        JobView memory jb = eco.job(id);
        if (jb.drawBlock != 0 && block.number <= jb.drawBlock + 256) vm.roll(jb.drawBlock + 257);
        vm.prank(jb.requester);
        try eco.cancelJob(id) {
            oks[CANCEL]++;
        } catch {}
    }

    // ─── validators ─────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Validators join mid-run: the pool holds some that setUp never registered, and exited ones return.
    function registerValidator(uint256 seed, uint256 who, uint256 amount) external act(seed, REGISTER_VALIDATOR) {
        address v = _findValidator(who, _vbit(ValidatorStatus.None) | _vbit(ValidatorStatus.Exited));
        if (_registerValidator(v, bound(amount, prm.validatorMinBond, uint256(prm.validatorMinBond) * 4))) {
            oks[REGISTER_VALIDATOR]++;
        }
    }

    function _registerValidator(address v, uint256 amount) internal returns (bool) {
        vm.prank(v);
        try eco.registerValidator(amount) {
            return true;
        } catch {
            return false;
        }
    }

    function addValidatorBond(uint256 seed, uint256 who, uint256 amount) external act(seed, ADD_VALIDATOR_BOND) {
        address v = _findValidator(who, _vbit(ValidatorStatus.Active));
        amount = bound(amount, 1, uint256(prm.validatorMinBond) * 2);
        vm.prank(v);
        try eco.addValidatorBond(amount) {
            oks[ADD_VALIDATOR_BOND]++;
        } catch {}
    }

    function requestValidatorExit(uint256 seed, uint256 who) external act(seed, VALIDATOR_EXIT) {
        address v = _findValidator(who, _vbit(ValidatorStatus.Active));
        if (_validatorExit(v)) oks[VALIDATOR_EXIT]++;
    }

    function _validatorExit(address v) internal returns (bool) {
        vm.prank(v);
        try eco.requestValidatorExit() {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev Waits out unbonding and first frees what it can: settles the validator's votes in resolved challenges
    /// and releases its expired commitments (a challenge it holds open still blocks the withdrawal).
    function withdrawValidatorBond(uint256 seed, uint256 who) external act(seed, WITHDRAW_VALIDATOR_BOND) {
        address v = _findValidator(who, _vbit(ValidatorStatus.Exiting));
        ValidatorView memory vv = eco.validatorOf(v);
        if (vv.status == ValidatorStatus.Exiting) {
            if (block.timestamp < vv.unbondingEndsAt) vm.warp(vv.unbondingEndsAt);
            if (vv.locked != 0) _unlockValidator(v);
        }
        vm.prank(v);
        try eco.withdrawValidatorBond(v) {
            oks[WITHDRAW_VALIDATOR_BOND]++;
        } catch {}
    }

    function _unlockValidator(address v) internal {
        uint256 n = eco.jobCount();
        for (uint256 id = 1; id <= n; id++) {
            VoteView memory vo = eco.voteOf(id, v);
            if (vo.cast && !vo.settled && eco.challengeOf(id).resolved) {
                try eco.settleVote(id, v) {} catch {}
            }
        }
        Commit[] storage cs = _ghosts[set].commits;
        for (uint256 i; i < cs.length; i++) {
            if (cs[i].validator == v && eco.commitmentBlock(cs[i].hash) != 0) _release(i);
        }
    }

    // ─── challenges ─────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Commits to a job under challenge (Submitted or Voting) when there is one, else to any job id (a
    /// commitment that will only ever be released).
    function commitChallenge(uint256 seed, uint256 who, uint256 j, bytes32 salt) external act(seed, COMMIT) {
        address v = _findValidator(who, _vbit(ValidatorStatus.Active));
        uint256 id = _findJob(j, _jbit(JobStatus.Submitted) | _jbit(JobStatus.Voting));
        if (id == 0) id = j % (eco.jobCount() + 2);
        if (_commit(v, id, salt) != type(uint256).max) oks[COMMIT]++;
    }

    /// @return index The commitment's index in the ghost list, type(uint256).max when the commit reverted.
    function _commit(address v, uint256 jobId, bytes32 salt) internal returns (uint256 index) {
        salt = keccak256(abi.encode(salt, ++nonce));
        bytes32 hash = keccak256(abi.encode(jobId, v, salt));
        vm.prank(v);
        try eco.commitChallenge(hash) {
            Commit[] storage cs = _ghosts[set].commits;
            cs.push(Commit(hash, v, jobId, salt, block.number, block.timestamp));
            return cs.length - 1;
        } catch {
            return type(uint256).max;
        }
    }

    /// @dev Moves past the commitment's challenge window, then its owner releases it.
    function releaseCommitment(uint256 seed, uint256 i) external act(seed, RELEASE) {
        Commit[] storage cs = _ghosts[set].commits;
        uint256 n = cs.length;
        for (uint256 k; k < n; k++) {
            uint256 c = (i % n + k) % n;
            if (eco.commitmentBlock(cs[c].hash) == 0) continue;
            if (_release(c)) oks[RELEASE]++;
            return;
        }
    }

    function _release(uint256 index) internal returns (bool) {
        Commit memory c = _ghosts[set].commits[index];
        uint256 releasableAt = c.timestamp + prm.challengeWindowS + 1;
        if (block.timestamp < releasableAt) vm.warp(releasableAt);
        vm.prank(c.validator);
        try eco.releaseCommitment(c.hash) {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev Reveals an open commitment that can still win its job's challenge (a later block, inside the window,
    /// made after the result, and older than the current challenger's: a takeover). With none, opens a challenge
    /// ({_openChallenge}); with `rival`, another validator commits first, and its older commitment takes the challenge
    /// over at once (odd `j`) or is left for a later call (or a release).
    function challenge(uint256 seed, uint256 i, uint256 j, bool rival) external act(seed, CHALLENGE) {
        uint256 index = _revealable(i);
        if (index != type(uint256).max) {
            if (_reveal(index)) oks[CHALLENGE]++;
            return;
        }
        (uint256 id, uint256 rivalIndex) = _openChallenge(i, j, rival);
        if (id == 0) return;
        oks[CHALLENGE]++;
        if (rivalIndex != type(uint256).max && j % 2 == 1) _reveal(rivalIndex);
    }

    /// @dev Commits to a Submitted job still inside its challenge window (posting, drawing and submitting a fresh
    /// one when there is none: a run rarely reaches an open window otherwise) and reveals in the next block; with
    /// `rival`, another validator commits a block earlier and keeps its commitment (returned). Returns the job, or 0
    /// when no validator could.
    function _openChallenge(uint256 i, uint256 j, bool rival) internal returns (uint256, uint256 rivalIndex) {
        rivalIndex = type(uint256).max;
        uint256 id = _findLive(j, JobStatus.Submitted);
        if (id == 0 || block.timestamp >= eco.job(id).challengeWindowEndsAt) id = _freshSubmitted(j);
        if (id == 0) return (0, rivalIndex);
        address provider = eco.job(id).provider;
        uint256 n = validators.length;
        uint256 index = type(uint256).max;
        for (uint256 k; k < n && index == type(uint256).max; k++) {
            address v = validators[(i % n + k) % n];
            if (v == provider) continue;
            uint256 made = _commit(v, id, bytes32(j));
            if (made == type(uint256).max) continue;
            if (!rival || rivalIndex != type(uint256).max) {
                index = made;
            } else {
                rivalIndex = made;
                vm.roll(block.number + 1);
            }
        }
        if (index == type(uint256).max || !_reveal(index)) return (0, rivalIndex);
        return (id, rivalIndex);
    }

    /// @dev Posts an inference job, draws it (a few blocks at most) and has its provider submit; 0 when any step
    /// fails (no provider to draw, say).
    function _freshSubmitted(uint256 j) internal returns (uint256 id) {
        uint256 fee = _feeCap() / 4;
        if (fee < prm.minFee) fee = prm.minFee;
        id = _post(requesters[j % requesters.length], 0, fee, j);
        if (id == 0) return 0;
        for (uint256 t; t < 4; t++) {
            uint256 outcome = _assign(id, keccak256(abi.encode("fresh", j, t)));
            if (outcome == 1) return _submit(id) ? id : 0;
            if (outcome == 0) return 0;
        }
        return 0;
    }

    function _revealable(uint256 start) internal view returns (uint256) {
        Commit[] storage cs = _ghosts[set].commits;
        uint256 n = cs.length;
        for (uint256 k; k < n; k++) {
            uint256 i = (start % n + k) % n;
            Commit memory c = cs[i];
            if (eco.commitmentBlock(c.hash) == 0) continue;
            uint8 st = _jobStatusRaw(c.jobId);
            if (st != uint8(JobStatus.Submitted) && st != uint8(JobStatus.Voting)) continue;
            JobView memory jb = eco.job(c.jobId);
            if (c.timestamp < jb.submittedAt || block.timestamp >= jb.challengeWindowEndsAt) continue;
            if (st == uint8(JobStatus.Voting) && c.blockNumber >= eco.challengeOf(c.jobId).commitBlock) continue;
            return i;
        }
        return type(uint256).max;
    }

    function _reveal(uint256 index) internal returns (bool) {
        Commit memory c = _ghosts[set].commits[index];
        if (block.number <= c.blockNumber) vm.roll(c.blockNumber + 1);
        bool voting = _jobStatusRaw(c.jobId) == uint8(JobStatus.Voting);
        vm.prank(c.validator);
        try eco.challenge(c.jobId, c.salt, "ipfs://evidence") {
            if (voting) branches[TAKEOVER]++;
            return true;
        } catch {
            return false;
        }
    }

    /// @dev Validators that can still vote on an open vote (weight at its checkpoint, not yet voted, not the
    /// challenger) vote: 1 + (ballots >> 16) % n of them, validator k's side from bit k of
    /// `ballots`, so that quorum is met often and either side can win. With no vote open, a challenge is opened
    /// first ({_openChallenge}).
    function vote(uint256 seed, uint256 who, uint256 j, uint256 ballots) external act(seed, VOTE) {
        uint256 id = _findLive(j, JobStatus.Voting);
        if (id == 0 || block.timestamp >= eco.challengeOf(id).voteEndsAt) (id, ) = _openChallenge(who, j, false);
        if (id == 0) return;
        ChallengeView memory c = eco.challengeOf(id);
        uint256 n = validators.length;
        // Hashed: the fuzzer's favourite values (0, max) would otherwise always vote the same way.
        ballots = uint256(keccak256(abi.encode(ballots)));
        uint256 wanted = 1 + ((ballots >> 16) % n);
        uint256 cast;
        for (uint256 k; k < n && cast < wanted; k++) {
            address v = validators[(who % n + k) % n];
            if (v == c.challenger || eco.voteOf(id, v).cast) continue;
            if (eco.validatorStakeAt(v, c.openedBlock - 1) == 0) continue;
            if (_vote(id, v, (ballots >> k) & 1 == 1)) cast++;
        }
        if (cast != 0) oks[VOTE]++;
    }

    function _vote(uint256 id, address v, bool valid) internal returns (bool) {
        vm.prank(v);
        try eco.vote(id, valid) {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev Moves to the end of a vote, preferring one that has voters besides the challenger (a run reaches few,
    /// and only they can meet quorum), resolves, and books what the resolution burned.
    function resolveChallenge(uint256 seed, uint256 j) external act(seed, RESOLVE) {
        uint256 n = eco.jobCount();
        uint256 id = _stray(j);
        uint256 unvoted;
        for (uint256 k; k < n && id == 0; k++) {
            uint256 c = ((j % n + k) % n) + 1;
            if (_jobStatusRaw(c) != uint8(JobStatus.Voting)) continue;
            ChallengeView memory cv = eco.challengeOf(c);
            if (cv.validWeight + cv.invalidWeight > prm.challengeBond) id = c;
            else if (unvoted == 0) unvoted = c;
        }
        if (id == 0) id = unvoted;
        if (id != 0 && _resolve(id)) oks[RESOLVE]++;
    }

    function _resolve(uint256 id) internal returns (bool) {
        uint256 end = eco.challengeOf(id).voteEndsAt;
        if (block.timestamp < end) vm.warp(end);
        uint256 collateral = eco.job(id).collateral;
        // A challenger slash takes at most the bond it has left (losing votes may have taken part of it).
        uint256 challengerBond = eco.validatorOf(eco.challengeOf(id).challenger).bond;
        try eco.resolveChallenge(id) {
            ChallengeView memory c = eco.challengeOf(id);
            if (c.quorumMet) {
                uint256 owed = prm.challengeBond < challengerBond ? prm.challengeBond : challengerBond;
                uint256 slashed = c.resultValid ? owed : collateral;
                _ghosts[set].burned += (slashed * prm.slashBurnBps) / 10_000;
            }
            branches[!c.quorumMet ? NO_QUORUM : c.resultValid ? UPHELD : REJECTED]++;
            return true;
        } catch {
            return false;
        }
    }

    /// @dev Settles the first unsettled vote of a resolved challenge (as a bystander: anyone may).
    function settleVote(uint256 seed, uint256 j, uint256 who) external act(seed, SETTLE) {
        uint256 n = eco.jobCount();
        uint256 m = validators.length;
        for (uint256 k; k < n; k++) {
            uint256 id = ((j % n + k) % n) + 1;
            if (_jobStatusRaw(id) < uint8(JobStatus.Finalized) || !eco.challengeOf(id).resolved) continue;
            for (uint256 l; l < m; l++) {
                address v = validators[(who % m + l) % m];
                VoteView memory vo = eco.voteOf(id, v);
                if (!vo.cast || vo.settled) continue;
                try eco.settleVote(id, v) {
                    oks[SETTLE]++;
                } catch {}
                return;
            }
        }
    }

    // ─── treasury, fork, time ───────────────────────────────────────────────────────────────────────────────────

    function withdrawTreasury(uint256 seed, uint256 amount) external act(seed, WITHDRAW_TREASURY) {
        uint256 have = eco.treasury();
        amount = bound(amount, 1, have == 0 ? 1 : have);
        vm.prank(admin);
        try eco.withdrawTreasury(admin, amount) {
            oks[WITHDRAW_TREASURY]++;
        } catch {}
    }

    /// @dev Claims a leaf of the fork's allocation tree; one call in four tampers with the amount and one with the
    /// proof, which must fail.
    function claimAllocation(uint256 seed, uint256 i, uint256 tamper) external act(seed, CLAIM) {
        uint256 idx = i % 4;
        address account = snapshotAccounts[idx];
        uint256 amount = snapshotAmounts[idx];
        bytes32[] memory proof = proofOf(idx);
        bool tampered = tamper % 4 < 2;
        if (tamper % 4 == 0) amount += 1 + (tamper % 1000);
        if (tamper % 4 == 1) proof = proofOf((idx + 1 + (tamper % 3)) % 4);
        uint256 before = forkTok.balanceOf(account);
        try fork.claimAllocation(account, amount, proof) {
            uint256 minted = forkTok.balanceOf(account) - before;
            if (tampered || minted > snapshotAmounts[idx]) claimsAboveLeaf++;
            oks[CLAIM]++;
        } catch {}
    }

    /// @notice The allocation tree's leaves (OpenZeppelin's standard tree: double-hashed (account, amount)).
    function leafHash(uint256 idx) public view returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(snapshotAccounts[idx], snapshotAmounts[idx]))));
    }

    /// @notice Proof of leaf `idx` in the four-leaf tree ((0, 1), (2, 3)), pairs hashed sorted.
    function proofOf(uint256 idx) public view returns (bytes32[] memory proof) {
        proof = new bytes32[](2);
        proof[0] = leafHash(idx ^ 1);
        uint256 other = idx < 2 ? 2 : 0;
        proof[1] = hashPair(leafHash(other), leafHash(other + 1));
    }

    function hashPair(bytes32 a, bytes32 b) public pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    /// @dev Mostly short steps (windows stay open for what comes next), one in eight up to an epoch.
    function warp(uint256 seed, uint256 secs, uint256 blocks) external act(seed, WARP) {
        uint256 span = prm.challengeWindowS / 4 + prm.acceptWindowS;
        if (blocks % 8 == 0) span = prm.epochLengthS;
        vm.warp(block.timestamp + bound(secs, 1, span));
        vm.roll(block.number + bound(blocks, 1, 4));
        oks[WARP]++;
    }

    // ─── setUp's scripted start ─────────────────────────────────────────────────────────────────────────────────

    /// @notice Brings economy `i` to a state where every path can succeed from the first call. Phase 0 writes its
    /// history (registrations, a finalized job, a challenge resolved with quorum whose votes are left unsettled,
    /// fine-tune jobs accepted and timed out on provider 4 — the only fine-tune provider — until it is jailed, a
    /// Paused provider);
    /// phase 1 opens what must still be open when the run starts (a job under vote, a submitted, an assigned and a
    /// posted job, an open commitment, an Exiting provider and validator). The economies share one clock, so setUp
    /// runs every phase 0 before any phase 1. Provider 5 and validator 4 start unregistered.
    function prepare(uint256 i, uint256 phase) external {
        _use(i);
        vm.recordLogs();
        uint256 fee = _feeCap() / 2;
        if (fee < prm.minFee) fee = prm.minFee;
        if (phase == 0) {
            for (uint256 k; k < 4; k++) _registerValidator(validators[k], uint256(prm.validatorMinBond) * (k + 1));
            uint256 minBond = prm.minBond;
            _register(providers[0], minBond * 3, 1, 3);
            _register(providers[1], minBond * 4, 1, 2);
            _register(providers[2], minBond * 5, 3, 4);
            _register(providers[3], minBond * 2, 1, 1);
            _register(providers[4], minBond * 2, 2, 2);
            _observe();
            vm.prank(providers[2]);
            eco.pause();
            _observe();
            _step();

            uint256 done = _post(requesters[0], 0, fee, 0);
            _assignSurely(done);
            _submit(done);
            uint256 voted = _post(requesters[0], 0, fee, 0);
            _assignSurely(voted);
            _submit(voted);
            _reveal(_commit(validators[0], voted, "seed"));
            _vote(voted, validators[1], true);
            _vote(voted, validators[2], false);
            _resolve(voted);
            _finalize(done);
            _observe();

            for (uint256 s; s < prm.jailStrikes; s++) {
                uint256 ft = _post(requesters[1], 1, fee, 0);
                _assignSurely(ft);
                _accept(ft);
                _timeout(ft);
                _observe();
            }
            _step();
            return;
        }
        uint256 open = _post(requesters[0], 0, fee, 0);
        _assignSurely(open);
        _submit(open);
        _reveal(_commit(validators[0], open, "seed"));
        uint256 submitted = _post(requesters[1], 0, fee, 0);
        _assignSurely(submitted);
        _submit(submitted);
        uint256 assigned = _post(requesters[0], 0, fee, 0);
        _assignSurely(assigned);
        _post(requesters[1], 0, fee, 0);
        _commit(validators[3], submitted, "seed");
        _validatorExit(validators[3]);
        vm.prank(providers[3]);
        try eco.requestExit() {} catch {}
        _observe();
        vm.roll(block.number + 1);
    }

    function _step() internal {
        vm.warp(block.timestamp + 1);
        vm.roll(block.number + 1);
    }

    /// @dev The draw thins by free / bond and may miss: retry from fresh blocks until someone is assigned.
    function _assignSurely(uint256 id) internal {
        for (uint256 t; t < 16; t++) {
            if (_assign(id, keccak256(abi.encode("seed", id, t))) == 1) return;
            vm.roll(block.number + 1);
        }
        revert("seed: job never assigned");
    }

    /// @notice Forgets the counts of setUp's scripted start and lets the first call of each run pick the economy
    /// (or always use `forced`, when it names one: for reproducing a failure on one parameter set).
    function startRun(uint256 forced) external {
        forcedSet = forced;
        for (uint256 p; p < PATHS; p++) (calls[p], oks[p]) = (0, 0);
        for (uint256 b; b < BRANCHES; b++) branches[b] = 0;
        chosen = false;
        _use(0);
    }
}
