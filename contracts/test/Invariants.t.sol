// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "./lib/Test.sol";
import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {EconomyToken} from "../src/EconomyToken.sol";
import {IEconomy} from "../src/interfaces/IEconomy.sol";
import {JobStatus, JobView, ProviderStatus, ProviderView} from "../src/interfaces/EconomyTypes.sol";

/// @notice Drives one economy through random sequences of every action a provider, requester, validator or bystander
/// can take, and keeps ghost records of what must never happen.
contract EconomyHandler is Test {
    uint256 internal constant TOKEN = 1e18;
    bytes32 internal constant MODEL = keccak256("model: PP-OCRv4 recognition");
    bytes32 internal constant FT_MODEL = keccak256("model: adapter training step");

    IEconomy public immutable eco;
    EconomyToken public immutable tok;
    address[] public providers;
    address[] public validators;
    address[] public requesters;
    uint256[] public jobs;

    // ghosts
    mapping(uint256 jobId => uint256) public payouts;
    mapping(uint256 jobId => uint256) public refunds;
    uint256 public slashAboveLocked;
    uint256 public bondLeftWhileLocked;
    uint256 public ineligibleAssignments;
    uint256 public assignments;
    uint256 public timeouts;
    uint256 public finalized;
    uint256 public challenges;
    uint256 public resolved;
    uint256 public withdrawals;
    uint256 public calls;

    constructor(IEconomy e, EconomyToken t, address[] memory p, address[] memory v, address[] memory r) {
        (eco, tok, providers, validators, requesters) = (e, t, p, v, r);
    }

    function providerCount() external view returns (uint256) {
        return providers.length;
    }

    function validatorCount() external view returns (uint256) {
        return validators.length;
    }

    function requesterCount() external view returns (uint256) {
        return requesters.length;
    }

    function jobCount() external view returns (uint256) {
        return jobs.length;
    }

    function pick(address[] storage list, uint256 i) internal view returns (address) {
        return list[i % list.length];
    }

    function pickJob(uint256 i) internal view returns (uint256) {
        return jobs.length == 0 ? 0 : jobs[i % jobs.length];
    }

    // ─── providers ─────────────────────────────────────────────────────────────────────────────────────────────

    function register(uint256 who, uint256 bond, uint24 score, uint8 kinds, uint8 capacity) external {
        calls++;
        address p = pick(providers, who);
        bond = bound(bond, 100 * TOKEN, 3_000 * TOKEN);
        vm.prank(p);
        try eco.register(bond, uint24(bound(score, 1, 1_000)), uint8(bound(kinds, 1, 3)), uint8(bound(capacity, 1, 4))) {} catch {}
    }

    function addBond(uint256 who, uint256 amount) external {
        calls++;
        vm.prank(pick(providers, who));
        try eco.addBond(bound(amount, 1, 500 * TOKEN)) {} catch {}
    }

    function pauseOrResume(uint256 who) external {
        calls++;
        address p = pick(providers, who);
        vm.prank(p);
        if (eco.providerOf(p).status == ProviderStatus.Paused) {
            try eco.resume() {} catch {}
        } else {
            try eco.pause() {} catch {}
        }
    }

    function exit(uint256 who) external {
        calls++;
        vm.prank(pick(providers, who));
        try eco.requestExit() {} catch {}
    }

    function withdrawBond(uint256 who) external {
        calls++;
        address p = pick(providers, who);
        uint256 locked = eco.providerOf(p).locked;
        vm.prank(p);
        try eco.withdrawBond(p) {
            if (locked != 0) bondLeftWhileLocked++;
        } catch {}
    }

    function unjail(uint256 who) external {
        calls++;
        vm.prank(pick(providers, who));
        try eco.unjail() {} catch {}
    }

    // ─── jobs ──────────────────────────────────────────────────────────────────────────────────────────────────

    function post(uint256 who, uint256 fee, bool fineTune, uint24 minScore) external {
        calls++;
        vm.prank(pick(requesters, who));
        try
            eco.postJob(
                fineTune ? 1 : 0,
                fineTune ? FT_MODEL : MODEL,
                keccak256(abi.encode(calls)),
                "ipfs://input",
                bound(fee, 1, 200 * TOKEN),
                60,
                uint24(bound(minScore, 0, 600))
            )
        returns (uint256 id) {
            jobs.push(id);
        } catch {}
    }

    /// @dev Records every provider's standing before the draw, then checks the one drawn was eligible then.
    function assign(uint256 j, bytes32 seed) external {
        calls++;
        uint256 id = pickJob(j);
        JobView memory job = eco.job(id);
        if (job.status != JobStatus.Posted) return;
        vm.setBlockhash(job.drawBlock, seed);
        if (block.number <= job.drawBlock) vm.roll(job.drawBlock + 1);
        ProviderView[] memory before = new ProviderView[](providers.length);
        bool[] memory excluded = new bool[](providers.length);
        for (uint256 i; i < providers.length; i++) {
            before[i] = eco.providerOf(providers[i]);
            excluded[i] = eco.isExcluded(id, providers[i]);
        }
        try eco.assign(id) {
            assignments++;
            address drawn = eco.job(id).provider;
            for (uint256 i; i < providers.length; i++) {
                if (providers[i] != drawn) continue;
                ProviderView memory p = before[i];
                bool ok = p.status == ProviderStatus.Active &&
                    p.kinds & (1 << job.kind) != 0 &&
                    p.score >= job.minScore &&
                    p.free >= job.collateral &&
                    p.activeJobs < p.capacity &&
                    p.lastIncreaseBlock <= job.drawBlock &&
                    !excluded[i];
                if (!ok) ineligibleAssignments++;
            }
        } catch {}
    }

    function decline(uint256 j, uint8 reason) external {
        calls++;
        uint256 id = pickJob(j);
        JobView memory job = eco.job(id);
        vm.prank(job.provider);
        try eco.declineJob(id, uint8(bound(reason, 1, 9))) {
            if (eco.job(id).status == JobStatus.Refunded) refunds[id]++;
        } catch {}
    }

    function submit(uint256 j) external {
        calls++;
        uint256 id = pickJob(j);
        vm.prank(eco.job(id).provider);
        try eco.submitResult(id, keccak256(abi.encode(id)), "ipfs://output") {} catch {}
    }

    /// @dev Moves past the deadline and reports; the slash must equal the job's collateral and fit in what was locked.
    function timeout(uint256 j) external {
        calls++;
        uint256 id = pickJob(j);
        JobView memory job = eco.job(id);
        if (job.status != JobStatus.Assigned) return;
        if (block.timestamp <= job.deadline) vm.warp(job.deadline + 1);
        ProviderView memory p = eco.providerOf(job.provider);
        try eco.reportTimeout(id) {
            timeouts++;
            uint256 slashed = p.bond - eco.providerOf(job.provider).bond;
            if (slashed > p.locked || slashed != job.collateral) slashAboveLocked++;
            if (eco.job(id).status == JobStatus.Refunded) refunds[id]++;
        } catch {}
    }

    function finalize(uint256 j) external {
        calls++;
        uint256 id = pickJob(j);
        JobView memory job = eco.job(id);
        if (job.status != JobStatus.Submitted) return;
        if (block.timestamp < job.challengeWindowEndsAt) vm.warp(job.challengeWindowEndsAt);
        try eco.finalize(id) {
            finalized++;
            payouts[id]++;
        } catch {}
    }

    function cancel(uint256 j) external {
        calls++;
        uint256 id = pickJob(j);
        JobView memory job = eco.job(id);
        if (job.status != JobStatus.Posted) return;
        vm.roll(block.number + 257);
        vm.prank(job.requester);
        try eco.cancelJob(id) {
            refunds[id]++;
        } catch {}
    }

    function withdraw(uint256 who, uint256 kind) external {
        calls++;
        address a = kind % 3 == 0 ? pick(providers, who) : kind % 3 == 1 ? pick(requesters, who) : pick(validators, who);
        vm.prank(a);
        try eco.withdraw(a) {
            withdrawals++;
        } catch {}
    }

    // ─── verification ──────────────────────────────────────────────────────────────────────────────────────────

    function challenge(uint256 j, uint256 who) external {
        calls++;
        uint256 id = pickJob(j);
        if (eco.job(id).status != JobStatus.Submitted) return;
        address v = pick(validators, who);
        bytes32 salt = keccak256(abi.encode(calls));
        vm.prank(v);
        try eco.commitChallenge(keccak256(abi.encode(id, v, salt))) {} catch {
            return;
        }
        vm.roll(block.number + 1);
        vm.prank(v);
        try eco.challenge(id, salt) {
            challenges++;
        } catch {}
    }

    function vote(uint256 j, uint256 who, bool valid) external {
        calls++;
        uint256 id = pickJob(j);
        vm.prank(pick(validators, who));
        try eco.vote(id, valid) {} catch {}
    }

    function resolve(uint256 j) external {
        calls++;
        uint256 id = pickJob(j);
        if (eco.job(id).status != JobStatus.Voting) return;
        uint256 end = eco.challengeOf(id).voteEndsAt;
        if (block.timestamp < end) vm.warp(end);
        try eco.resolveChallenge(id) {
            resolved++;
            JobStatus s = eco.job(id).status;
            if (s == JobStatus.Finalized) payouts[id]++;
            if (s == JobStatus.Rejected) refunds[id]++;
        } catch {}
    }

    function validatorExit(uint256 who, bool withdrawNow) external {
        calls++;
        address v = pick(validators, who);
        vm.prank(v);
        if (withdrawNow) {
            try eco.withdrawValidatorBond(v) {} catch {}
        } else {
            try eco.requestValidatorExit() {} catch {}
        }
    }

    function passTime(uint256 s) external {
        calls++;
        vm.warp(block.timestamp + bound(s, 1, 900));
        vm.roll(block.number + 1);
    }
}

/// @notice The economy's invariants under random action sequences (CI: 256 runs; `npm run test:deep`: 1,000 × 100).
contract InvariantsTest is EconomyFixture {
    EconomyHandler internal handler;
    address[] internal everyone;

    function setUp() public override {
        super.setUp();
        address[] memory ps = new address[](6);
        address[] memory vs = new address[](3);
        address[] memory rs = new address[](2);
        for (uint256 i; i < ps.length; i++) ps[i] = actor("provider", 20_000 * TOKEN);
        for (uint256 i; i < vs.length; i++) vs[i] = actor("validator", 1_000 * TOKEN);
        for (uint256 i; i < rs.length; i++) rs[i] = actor("requester", 100_000 * TOKEN);
        // Validators and two providers start registered, so that every path is reachable from the first call.
        for (uint256 i; i < vs.length; i++) {
            vm.prank(vs[i]);
            eco.registerValidator((100 + 200 * i) * TOKEN);
        }
        for (uint256 i; i < 2; i++) {
            vm.prank(ps[i]);
            eco.register(500 * TOKEN, 100, 3, 4);
        }
        vm.warp(block.timestamp + 1);
        handler = new EconomyHandler(eco, tok, ps, vs, rs);
        everyone = ps;
        for (uint256 i; i < vs.length; i++) everyone.push(vs[i]);
        for (uint256 i; i < rs.length; i++) everyone.push(rs[i]);
        everyone.push(requester);
        targetContract(address(handler));
    }

    /// @notice Token conservation: the economy holds exactly bonds + escrow + claimable + treasury + unpaid emissions.
    function invariant_tokenConservation() public view {
        uint256 bonds;
        uint256 claimables;
        for (uint256 i; i < everyone.length; i++) {
            bonds += eco.providerOf(everyone[i]).bond + eco.validatorOf(everyone[i]).bond;
            (uint256 stored, ) = storedClaimable(everyone[i]);
            claimables += stored;
        }
        uint256 escrow;
        for (uint256 id = 1; id <= eco.jobCount(); id++) {
            JobStatus s = eco.job(id).status;
            if (s == JobStatus.Posted || s == JobStatus.Assigned || s == JobStatus.Submitted || s == JobStatus.Voting) {
                escrow += eco.job(id).fee;
            }
        }
        assertEq(
            tok.balanceOf(address(eco)),
            bonds + escrow + claimables + eco.treasury() + eco.unpaidEmissions(),
            "balance = bonds + escrow + claimable + treasury + unpaid emissions"
        );
        assertEq(eco.totalBonded(), providerBonds(), "total bonded = sum of provider bonds");
    }

    /// @notice A job is paid (or refunded) at most once, and never both.
    function invariant_jobPaidAtMostOnce() public view {
        for (uint256 i; i < handler.jobCount(); i++) {
            uint256 id = handler.jobs(i);
            assertLe(handler.payouts(id) + handler.refunds(id), 1, "paid or refunded at most once");
            JobStatus s = eco.job(id).status;
            if (handler.payouts(id) == 1) assertEq(uint256(s), uint256(JobStatus.Finalized), "paid => finalized");
        }
    }

    /// @notice A slash never exceeds the collateral locked for the job; no bond leaves while collateral is locked.
    function invariant_slashesAndBondsRespectLocks() public view {
        assertEq(handler.slashAboveLocked(), 0, "slash above the locked collateral");
        assertEq(handler.bondLeftWhileLocked(), 0, "bond withdrawn while locked");
        for (uint256 i; i < handler.providerCount(); i++) {
            ProviderView memory p = eco.providerOf(handler.providers(i));
            assertLe(p.locked, p.bond, "locked never exceeds the bond");
        }
    }

    /// @notice Every assignment went to a provider that was eligible at the draw.
    function invariant_assignmentsOnlyToEligibleProviders() public view {
        assertEq(handler.ineligibleAssignments(), 0, "assigned to an ineligible provider");
    }

    /// @notice The handler's actions really reach every path (a scripted run, so the fuzzed ones are meaningful).
    function test_handlerReachesEveryPath() public {
        for (uint256 round; round < 6; round++) {
            handler.post(round, 10 * TOKEN, false, 0);
            handler.assign(handler.jobCount() - 1, keccak256(abi.encode(round)));
        }
        handler.decline(3, 1);
        handler.submit(1);
        handler.submit(2);
        handler.challenge(2, 2);
        handler.timeout(0);
        handler.finalize(1);
        handler.resolve(2);
        handler.withdraw(0, 1);
        handler.withdraw(1, 1);
        assertGt(handler.assignments(), 0, "assign");
        assertEq(handler.timeouts(), 1, "timeout");
        assertEq(handler.finalized(), 1, "finalize");
        assertEq(handler.challenges(), 1, "challenge");
        assertEq(handler.resolved(), 1, "resolve");
        assertGt(handler.withdrawals(), 0, "withdraw");
        invariant_tokenConservation();
        invariant_jobPaidAtMostOnce();
    }

    function storedClaimable(address a) internal view returns (uint256 stored, uint256 pending) {
        pending = eco.accountOf(a).pendingEmission;
        stored = eco.accountOf(a).claimable - pending;
    }

    function providerBonds() internal view returns (uint256 s) {
        for (uint256 i; i < handler.providerCount(); i++) s += eco.providerOf(handler.providers(i)).bond;
    }
}
