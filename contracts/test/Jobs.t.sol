// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {Vm} from "./lib/Test.sol";
import {Economy} from "../src/Economy.sol";
import {IEconomyEvents} from "../src/interfaces/IEconomyEvents.sol";
import {AccountView, JobStatus, JobView, ProviderStatus, ProviderView} from "../src/interfaces/EconomyTypes.sol";

/// @notice A job's life through every function of the market, with every refusal.
contract JobsTest is EconomyFixture {
    uint256 internal constant FEE = 10 * TOKEN;
    uint256 internal constant COLLATERAL = 20 * TOKEN; // max(2 × fee, 5)
    address internal p;

    /// @dev Shown by `forge test -vv` under "Logs".
    event log_named_uint(string key, uint256 val);

    function setUp() public override {
        super.setUp();
        p = addProvider("p", 1_000 * TOKEN);
    }

    function test_postJob_escrowsTheFeeAndRecordsTheJob() public {
        uint256 escrowBefore = tok.balanceOf(address(eco));
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobPosted(1, requester, MODEL, INFERENCE, INPUT, "ipfs://input", FEE, DEADLINE);
        uint256 id = post(requester, INFERENCE, FEE);
        JobView memory j = eco.job(id);
        assertEq(id, 1, "first job");
        assertEq(uint256(j.status), uint256(JobStatus.Posted), "posted");
        assertEq(j.requester, requester, "requester");
        assertEq(j.provider, address(0), "no provider yet");
        assertEq(j.fee, FEE, "fee");
        assertEq(j.collateral, COLLATERAL, "collateral = max(2 x fee, 5)");
        assertEq(j.deadlineS, DEADLINE, "deadline");
        assertEq(j.drawBlock, block.number, "draw block = post block");
        assertEq(tok.balanceOf(address(eco)) - escrowBefore, FEE, "fee escrowed");
        assertEq(eco.jobCount(), 1, "count");
        assertEq(post(1 * TOKEN), 2, "ids count up");
        assertEq(eco.job(2).collateral, 5 * TOKEN, "small fee: the minimum collateral");
    }

    function test_postJob_refusesBadJobs() public {
        vm.startPrank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidKind.selector, 2));
        eco.postJob(2, MODEL, INPUT, "u", FEE, DEADLINE);
        // v2: no dust jobs — a fee below minFee (0.1 token here) is refused, zero included.
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.FeeTooLow.selector, 0, TOKEN / 10));
        eco.postJob(INFERENCE, MODEL, INPUT, "u", 0, DEADLINE);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.FeeTooLow.selector, TOKEN / 10 - 1, TOKEN / 10));
        eco.postJob(INFERENCE, MODEL, INPUT, "u", TOKEN / 10 - 1, DEADLINE);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.AmountTooLarge.selector, 2 ** 80, 2 ** 80 - 1));
        eco.postJob(INFERENCE, MODEL, INPUT, "u", 2 ** 80, DEADLINE);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.DeadlineOutOfRange.selector, 29, 30, 30 days));
        eco.postJob(INFERENCE, MODEL, INPUT, "u", FEE, 29);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.DeadlineOutOfRange.selector, 30 days + 1, 30, 30 days));
        eco.postJob(INFERENCE, MODEL, INPUT, "u", FEE, 30 days + 1);
        bytes32 unknown = keccak256("unknown model");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.UnknownModel.selector, unknown));
        eco.postJob(INFERENCE, unknown, INPUT, "u", FEE, DEADLINE);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.ModelKindMismatch.selector, FT_MODEL, 1, 0));
        eco.postJob(INFERENCE, FT_MODEL, INPUT, "u", FEE, DEADLINE);
        // The minimum itself is a valid fee.
        assertEq(eco.postJob(INFERENCE, MODEL, INPUT, "u", TOKEN / 10, DEADLINE), 1, "minFee accepted");
        vm.stopPrank();
    }

    function test_assign_drawsFromTheNextBlockAndLocksCollateral() public {
        uint256 id = post(FEE);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.DrawNotReady.selector, id, block.number));
        eco.assign(id);
        vm.roll(block.number + 1);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobAssigned(id, p, COLLATERAL, block.timestamp + DEADLINE);
        eco.assign(id);
        JobView memory j = eco.job(id);
        assertEq(uint256(j.status), uint256(JobStatus.Assigned), "assigned");
        assertEq(j.provider, p, "provider");
        assertEq(j.assignedAt, block.timestamp, "assigned at");
        assertEq(j.acceptWindowEndsAt, block.timestamp + 20, "accept window");
        assertEq(j.deadline, block.timestamp + DEADLINE, "deadline");
        ProviderView memory v = providerOf(p);
        assertEq(v.locked, COLLATERAL, "collateral locked");
        assertEq(v.free, 980 * TOKEN, "free bond");
        assertEq(v.activeJobs, 1, "slot taken");
        assertEq(v.treeWeight, 1_000 * TOKEN / 1e15, "the tree is not written by a lock");
        assertEq(v.weight, 980 * TOKEN / 1e15, "the chance of being drawn follows the free bond");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 2));
        eco.assign(id);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, 99, 0));
        eco.assign(99);
    }

    function test_assign_worksLongAfterThePost() public {
        uint256 id = post(FEE);
        vm.roll(block.number + 1_000); // blockhash(post block) is gone: a later 256-block window's hash is used
        eco.assign(id);
        assertEq(eco.job(id).provider, p, "assigned");
    }

    /// @dev Pause → update → resume: the only way to change a profile in v2.
    function setProfile(address who, uint8 kinds, uint8 capacity) internal {
        vm.startPrank(who);
        eco.pause();
        eco.updateProfile(kinds, capacity);
        eco.resume();
        vm.stopPrank();
    }

    /// @dev Rule (v2): assign reverts NoEligibleProvider(jobId, 0) only when the job kind's tree is empty; weight
    /// that cannot take the job (a wrong kind) is in another tree, and a provider that left is pruned from the tree
    /// by the first draw that lands on it (that call ends in DrawMissed, the next one finds the tree empty).
    function test_assign_refusesOnlyWhenTheKindsTreeIsEmpty() public {
        setProfile(p, 1, 4); // inference only
        vm.roll(block.number + 1);
        uint256 ft = post(requester, FINE_TUNE, FEE);
        vm.roll(block.number + 1);
        vm.expectRevert(abi.encodeWithSelector(Economy.NoEligibleProvider.selector, ft, 0));
        eco.assign(ft);
        vm.prank(p);
        eco.pause();
        uint256 none = post(FEE);
        vm.roll(block.number + 1);
        // p paused in the job's draw block (not after it): the draw prunes its leaf and, the tree now empty, misses.
        vm.expectEmit(address(eco));
        emit IEconomyEvents.DrawMissed(none, block.number);
        eco.assign(none);
        assertEq(eco.totalWeight(INFERENCE), 0, "pruned");
        vm.roll(block.number + 1);
        vm.expectRevert(abi.encodeWithSelector(Economy.NoEligibleProvider.selector, none, 0));
        eco.assign(none);
        assertEq(uint256(status(none)), uint256(JobStatus.Posted), "still posted");
    }

    /// @dev Rule (v2): a full provider has no leaf (a job it can never take does not stand in the way), so with
    /// nobody else the tree is empty; a job whose collateral exceeds every free bond keeps nobody, and assign
    /// re-seeds it from the current block (DrawMissed) instead of reverting.
    function test_assign_respectsCapacityAndFreeBond() public {
        setProfile(p, 3, 1);
        vm.roll(block.number + 1);
        uint256 a = post(FEE);
        uint256 b = post(FEE);
        vm.roll(block.number + 1);
        eco.assign(a);
        assertEq(eco.totalWeight(INFERENCE), 0, "full: no leaf");
        vm.expectRevert(abi.encodeWithSelector(Economy.NoEligibleProvider.selector, b, 0));
        eco.assign(b);
        // A job whose collateral exceeds the free bond is not assigned either.
        vm.prank(p);
        eco.pause(); // a provider with a job running may still pause and update its profile
        vm.prank(p);
        eco.updateProfile(3, 8);
        vm.prank(p);
        eco.resume();
        vm.roll(block.number + 1);
        uint256 big = post(500 * TOKEN); // collateral 1,000 > 980 free
        vm.roll(block.number + 1);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.DrawMissed(big, block.number);
        eco.assign(big);
        JobView memory j = eco.job(big);
        assertEq(uint256(j.status), uint256(JobStatus.Posted), "still posted");
        assertEq(j.drawBlock, block.number, "re-seeded from this block");
        // The next draw cannot run in the same block (its seed is this block's hash, not known yet).
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.DrawNotReady.selector, big, block.number));
        eco.assign(big);
    }

    /// @dev A miss keeps the job alive: once a provider that can take it is in the draw set of the new seed, the next
    /// call assigns it.
    function test_assign_afterAMissTheNextCallDrawsFromTheNewSeed() public {
        uint256 big = post(500 * TOKEN); // collateral 1,000 > 1,000 - 0: p's free bond is exactly 1,000
        vm.prank(p);
        eco.pause();
        vm.roll(block.number + 1);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.DrawMissed(big, block.number); // p left after the draw block: the draw ends on it
        eco.assign(big);
        vm.prank(p);
        eco.resume();
        vm.roll(block.number + 1);
        // p resumed in the new draw block (not after it): it is in the draw set.
        eco.assign(big);
        assertEq(eco.job(big).provider, p, "assigned from the new seed");
    }

    function test_decline_redrawsWithoutTheProvider() public {
        address q = addProvider("q", 1_000 * TOKEN);
        uint256 id = post(FEE);
        address first = assignNow(id);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobDeclined(id, first, 9);
        vm.prank(first);
        eco.declineJob(id, 9);
        JobView memory j = eco.job(id);
        assertEq(uint256(j.status), uint256(JobStatus.Posted), "back to posted");
        assertEq(j.declines, 1, "one decline");
        assertEq(j.drawBlock, block.number, "fresh draw block");
        assertTrue(eco.isExcluded(id, first), "excluded");
        assertEq(providerOf(first).locked, 0, "collateral released");
        assertEq(providerOf(first).bond, 1_000 * TOKEN, "no slash");
        address second = assignNow(id);
        assertEq(second, first == p ? q : p, "the other provider");
    }

    /// @dev Assigns `id` from each next block until a draw keeps someone (a call may end in DrawMissed: a decline is an
    /// increase, and a draw that would keep a provider whose chance rose after the seed is re-seeded).
    function assignUntilDrawn(uint256 id) internal returns (address drawn) {
        for (uint256 tries; tries < 16 && status(id) == JobStatus.Posted; tries++) assignNow(id);
        drawn = eco.job(id).provider;
        assertTrue(drawn != address(0), "assigned within 16 blocks");
    }

    function test_decline_refundsAfterMaxDeclines() public {
        addProvider("q", 1_000 * TOKEN);
        addProvider("r", 1_000 * TOKEN);
        uint256 id = post(FEE);
        for (uint256 i; i < 3; i++) {
            address drawn = assignUntilDrawn(id);
            vm.prank(drawn);
            eco.declineJob(id, uint8(i + 1));
        }
        assertEq(uint256(status(id)), uint256(JobStatus.Refunded), "refunded after 3 declines");
        assertEq(eco.claimable(requester), FEE, "fee back to the requester's claimable balance");
    }

    function test_decline_refuses() public {
        uint256 id = post(FEE);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 1));
        eco.declineJob(id, 1);
        assignNow(id);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidDeclineReason.selector, 0));
        eco.declineJob(id, 0);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidDeclineReason.selector, 10));
        eco.declineJob(id, 10);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NotJobProvider.selector, id, requester));
        eco.declineJob(id, 1);
        uint256 closes = block.timestamp + 20;
        vm.warp(closes + 1);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.AcceptWindowClosed.selector, id, closes));
        eco.declineJob(id, 1);
    }

    function test_submitResult_beforeTheDeadline() public {
        uint256 id = post(FEE);
        assignNow(id);
        vm.warp(block.timestamp + DEADLINE);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ResultSubmitted(id, p, OUTPUT, "ipfs://output");
        vm.prank(p);
        eco.submitResult(id, OUTPUT, "ipfs://output");
        JobView memory j = eco.job(id);
        assertEq(uint256(j.status), uint256(JobStatus.Submitted), "submitted");
        assertEq(j.submittedAt, block.timestamp, "submitted at");
        assertEq(j.challengeWindowEndsAt, block.timestamp + 60, "challenge window");
    }

    function test_submitResult_refuses() public {
        uint256 id = post(FEE);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 1));
        eco.submitResult(id, OUTPUT, "u");
        assignNow(id);
        vm.prank(p);
        vm.expectRevert(IEconomyEvents.InvalidOutputHash.selector);
        eco.submitResult(id, bytes32(0), "u");
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NotJobProvider.selector, id, requester));
        eco.submitResult(id, OUTPUT, "u");
        uint256 deadline = block.timestamp + DEADLINE;
        vm.warp(deadline + 1);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.DeadlinePassed.selector, id, deadline));
        eco.submitResult(id, OUTPUT, "u");
    }

    /// @dev Rule (v2 accept step): only an accepted job is slashed when its deadline passes (a job never accepted is
    /// a no-show instead, see below); before the deadline an accepted job cannot be reported.
    function test_reportTimeout_slashesCollateralAndRedraws() public {
        uint256 id = post(FEE);
        assignNow(id);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobAccepted(id, p);
        accept(id);
        assertTrue(eco.job(id).accepted, "accepted");
        uint256 deadline = block.timestamp + DEADLINE;
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.DeadlineNotReached.selector, id, deadline));
        eco.reportTimeout(id);
        vm.warp(deadline + 1);
        vm.expectEmit(address(eco));
        // Half of the collateral (10) would exceed fee / maxDeclines: the requester gets a third of its fee.
        uint256 toRequester = FEE / 3;
        emit IEconomyEvents.ProviderSlashed(p, id, COLLATERAL, toRequester, COLLATERAL - toRequester, 0, 0, 0);
        vm.prank(makeAddr("anyone"));
        eco.reportTimeout(id);
        ProviderView memory v = providerOf(p);
        assertEq(v.bond, 980 * TOKEN, "collateral slashed");
        assertEq(v.locked, 0, "nothing locked");
        assertEq(v.strikes, 1, "a strike");
        assertEq(eco.claimable(requester), toRequester, "fee / maxDeclines to the requester");
        assertEq(eco.treasury(), COLLATERAL - toRequester, "the rest to the treasury");
        assertEq(eco.totalBonded(), 980 * TOKEN, "total bonded");
        JobView memory j = eco.job(id);
        assertEq(uint256(j.status), uint256(JobStatus.Posted), "drawn again");
        assertTrue(eco.isExcluded(id, p), "without the provider that timed out");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 1));
        eco.reportTimeout(id);
    }

    // ─── the accept step ───────────────────────────────────────────────────────────────────────────────────────

    /// @dev Only the assigned provider accepts, only an Assigned job, and only inside the accept window (20 s from
    /// the assignment, its last second included); accepting twice changes nothing.
    function test_acceptJob_onlyTheProviderInsideTheWindow() public {
        uint256 id = post(FEE);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 1));
        eco.acceptJob(id);
        assignNow(id);
        assertFalse(eco.job(id).accepted, "not accepted on assignment");
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NotJobProvider.selector, id, requester));
        eco.acceptJob(id);
        address q = addProvider("q", 1_000 * TOKEN);
        vm.prank(q);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NotJobProvider.selector, id, q));
        eco.acceptJob(id);
        uint256 closes = eco.job(id).acceptWindowEndsAt;
        assertEq(closes, block.timestamp + 20, "accept window: 20 s");
        vm.warp(closes + 1);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.AcceptWindowClosed.selector, id, closes));
        eco.acceptJob(id);
        vm.warp(closes); // the window's last second
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobAccepted(id, p);
        vm.prank(p);
        eco.acceptJob(id);
        assertTrue(eco.job(id).accepted, "accepted");
        vm.recordLogs();
        vm.prank(p);
        eco.acceptJob(id);
        assertEq(vm.getRecordedLogs().length, 0, "a second accept is a no-op");
        // Accepted: the job is no no-show; only a missed deadline can be reported now.
        vm.warp(closes + 1);
        uint256 deadline = eco.job(id).deadline;
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.DeadlineNotReached.selector, id, deadline));
        eco.reportTimeout(id);
    }

    /// @dev A result submitted inside the accept window is the answer itself: no accept is needed, and the job can no
    /// longer be reported (no-show or timeout).
    function test_submitInsideTheAcceptWindowNeedsNoAccept() public {
        uint256 id = post(FEE);
        assignNow(id);
        vm.warp(block.timestamp + 10);
        submit(id);
        assertFalse(eco.job(id).accepted, "never accepted");
        vm.warp(block.timestamp + 60);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 3));
        eco.reportTimeout(id);
        eco.finalize(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "finalized and paid");
        assertEq(eco.accountOf(p).claimable, 9.5e18, "fee less the protocol fee");
        assertEq(providerOf(p).bond, 1_000 * TOKEN, "no slash");
        assertEq(providerOf(p).strikes, 0, "no strike");
    }

    /// @dev Rule (v2): a job neither accepted nor answered inside its accept window is a no-show. reportTimeout
    /// (anyone, once the window is over) releases the collateral with no slash, no strike and no forfeit, emits
    /// JobNoShow, and re-draws the job without that provider (it counts toward maxDeclines like a decline): a node
    /// that is simply gone is never slashed for being away.
    function test_noShow_releasesCollateralUnslashedAndRedrawsWithoutTheProvider() public {
        address q = addProvider("q", 1_000 * TOKEN);
        uint256 id = post(FEE);
        address gone = assignNow(id);
        address other = gone == p ? q : p;
        uint256 closes = eco.job(id).acceptWindowEndsAt;
        vm.warp(closes);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.DeadlineNotReached.selector, id, closes));
        eco.reportTimeout(id);
        vm.warp(closes + 1);
        uint256 owed = eco.claimable(gone);
        // Emission accrued so far: kept (a no-show forfeits nothing).
        uint256 accrued = eco.accountOf(gone).pendingEmission;
        assertGt(accrued, 0, "some emission accrued");
        uint256 supply = tok.totalSupply();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobNoShow(id, gone, 1);
        vm.recordLogs();
        vm.prank(makeAddr("anyone"));
        eco.reportTimeout(id);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; i++) {
            bytes32 t = logs[i].topics[0];
            assertTrue(t != IEconomyEvents.ProviderSlashed.selector, "no slash");
            assertTrue(t != IEconomyEvents.Strike.selector, "no strike");
            assertTrue(t != IEconomyEvents.EmissionForfeited.selector, "no forfeit");
            assertTrue(t != IEconomyEvents.JobTimedOut.selector, "not a timeout");
        }
        ProviderView memory v = providerOf(gone);
        assertEq(v.bond, 1_000 * TOKEN, "bond whole");
        assertEq(v.locked, 0, "collateral released");
        assertEq(v.activeJobs, 0, "slot freed");
        assertEq(v.strikes, 0, "no strike");
        assertEq(v.noShows, 1, "one no-show");
        assertEq(uint256(v.status), uint256(ProviderStatus.Active), "still active (one no-show)");
        assertEq(eco.claimable(gone), owed, "its claimable balance untouched");
        assertEq(eco.accountOf(gone).pendingEmission, accrued, "its emission kept");
        assertEq(eco.claimable(requester), 0, "the requester is owed nothing: the job is simply drawn again");
        assertEq(eco.treasury(), 0, "nothing to the treasury");
        assertEq(tok.totalSupply(), supply, "nothing burned");
        JobView memory j = eco.job(id);
        assertEq(uint256(j.status), uint256(JobStatus.Posted), "drawn again");
        assertEq(j.declines, 1, "counts toward maxDeclines");
        assertFalse(j.accepted, "the next assignment starts unaccepted");
        assertTrue(eco.isExcluded(id, gone), "without the provider that did not show");
        assertEq(assignUntilDrawn(id), other, "the other provider");
    }

    /// @dev Lets `who` (drawn for a fresh job) miss the accept window and reports the no-show; returns the job.
    function noShow(address who) internal returns (uint256 id) {
        id = post(FEE);
        assertEq(assignUntilDrawn(id), who, "drawn");
        vm.warp(eco.job(id).acceptWindowEndsAt + 1);
        eco.reportTimeout(id);
        vm.roll(block.number + 1);
    }

    /// @dev Rule (v2): after three no-shows in a row the provider is paused on-chain (lazy leave, ProviderPaused): a
    /// node that is gone stops being drawn, and nobody is slashed. Paused, it is never drawn again until it resumes.
    function test_noShow_threeInARowPauseTheProvider() public {
        noShow(p);
        noShow(p);
        assertEq(providerOf(p).noShows, 2, "two in a row");
        uint256 id = post(FEE);
        assignNow(id);
        vm.warp(eco.job(id).acceptWindowEndsAt + 1);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobNoShow(id, p, 3);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderPaused(p);
        eco.reportTimeout(id);
        ProviderView memory v = providerOf(p);
        assertEq(uint256(v.status), uint256(ProviderStatus.Paused), "paused");
        assertEq(v.bond, 1_000 * TOKEN, "never slashed");
        assertEq(v.strikes, 0, "never struck");
        assertEq(v.weight, 0, "out of the draw");
        assertEq(v.stake, 0, "no emission while paused");
        assertEq(v.lastIncreaseBlock, block.number, "the block it left");
        // With an honest provider in the draw, the paused one is never drawn again.
        address q = addProvider("q", 1_000 * TOKEN);
        vm.roll(block.number + 1);
        for (uint256 i; i < 20; i++) {
            uint256 next = post(FEE);
            assertEq(assignUntilDrawn(next), q, "never the paused provider");
            vm.prank(q);
            eco.declineJob(next, 1); // frees q's slot; the job goes on without q (and finds nobody: p is paused)
            vm.roll(block.number + 1);
        }
        assertEq(providerOf(p).treeWeight, 0, "its leaves pruned by a draw that landed on them");
    }

    /// @dev The run of no-shows resets on an accept, on a finalized job of the provider's, and on resume.
    function test_noShows_resetByAcceptFinalizeAndResume() public {
        noShow(p);
        noShow(p);
        assertEq(providerOf(p).noShows, 2, "two");
        uint256 id = post(FEE);
        assignNow(id);
        accept(id);
        assertEq(providerOf(p).noShows, 0, "reset by an accept");
        submit(id);
        noShow(p);
        noShow(p);
        assertEq(providerOf(p).noShows, 2, "two again");
        vm.warp(block.timestamp + 60);
        eco.finalize(id); // the accepted job above, delivered
        assertEq(providerOf(p).noShows, 0, "reset by a finalized job");
        id = post(FEE);
        assignNow(id);
        submit(id); // answered inside the window: not a no-show, but no reset until it finalizes
        noShow(p);
        noShow(p);
        assertEq(providerOf(p).noShows, 2, "a submitted result does not reset the run");
        noShow(p);
        assertEq(uint256(providerOf(p).status), uint256(ProviderStatus.Paused), "paused at three");
        assertEq(providerOf(p).noShows, 3, "three");
        vm.prank(p);
        eco.resume();
        assertEq(providerOf(p).noShows, 0, "reset by resume");
        noShow(p);
        assertEq(providerOf(p).noShows, 1, "a fresh run");
        assertEq(uint256(providerOf(p).status), uint256(ProviderStatus.Active), "active");
    }

    /// @dev A killed node (never answering again) across 10 assignments: each is a no-show, re-drawn to the honest
    /// provider, which delivers; every third no-show pauses the dead node, whose operator restarts the app, which
    /// resumes and dies again. It loses no bond, gets no strike and is never jailed (with v1's rule it would have
    /// lost 3 collaterals and been jailed by the third assignment).
    function test_noShow_aKilledNodeLosesNoBondAcrossTenAssignments() public {
        address q = addProvider("honest q", 1_000 * TOKEN);
        uint256 assignments;
        uint256 pauses;
        uint256 jobs;
        while (assignments < 10) {
            uint256 id = post(FEE);
            jobs++;
            address drawn = assignUntilDrawn(id);
            if (drawn == p) {
                assignments++;
                vm.warp(eco.job(id).acceptWindowEndsAt + 1);
                eco.reportTimeout(id);
                assertEq(providerOf(p).bond, 1_000 * TOKEN, "no slash");
                if (providerOf(p).status == ProviderStatus.Paused) {
                    pauses++;
                    vm.prank(p);
                    eco.resume(); // the app restarts, resumes, and dies again
                }
                assertEq(assignUntilDrawn(id), q, "re-drawn to the honest provider");
            }
            submit(id);
            vm.warp(block.timestamp + 60);
            eco.finalize(id);
            vm.roll(block.number + 1);
        }
        emit log_named_uint("killed node: jobs posted", jobs);
        emit log_named_uint("killed node: assignments it let pass", assignments);
        emit log_named_uint("killed node: times paused", pauses);
        ProviderView memory v = providerOf(p);
        assertEq(v.bond, 1_000 * TOKEN, "no bond lost");
        assertEq(v.strikes, 0, "no strike");
        assertEq(pauses, 3, "paused after the 3rd, 6th and 9th");
        assertEq(eco.treasury(), jobs * 0.5e18, "the treasury took only protocol fees");
        assertEq(uint256(v.status), uint256(ProviderStatus.Active), "never jailed");
    }

    function test_finalize_paysTheProviderAndTheTreasury() public {
        uint256 id = post(FEE);
        assignNow(id);
        submit(id);
        uint256 ends = block.timestamp + 60;
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.ChallengeWindowOpen.selector, id, ends));
        eco.finalize(id);
        vm.warp(ends);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobFinalized(id, p, 9.5e18, 0.5e18);
        eco.finalize(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "finalized");
        // Rule (round 3): claimable is the fee only; the emission accrued to p's bond (v2: emission accrues to stake,
        // fees earn none) is pendingEmission, apart, until claimEmission settles it.
        AccountView memory acc = eco.accountOf(p);
        assertEq(acc.claimable, 9.5e18, "fee minus 5 %");
        assertGt(acc.pendingEmission, 0, "emission accrued apart");
        assertEq(eco.treasury(), 0.5e18, "protocol fee");
        assertEq(providerOf(p).locked, 0, "collateral released");
        assertEq(providerOf(p).activeJobs, 0, "slot freed");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 5));
        eco.finalize(id);
    }

    /// @dev Rule (round 3): withdraw pays the claimable balance — here the fee (9.5) — and no longer settles the
    /// emission accrued to p's bond (claimEmission does), so a job's own withdrawal does not pay for minting.
    function test_withdraw_paysTheClaimableBalanceOnce() public {
        runJob(FEE);
        address payout = makeAddr("payout");
        vm.prank(p);
        vm.expectRevert(IEconomyEvents.ZeroAddress.selector);
        eco.withdraw(address(0));
        AccountView memory acc = eco.accountOf(p);
        uint256 owed = acc.claimable;
        assertGt(acc.pendingEmission, 0, "emission accrued to the bond");
        assertEq(owed, 9.5e18, "the fee only");
        uint256 supply = tok.totalSupply();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.Withdrawn(p, payout, owed);
        vm.prank(p);
        assertEq(eco.withdraw(payout), owed, "amount");
        assertEq(tok.balanceOf(payout), owed, "paid");
        assertEq(eco.claimable(p), 0, "nothing left");
        assertEq(eco.accountOf(p).pendingEmission, acc.pendingEmission, "the accrued emission is still pending");
        assertEq(tok.totalSupply(), supply, "nothing minted by a withdrawal");
        vm.prank(p);
        vm.expectRevert(IEconomyEvents.NothingToWithdraw.selector);
        eco.withdraw(payout);
    }

    function test_cancelJob_onlyAfterTheCancelDelay() public {
        vm.prank(p);
        eco.pause();
        uint256 id = post(FEE);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.CancelTooEarly.selector, id, block.number + 257));
        eco.cancelJob(id);
        vm.roll(block.number + 257);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NotRequester.selector, id, p));
        eco.cancelJob(id);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobRefunded(id, requester, FEE);
        vm.prank(requester);
        eco.cancelJob(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Refunded), "refunded");
        assertEq(eco.claimable(requester), FEE, "fee claimable");
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 7));
        eco.cancelJob(id);
    }

    /// @dev Each draw that keeps nobody re-seeds the job, which pushed the cancel delay (256 blocks from the draw
    /// block) back for ever; after 16 such misses the requester may cancel at once.
    function test_cancelJob_atOnceAfterSixteenMisses() public {
        uint256 id = post(500 * TOKEN); // collateral 1,000 > p's free bond once it holds another job
        uint256 small = post(TOKEN);
        assertEq(assignNow(small), p, "p takes the small job");
        for (uint256 m; m < 15; m++) {
            assignNow(id);
            assertEq(uint256(status(id)), uint256(JobStatus.Posted), "missed");
        }
        uint256 from = eco.job(id).drawBlock + 257;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.CancelTooEarly.selector, id, from));
        eco.cancelJob(id);
        assignNow(id); // the 16th miss
        vm.prank(requester);
        eco.cancelJob(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Refunded), "cancelled at once");
        assertEq(eco.claimable(requester), 500 * TOKEN, "fee back");
    }

    /// @dev Rule (v2, accept step): the requester's share of a timeout slash is capped at fee / maxDeclines per
    /// timeout (it was capped at the fee): a job can time out up to maxDeclines times before it is refunded, so
    /// its compensation in all never exceeds its fee. The rest goes to the treasury.
    function test_reportTimeout_requesterShareIsCappedAtTheFee() public {
        uint256 id = post(TOKEN); // collateral = max(2 × 1, 5) = 5; half of it (2.5) would exceed the fee
        assignNow(id);
        accept(id);
        vm.warp(block.timestamp + DEADLINE + 1);
        uint256 cap = TOKEN / 3; // fee / maxDeclines
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderSlashed(p, id, 5 * TOKEN, cap, 5 * TOKEN - cap, 0, 0, 0);
        eco.reportTimeout(id);
        assertEq(eco.claimable(requester), cap, "a third of the fee, no more");
        assertEq(eco.treasury(), 5 * TOKEN - cap, "the rest to the treasury");
        assertEq(providerOf(p).bond, 995 * TOKEN, "the whole collateral slashed");
    }

    /// @dev A job that times out on every one of its maxDeclines draws: the requester's compensation over all of
    /// them is at most its fee (then the fee itself is refunded), so timeouts never pay a requester more than a
    /// delivered job would have cost it.
    function test_reportTimeout_repeatedTimeoutsCompensateAtMostTheFee() public {
        addProvider("q", 1_000 * TOKEN);
        addProvider("r", 1_000 * TOKEN);
        uint256 fee = 2 * TOKEN; // collateral 5, half 2.5: uncapped, three timeouts would pay 7.5
        uint256 id = post(fee);
        for (uint256 i; i < 3; i++) {
            assignUntilDrawn(id);
            accept(id);
            vm.warp(block.timestamp + DEADLINE + 1);
            eco.reportTimeout(id);
        }
        assertEq(uint256(status(id)), uint256(JobStatus.Refunded), "refunded after three timeouts");
        uint256 compensation = eco.claimable(requester) - fee;
        emit log_named_uint("compensation for three timeouts of a 2-token job (wei)", compensation);
        assertEq(compensation, 3 * (fee / 3), "a third of the fee per timeout");
        assertLe(compensation, fee, "never more than the fee in all");
    }

    /// @dev Rule (v2): block numbers and timestamps are stored in 48 bits. A job posted, assigned, submitted and
    /// finalized at a block number and a timestamp above 2^32 keeps them exact (a 32-bit field would wrap).
    function test_stampsAbove2To32StayExact() public {
        uint256 blockNo = (uint256(1) << 32) + 12_345;
        uint256 time = (uint256(1) << 33) + 678;
        vm.roll(blockNo);
        vm.warp(time);
        uint256 id = post(FEE);
        JobView memory j = eco.job(id);
        assertEq(j.drawBlock, blockNo, "draw block above 2^32");
        vm.setBlockhash(blockNo, keccak256("seed"));
        vm.roll(blockNo + 1);
        vm.warp(time + 13);
        eco.assign(id);
        j = eco.job(id);
        assertEq(j.provider, p, "assigned");
        assertEq(j.assignedAt, time + 13, "assignment time above 2^32");
        assertEq(j.acceptWindowEndsAt, time + 13 + 20, "accept window");
        assertEq(j.deadline, time + 13 + DEADLINE, "deadline");
        // The deadline is enforced against the exact time, on both sides.
        vm.warp(time + 13 + DEADLINE);
        submit(id);
        j = eco.job(id);
        assertEq(j.submittedAt, time + 13 + DEADLINE, "submission time above 2^32");
        assertEq(j.challengeWindowEndsAt, time + 13 + DEADLINE + 60, "challenge window");
        vm.warp(time + 13 + DEADLINE + 59);
        vm.expectRevert(
            abi.encodeWithSelector(IEconomyEvents.ChallengeWindowOpen.selector, id, time + 13 + DEADLINE + 60)
        );
        eco.finalize(id);
        vm.warp(time + 13 + DEADLINE + 60);
        eco.finalize(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "finalized");
        // A re-opened draw and a provider's increase block are exact too.
        uint256 second = post(FEE);
        assertEq(eco.job(second).drawBlock, blockNo + 1, "second draw block");
        assignNow(second);
        vm.prank(p);
        eco.declineJob(second, 1);
        assertEq(eco.job(second).drawBlock, blockNo + 2, "re-opened draw block above 2^32");
        assertEq(providerOf(p).lastIncreaseBlock, blockNo + 2, "increase block above 2^32");
    }

    function test_jobView_ofUnknownJobIsEmpty() public view {
        assertEq(uint256(eco.job(42).status), uint256(JobStatus.None), "none");
    }
}
