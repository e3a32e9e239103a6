// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {IEconomyEvents} from "../src/interfaces/IEconomyEvents.sol";
import {ChallengeView, JobStatus, ValidatorStatus, ValidatorView} from "../src/interfaces/EconomyTypes.sol";

/// @notice Validators, commit-reveal challenges, stake-weighted votes and their resolution.
contract VerificationTest is EconomyFixture {
    uint256 internal constant FEE = 10 * TOKEN;
    address internal p;
    address internal v1;
    address internal v2;
    address internal v3;

    function setUp() public override {
        super.setUp();
        p = addProvider("p", 1_000 * TOKEN, 80);
        v1 = newValidator("v1", 300 * TOKEN);
        v2 = newValidator("v2", 200 * TOKEN);
        v3 = newValidator("v3", 150 * TOKEN);
        vm.warp(block.timestamp + 1);
    }

    function submitted() internal returns (uint256 id) {
        id = post(FEE);
        assignNow(id);
        submit(id);
    }

    // ─── validator registry ────────────────────────────────────────────────────────────────────────────────────

    function test_validatorLifecycle() public {
        address v = actor("v", 500 * TOKEN);
        vm.startPrank(v);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.BondTooLow.selector, 99 * TOKEN, 100 * TOKEN));
        eco.registerValidator(99 * TOKEN);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongValidatorStatus.selector, v, 0));
        eco.addValidatorBond(TOKEN);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongValidatorStatus.selector, v, 0));
        eco.requestValidatorExit();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ValidatorRegistered(v, 100 * TOKEN);
        eco.registerValidator(100 * TOKEN);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongValidatorStatus.selector, v, 1));
        eco.registerValidator(100 * TOKEN);
        vm.expectRevert(IEconomyEvents.ZeroAmount.selector);
        eco.addValidatorBond(0);
        eco.addValidatorBond(50 * TOKEN);
        assertEq(eco.validatorOf(v).bond, 150 * TOKEN, "bond");
        assertEq(eco.stats().validatorStake, 800 * TOKEN, "stake of all active validators");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongValidatorStatus.selector, v, 1));
        eco.withdrawValidatorBond(v);
        eco.requestValidatorExit();
        ValidatorView memory vv = eco.validatorOf(v);
        assertEq(uint256(vv.status), uint256(ValidatorStatus.Exiting), "exiting");
        assertEq(vv.unbondingEndsAt, block.timestamp + 300, "unbonding end");
        assertEq(eco.stats().validatorStake, 650 * TOKEN, "exiting stake no longer votes");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.StillUnbonding.selector, block.timestamp + 300));
        eco.withdrawValidatorBond(v);
        vm.warp(block.timestamp + 300);
        vm.expectRevert(IEconomyEvents.ZeroAddress.selector);
        eco.withdrawValidatorBond(address(0));
        assertEq(eco.withdrawValidatorBond(v), 150 * TOKEN, "bond back");
        assertEq(uint256(eco.validatorOf(v).status), uint256(ValidatorStatus.Exited), "exited");
        vm.stopPrank();
    }

    // ─── challenges ────────────────────────────────────────────────────────────────────────────────────────────

    function test_challenge_opensAVote() public {
        uint256 id = submitted();
        bytes32 salt = "s";
        bytes32 commitment = keccak256(abi.encode(id, v1, salt));
        vm.prank(v1);
        eco.commitChallenge(commitment);
        assertEq(eco.commitmentBlock(commitment), block.number, "commitment recorded");
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.CommitmentTooFresh.selector, commitment));
        eco.challenge(id, salt);
        vm.roll(block.number + 1);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ChallengeOpened(id, v1, p, block.timestamp + 60);
        vm.prank(v1);
        eco.challenge(id, salt);
        assertEq(uint256(status(id)), uint256(JobStatus.Voting), "voting");
        ChallengeView memory c = eco.challengeOf(id);
        assertEq(c.challenger, v1, "challenger");
        assertEq(c.invalidWeight, 300 * TOKEN, "challenger's stake counts as invalid");
        assertEq(c.validWeight, 0, "no valid votes yet");
        assertEq(c.voteEndsAt, block.timestamp + 60, "vote end");
        assertEq(eco.validatorOf(v1).locked, 10 * TOKEN, "challenge bond locked");
        assertEq(eco.commitmentBlock(commitment), 0, "commitment used up");
        assertTrue(eco.hasVoted(id, v1), "challenger counted");
    }

    function test_challenge_refuses() public {
        uint256 id = submitted();
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongValidatorStatus.selector, stranger, 0));
        eco.commitChallenge("x");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongValidatorStatus.selector, stranger, 0));
        eco.challenge(id, "x");
        bytes32 never = keccak256(abi.encode(id, v1, bytes32("never")));
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.UnknownCommitment.selector, never));
        eco.challenge(id, "never");
        // A job that is not Submitted.
        uint256 posted = post(FEE);
        vm.prank(v1);
        eco.commitChallenge(keccak256(abi.encode(posted, v1, bytes32("a"))));
        vm.roll(block.number + 1);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, posted, 1));
        eco.challenge(posted, "a");
        // After the window.
        vm.prank(v1);
        eco.commitChallenge(keccak256(abi.encode(id, v1, bytes32("late"))));
        vm.roll(block.number + 1);
        uint256 end = eco.job(id).challengeWindowEndsAt;
        vm.warp(end);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.ChallengeWindowClosed.selector, id, end));
        eco.challenge(id, "late");
    }

    function test_challenge_refusesTheJobsOwnProvider() public {
        uint256 id = submitted();
        fund(p, 100 * TOKEN);
        vm.prank(p);
        eco.registerValidator(100 * TOKEN);
        vm.warp(block.timestamp + 1);
        vm.prank(p);
        eco.commitChallenge(keccak256(abi.encode(id, p, bytes32("me"))));
        vm.roll(block.number + 1);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.SelfChallenge.selector, id));
        eco.challenge(id, "me");
    }

    function test_challenge_needsAFreeChallengeBond() public {
        address small = newValidator("small", 100 * TOKEN);
        vm.prank(p);
        eco.updateProfile(80, 3, 64); // room for eleven jobs under challenge at once
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 1);
        for (uint256 i; i < 10; i++) challengeAs(small, submitted());
        uint256 id = submitted();
        bytes32 salt = keccak256(abi.encode(small, id));
        vm.prank(small);
        eco.commitChallenge(keccak256(abi.encode(id, small, salt)));
        vm.roll(block.number + 1);
        vm.prank(small);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.BondTooLow.selector, 0, 10 * TOKEN));
        eco.challenge(id, salt);
    }

    function test_vote_stakeWeightedOncePerValidator() public {
        uint256 id = submitted();
        challengeAs(v1, id);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.VoteCast(id, v2, true, 200 * TOKEN);
        vm.prank(v2);
        eco.vote(id, true);
        vm.prank(v2);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.AlreadyVoted.selector, id, v2));
        eco.vote(id, false);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.AlreadyVoted.selector, id, v1));
        eco.vote(id, false);
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongValidatorStatus.selector, stranger, 0));
        eco.vote(id, true);
        // Stake brought in after the challenge opened does not vote.
        address late = newValidator("late", 1_000 * TOKEN);
        vm.prank(late);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.JoinedAfterChallenge.selector, id, late));
        eco.vote(id, true);
        ChallengeView memory c = eco.challengeOf(id);
        assertEq(c.validWeight, 200 * TOKEN, "valid");
        assertEq(c.invalidWeight, 300 * TOKEN, "invalid");
        vm.warp(c.voteEndsAt);
        vm.prank(v3);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.VoteClosed.selector, id, c.voteEndsAt));
        eco.vote(id, true);
        uint256 notVoting = post(FEE);
        vm.prank(v3);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, notVoting, 1));
        eco.vote(notVoting, true);
    }

    function test_vote_lateFlipExtendsTheVote() public {
        uint256 id = submitted();
        challengeAs(v3, id); // invalid 150
        uint256 end = eco.challengeOf(id).voteEndsAt;
        vm.warp(end - 5); // in the last quarter (15 s)
        vm.expectEmit(address(eco));
        emit IEconomyEvents.VoteExtended(id, end + 15);
        vm.prank(v2);
        eco.vote(id, true); // valid 200 now leads: a flip
        assertEq(eco.challengeOf(id).voteEndsAt, end + 15, "extended by a quarter");
        assertEq(eco.challengeOf(id).extensions, 1, "one extension");
        vm.warp(end + 10);
        vm.prank(v1);
        eco.vote(id, false); // invalid 450 leads again: a second extension
        assertEq(eco.challengeOf(id).voteEndsAt, end + 30, "extended again");
        assertEq(eco.challengeOf(id).extensions, 2, "two extensions, the most allowed");
    }

    function test_resolve_invalidResult_slashesProviderToChallengerAndRefunds() public {
        uint256 id = submitted();
        challengeAs(v1, id);
        vm.prank(v2);
        eco.vote(id, true); // 200 valid vs 300 invalid
        uint256 end = eco.challengeOf(id).voteEndsAt;
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.VoteOpen.selector, id, end));
        eco.resolveChallenge(id);
        vm.warp(end);
        uint256 supply = tok.totalSupply();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderSlashed(p, id, 20 * TOKEN, 0, 0, 10 * TOKEN, 10 * TOKEN);
        eco.resolveChallenge(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Rejected), "rejected");
        assertEq(providerOf(p).bond, 980 * TOKEN, "collateral slashed");
        assertEq(providerOf(p).locked, 0, "nothing locked");
        assertEq(providerOf(p).strikes, 1, "a strike");
        assertEq(eco.claimable(v1), 10 * TOKEN, "challenger gets the slash less the burn");
        assertEq(eco.claimable(requester), FEE, "requester refunded");
        assertEq(eco.claimable(p), 0, "provider unpaid");
        assertEq(eco.validatorOf(v1).locked, 0, "challenge bond unlocked");
        assertEq(supply - tok.totalSupply(), 10 * TOKEN, "half of the slash burned");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 6));
        eco.resolveChallenge(id);
    }

    function test_resolve_validResult_slashesChallengerToProviderAndPays() public {
        uint256 id = submitted();
        challengeAs(v3, id);
        vm.prank(v1);
        eco.vote(id, true); // 300 valid vs 150 invalid
        vm.warp(eco.challengeOf(id).voteEndsAt);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ValidatorSlashed(v3, id, 10 * TOKEN, 5 * TOKEN, 5 * TOKEN);
        eco.resolveChallenge(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "finalized");
        assertEq(eco.claimable(p), 9.5e18 + 5 * TOKEN, "fee less protocol fee, plus the challenger's slash less the burn");
        assertEq(eco.validatorOf(v3).bond, 140 * TOKEN, "challenger slashed");
        assertEq(eco.validatorOf(v3).locked, 0, "unlocked");
        assertEq(providerOf(p).locked, 0, "collateral released");
        assertEq(eco.stats().validatorStake, 640 * TOKEN, "stake less the slash");
    }

    function test_vote_extensionsAreBounded() public {
        address v4 = newValidator("v4", 500 * TOKEN);
        vm.warp(block.timestamp + 1);
        uint256 id = submitted();
        challengeAs(v3, id); // invalid 150
        uint256 end = eco.challengeOf(id).voteEndsAt;
        vm.warp(end - 1);
        vm.prank(v2);
        eco.vote(id, true); // valid 200: flip, +15
        vm.warp(end + 14);
        vm.prank(v1);
        eco.vote(id, false); // invalid 450: flip, +15
        vm.warp(end + 29);
        vm.prank(v4);
        eco.vote(id, true); // valid 700: a third flip, no more extensions
        assertEq(eco.challengeOf(id).voteEndsAt, end + 30, "at most two extensions");
    }

    function test_vote_earlyFlipDoesNotExtend() public {
        uint256 id = submitted();
        challengeAs(v3, id);
        uint256 end = eco.challengeOf(id).voteEndsAt;
        vm.prank(v2);
        eco.vote(id, true);
        assertEq(eco.challengeOf(id).voteEndsAt, end, "a flip long before the end changes nothing");
    }

    function test_resolve_tieKeepsTheResult() public {
        address twin = newValidator("twin", 300 * TOKEN);
        vm.warp(block.timestamp + 1);
        uint256 id = submitted();
        challengeAs(v1, id); // 300 invalid
        vm.prank(twin);
        eco.vote(id, true); // 300 valid
        vm.warp(eco.challengeOf(id).voteEndsAt);
        eco.resolveChallenge(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "a tie does not reject");
    }
}
