// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {Economy} from "../src/Economy.sol";
import {IEconomyEvents} from "../src/interfaces/IEconomyEvents.sol";
import {AccountView, JobStatus, JobView, ProviderView} from "../src/interfaces/EconomyTypes.sol";

/// @notice A job's life through every function of the market, with every refusal.
contract JobsTest is EconomyFixture {
    uint256 internal constant FEE = 10 * TOKEN;
    uint256 internal constant COLLATERAL = 20 * TOKEN; // max(2 × fee, 5)
    address internal p;

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

    function test_decline_refundsAfterMaxDeclines() public {
        addProvider("q", 1_000 * TOKEN);
        addProvider("r", 1_000 * TOKEN);
        uint256 id = post(FEE);
        for (uint256 i; i < 3; i++) {
            address drawn = assignNow(id);
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

    function test_reportTimeout_slashesCollateralAndRedraws() public {
        uint256 id = post(FEE);
        assignNow(id);
        uint256 deadline = block.timestamp + DEADLINE;
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.DeadlineNotReached.selector, id, deadline));
        eco.reportTimeout(id);
        vm.warp(deadline + 1);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderSlashed(p, id, COLLATERAL, 10 * TOKEN, 10 * TOKEN, 0, 0, 0);
        vm.prank(makeAddr("anyone"));
        eco.reportTimeout(id);
        ProviderView memory v = providerOf(p);
        assertEq(v.bond, 980 * TOKEN, "collateral slashed");
        assertEq(v.locked, 0, "nothing locked");
        assertEq(v.strikes, 1, "a strike");
        assertEq(eco.claimable(requester), 10 * TOKEN, "half to the requester");
        assertEq(eco.treasury(), 10 * TOKEN, "half to the treasury");
        assertEq(eco.totalBonded(), 980 * TOKEN, "total bonded");
        JobView memory j = eco.job(id);
        assertEq(uint256(j.status), uint256(JobStatus.Posted), "drawn again");
        assertTrue(eco.isExcluded(id, p), "without the provider that timed out");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 1));
        eco.reportTimeout(id);
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
        // Claimable also holds the emission accrued to p's bond (v2: emission accrues to stake, fees earn none).
        AccountView memory acc = eco.accountOf(p);
        assertEq(acc.claimable - acc.pendingEmission, 9.5e18, "fee minus 5 %");
        assertEq(eco.treasury(), 0.5e18, "protocol fee");
        assertEq(providerOf(p).locked, 0, "collateral released");
        assertEq(providerOf(p).activeJobs, 0, "slot freed");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 5));
        eco.finalize(id);
    }

    /// @dev The claimable balance is the fee (9.5) plus the emission accrued to p's bond, settled (and minted) by the
    /// withdrawal itself.
    function test_withdraw_paysTheClaimableBalanceOnce() public {
        runJob(FEE);
        address payout = makeAddr("payout");
        vm.prank(p);
        vm.expectRevert(IEconomyEvents.ZeroAddress.selector);
        eco.withdraw(address(0));
        AccountView memory acc = eco.accountOf(p);
        uint256 owed = acc.claimable;
        assertGt(acc.pendingEmission, 0, "emission accrued to the bond");
        assertEq(owed - acc.pendingEmission, 9.5e18, "the fee's part");
        vm.expectEmit(address(eco));
        emit IEconomyEvents.Withdrawn(p, payout, owed);
        vm.prank(p);
        assertEq(eco.withdraw(payout), owed, "amount");
        assertEq(tok.balanceOf(payout), owed, "paid");
        assertEq(eco.claimable(p), 0, "nothing left");
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

    /// @dev Rule (v2): the requester's share of a timeout slash is capped at the job's fee, so a requester never
    /// earns more from a provider's miss than it paid; the rest goes to the treasury.
    function test_reportTimeout_requesterShareIsCappedAtTheFee() public {
        uint256 id = post(TOKEN); // collateral = max(2 × 1, 5) = 5; half of it (2.5) would exceed the fee
        assignNow(id);
        vm.warp(block.timestamp + DEADLINE + 1);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderSlashed(p, id, 5 * TOKEN, TOKEN, 4 * TOKEN, 0, 0, 0);
        eco.reportTimeout(id);
        assertEq(eco.claimable(requester), TOKEN, "the fee, no more");
        assertEq(eco.treasury(), 4 * TOKEN, "the rest to the treasury");
        assertEq(providerOf(p).bond, 995 * TOKEN, "the whole collateral slashed");
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
