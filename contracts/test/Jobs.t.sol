// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {Economy} from "../src/Economy.sol";
import {IEconomyEvents} from "../src/interfaces/IEconomyEvents.sol";
import {JobStatus, JobView, ProviderView} from "../src/interfaces/EconomyTypes.sol";

/// @notice A job's life through every function of the market, with every refusal.
contract JobsTest is EconomyFixture {
    uint256 internal constant FEE = 10 * TOKEN;
    uint256 internal constant COLLATERAL = 20 * TOKEN; // max(2 × fee, 5)
    address internal p;

    function setUp() public override {
        super.setUp();
        p = addProvider("p", 1_000 * TOKEN, 80);
    }

    function test_postJob_escrowsTheFeeAndRecordsTheJob() public {
        uint256 escrowBefore = tok.balanceOf(address(eco));
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobPosted(1, requester, MODEL, INFERENCE, INPUT, "ipfs://input", FEE, DEADLINE, 7);
        uint256 id = post(requester, INFERENCE, FEE, 7);
        JobView memory j = eco.job(id);
        assertEq(id, 1, "first job");
        assertEq(uint256(j.status), uint256(JobStatus.Posted), "posted");
        assertEq(j.requester, requester, "requester");
        assertEq(j.provider, address(0), "no provider yet");
        assertEq(j.fee, FEE, "fee");
        assertEq(j.collateral, COLLATERAL, "collateral = max(2 x fee, 5)");
        assertEq(j.deadlineS, DEADLINE, "deadline");
        assertEq(j.minScore, 7, "min score");
        assertEq(j.drawBlock, block.number, "draw block = post block");
        assertEq(tok.balanceOf(address(eco)) - escrowBefore, FEE, "fee escrowed");
        assertEq(eco.jobCount(), 1, "count");
        assertEq(post(1 * TOKEN), 2, "ids count up");
        assertEq(eco.job(2).collateral, 5 * TOKEN, "small fee: the minimum collateral");
    }

    function test_postJob_refusesBadJobs() public {
        vm.startPrank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidKind.selector, 2));
        eco.postJob(2, MODEL, INPUT, "u", FEE, DEADLINE, 0);
        vm.expectRevert(IEconomyEvents.ZeroAmount.selector);
        eco.postJob(INFERENCE, MODEL, INPUT, "u", 0, DEADLINE, 0);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.AmountTooLarge.selector, 2 ** 80, 2 ** 80 - 1));
        eco.postJob(INFERENCE, MODEL, INPUT, "u", 2 ** 80, DEADLINE, 0);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.DeadlineOutOfRange.selector, 29, 30, 30 days));
        eco.postJob(INFERENCE, MODEL, INPUT, "u", FEE, 29, 0);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.DeadlineOutOfRange.selector, 30 days + 1, 30, 30 days));
        eco.postJob(INFERENCE, MODEL, INPUT, "u", FEE, 30 days + 1, 0);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidScore.selector, 1_000_001));
        eco.postJob(INFERENCE, MODEL, INPUT, "u", FEE, DEADLINE, 1_000_001);
        bytes32 unknown = keccak256("unknown model");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.UnknownModel.selector, unknown));
        eco.postJob(INFERENCE, unknown, INPUT, "u", FEE, DEADLINE, 0);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.ModelKindMismatch.selector, FT_MODEL, 1, 0));
        eco.postJob(INFERENCE, FT_MODEL, INPUT, "u", FEE, DEADLINE, 0);
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
        assertEq(v.treeWeight, (1_000 * TOKEN / 1e15) * 80, "the tree is not written by a lock");
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

    function test_assign_refusesWhenNobodyIsEligible() public {
        uint256 hi = post(requester, INFERENCE, FEE, 81); // p's score is 80
        vm.roll(block.number + 1);
        vm.expectRevert(abi.encodeWithSelector(Economy.NoEligibleProvider.selector, hi, eco.totalWeight()));
        eco.assign(hi);
        vm.prank(p);
        eco.updateProfile(80, 1, 4); // inference only
        vm.roll(block.number + 1);
        uint256 ft = post(requester, FINE_TUNE, FEE, 0);
        vm.roll(block.number + 1);
        vm.expectRevert(abi.encodeWithSelector(Economy.NoEligibleProvider.selector, ft, eco.totalWeight()));
        eco.assign(ft);
        vm.prank(p);
        eco.pause();
        uint256 none = post(FEE);
        vm.roll(block.number + 1);
        vm.expectRevert(abi.encodeWithSelector(Economy.NoEligibleProvider.selector, none, 0));
        eco.assign(none);
        assertEq(uint256(status(none)), uint256(JobStatus.Posted), "still posted");
    }

    function test_assign_respectsCapacityAndFreeBond() public {
        vm.prank(p);
        eco.updateProfile(80, 3, 1);
        uint256 a = post(FEE);
        uint256 b = post(FEE);
        vm.roll(block.number + 1);
        eco.assign(a);
        vm.expectRevert(abi.encodeWithSelector(Economy.NoEligibleProvider.selector, b, eco.totalWeight()));
        eco.assign(b);
        // A job whose collateral exceeds the free bond is not assigned either.
        vm.prank(p);
        eco.updateProfile(80, 3, 8);
        vm.roll(block.number + 1);
        uint256 big = post(500 * TOKEN); // collateral 1,000 > 980 free
        vm.roll(block.number + 1);
        vm.expectRevert(abi.encodeWithSelector(Economy.NoEligibleProvider.selector, big, eco.totalWeight()));
        eco.assign(big);
    }

    function test_decline_redrawsWithoutTheProvider() public {
        address q = addProvider("q", 1_000 * TOKEN, 80);
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
        addProvider("q", 1_000 * TOKEN, 80);
        addProvider("r", 1_000 * TOKEN, 80);
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
        emit IEconomyEvents.ProviderSlashed(p, id, COLLATERAL, 10 * TOKEN, 10 * TOKEN, 0, 0);
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
        assertEq(eco.claimable(p), 9.5e18, "fee minus 5 %");
        assertEq(eco.treasury(), 0.5e18, "protocol fee");
        assertEq(providerOf(p).locked, 0, "collateral released");
        assertEq(providerOf(p).activeJobs, 0, "slot freed");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 5));
        eco.finalize(id);
    }

    function test_withdraw_paysTheClaimableBalanceOnce() public {
        runJob(FEE);
        address payout = makeAddr("payout");
        vm.prank(p);
        vm.expectRevert(IEconomyEvents.ZeroAddress.selector);
        eco.withdraw(address(0));
        vm.expectEmit(address(eco));
        emit IEconomyEvents.Withdrawn(p, payout, 9.5e18);
        vm.prank(p);
        assertEq(eco.withdraw(payout), 9.5e18, "amount");
        assertEq(tok.balanceOf(payout), 9.5e18, "paid");
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

    function test_jobView_ofUnknownJobIsEmpty() public view {
        assertEq(uint256(eco.job(42).status), uint256(JobStatus.None), "none");
    }
}
