// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {EconomyToken} from "../src/EconomyToken.sol";
import {IEconomy} from "../src/interfaces/IEconomy.sol";
import {IEconomyEvents} from "../src/interfaces/IEconomyEvents.sol";
import {
    ChallengeView,
    JobStatus,
    ModelView,
    ValidatorStatus,
    ValidatorView,
    VerificationPolicy,
    VoteView
} from "../src/interfaces/EconomyTypes.sol";
import {ParamOverrides} from "../src/lib/EconomyParams.sol";

/// @notice The verification game: validators, commit-reveal challenges (earliest commitment wins), votes weighted by
/// checkpointed stake with a quorum, slashes split between burn, winner and winning voters, and the per-model
/// verification policy. Every rule is checked on balances (claimable, bonds, locks, treasury, burned supply), not
/// only on statuses, and every game ends with the economy holding exactly what it owes.
///
/// Numbers used throughout (EconomyFixture's suggested devnet parameters): a 10-token job locks 20 tokens of
/// collateral; validators v1, v2, v3 bond 300, 200 and 150 (650 in all), so the quorum is 30 % of 650 = 195; a
/// challenger weighs its challenge bond (10, "invalid"); a vote locks nothing but puts 10 % of its weight at risk
/// (slashed to the treasury at settlement if it voted against the outcome); half of a slash is burned and half of the
/// rest goes to the winning party.
contract VerificationTest is EconomyFixture {
    uint256 internal constant FEE = 10 * TOKEN;
    uint256 internal constant COLLATERAL = 20 * TOKEN;
    uint256 internal constant CHALLENGE_BOND = 10 * TOKEN;
    uint256 internal constant QUORUM = 195 * TOKEN;
    string internal constant EVIDENCE = "ipfs://evidence";

    address internal p;
    address internal v1;
    address internal v2;
    address internal v3;
    /// Every account that can hold a claimable balance or a validator bond in these tests (for {assertSolvent}).
    address[] internal known;

    function setUp() public override {
        super.setUp();
        p = addProvider("p", 1_000 * TOKEN);
        v1 = validator("v1", 300 * TOKEN);
        v2 = validator("v2", 200 * TOKEN);
        v3 = validator("v3", 150 * TOKEN);
        known.push(p);
        known.push(requester);
        vm.warp(block.timestamp + 1);
    }

    // ─── helpers ───────────────────────────────────────────────────────────────────────────────────────────────

    function validator(string memory name, uint256 bond) internal returns (address v) {
        v = newValidator(name, bond);
        known.push(v);
    }

    /// @dev A job posted, drawn (p is the only provider) and submitted in the next block.
    function submitted() internal returns (uint256 id) {
        id = post(FEE);
        assertEq(assignNow(id), p, "p drawn");
        submit(id);
    }

    function commitmentOf(uint256 id, address v, bytes32 salt) internal pure returns (bytes32) {
        return keccak256(abi.encode(id, v, salt));
    }

    function commit(address v, uint256 id, bytes32 salt) internal returns (bytes32 c) {
        c = commitmentOf(id, v, salt);
        vm.prank(v);
        eco.commitChallenge(c);
    }

    function reveal(address v, uint256 id, bytes32 salt) internal {
        vm.prank(v);
        eco.challenge(id, salt, EVIDENCE);
    }

    function castVote(address v, uint256 id, bool resultValid) internal {
        vm.prank(v);
        eco.vote(id, resultValid);
    }

    function endVote(uint256 id) internal {
        vm.warp(eco.challengeOf(id).voteEndsAt);
    }

    /// @dev Claimable balance (in storage, minted). Rule (v2, round 3): the view's claimable no longer adds emission
    /// accrued and not yet settled (that is accountOf's pendingEmission, not minted yet), so it is exactly what the
    /// economy owes the account.
    function credited(address a) internal view returns (uint256) {
        return eco.accountOf(a).claimable;
    }

    function bondOf(address v) internal view returns (uint256) {
        return eco.validatorOf(v).bond;
    }

    function lockedOf(address v) internal view returns (uint256) {
        return eco.validatorOf(v).locked;
    }

    /// @dev The economy's token balance is exactly its debts: provider bonds, validator bonds, claimable balances,
    /// the treasury and the fees escrowed in open jobs. A slash that paid out more than it took, or a lock that was
    /// never released into anyone's balance, shows up here.
    function assertSolvent(uint256 escrowedFees) internal view {
        assertEq(tok.balanceOf(address(eco)), owedBy(escrowedFees), "the economy holds exactly what it owes");
    }

    /// @dev As {assertSolvent}, where voter pots split pro rata left up to `dust` wei unpaid (floored shares).
    function assertSolventUpTo(uint256 escrowedFees, uint256 dust) internal view {
        uint256 owed = owedBy(escrowedFees);
        uint256 held = tok.balanceOf(address(eco));
        assertGe(held, owed, "the economy holds at least what it owes");
        assertLe(held - owed, dust, "and no more than the pots' rounding dust");
    }

    function owedBy(uint256 escrowedFees) internal view returns (uint256 owed) {
        owed = eco.totalBonded() + eco.treasury() + escrowedFees;
        for (uint256 i; i < known.length; i++) owed += bondOf(known[i]) + credited(known[i]);
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
        ValidatorView memory vv = eco.validatorOf(v);
        assertEq(vv.bond, 150 * TOKEN, "bond");
        assertEq(vv.stake, 150 * TOKEN, "stake = bond while Active");
        assertEq(eco.stats().validatorStake, 800 * TOKEN, "stake of all active validators");
        assertEq(eco.stats().activeValidators, 4, "four validators");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongValidatorStatus.selector, v, 1));
        eco.withdrawValidatorBond(v);
        eco.requestValidatorExit();
        vv = eco.validatorOf(v);
        assertEq(uint256(vv.status), uint256(ValidatorStatus.Exiting), "exiting");
        assertEq(vv.unbondingEndsAt, block.timestamp + 300, "unbonding end");
        assertEq(vv.stake, 0, "an exiting validator brings no weight to new challenges");
        assertEq(eco.stats().validatorStake, 650 * TOKEN, "exiting stake no longer counts");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongValidatorStatus.selector, v, 2));
        eco.commitChallenge("anything");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.StillUnbonding.selector, block.timestamp + 300));
        eco.withdrawValidatorBond(v);
        vm.warp(block.timestamp + 300);
        vm.expectRevert(IEconomyEvents.ZeroAddress.selector);
        eco.withdrawValidatorBond(address(0));
        assertEq(eco.withdrawValidatorBond(v), 150 * TOKEN, "bond back");
        vm.stopPrank();
        assertEq(tok.balanceOf(v), 500 * TOKEN, "every token back");
        assertEq(uint256(eco.validatorOf(v).status), uint256(ValidatorStatus.Exited), "exited");
    }

    /// An exited validator bonds again (a new registration, with the same bond as before) and leaves again; each
    /// registration and each exit moves `stakeBlock`, which tells one bonding from the next.
    function test_validatorRejoinsAfterWithdrawing() public {
        address v = actor("v", 500 * TOKEN);
        vm.startPrank(v);
        assertEq(eco.validatorOf(v).stakeBlock, 0, "never bonded");
        eco.registerValidator(100 * TOKEN);
        uint256 first = eco.validatorOf(v).stakeBlock;
        assertEq(first, block.number, "bonded in this block");
        vm.roll(block.number + 1);
        eco.requestValidatorExit();
        uint256 exited = eco.validatorOf(v).stakeBlock;
        assertEq(exited, first + 1, "the exit moves it");
        vm.warp(block.timestamp + 300);
        vm.roll(block.number + 1);
        eco.withdrawValidatorBond(v);
        ValidatorView memory vv = eco.validatorOf(v);
        assertEq(uint256(vv.status), uint256(ValidatorStatus.Exited), "exited");
        assertEq(vv.stakeBlock, exited, "withdrawing leaves it");
        vm.roll(block.number + 1);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ValidatorRegistered(v, 100 * TOKEN);
        eco.registerValidator(100 * TOKEN);
        vv = eco.validatorOf(v);
        assertEq(uint256(vv.status), uint256(ValidatorStatus.Active), "active again");
        assertEq(vv.bond, 100 * TOKEN, "the new bond");
        assertEq(vv.locked, 0, "nothing locked");
        assertEq(vv.stake, 100 * TOKEN, "its weight back");
        assertGt(vv.stakeBlock, exited, "a new bonding");
        assertEq(eco.stats().activeValidators, 4, "counted once");
        vm.roll(block.number + 1);
        eco.requestValidatorExit();
        vm.warp(block.timestamp + 300);
        assertEq(eco.withdrawValidatorBond(v), 100 * TOKEN, "bond back again");
        vm.stopPrank();
        assertEq(tok.balanceOf(v), 500 * TOKEN, "every token back");
    }

    // ─── commit and reveal ─────────────────────────────────────────────────────────────────────────────────────

    /// Committing locks the challenge bond (the bond itself is untouched); the reveal must come from a later block.
    function test_commit_locksTheChallengeBond_revealNeedsALaterBlock() public {
        uint256 id = submitted();
        bytes32 c = commitmentOf(id, v1, "s");
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ChallengeCommitted(v1, c);
        vm.prank(v1);
        eco.commitChallenge(c);
        assertEq(lockedOf(v1), CHALLENGE_BOND, "challenge bond locked");
        assertEq(bondOf(v1), 300 * TOKEN, "bond untouched");
        assertEq(eco.validatorOf(v1).stake, 300 * TOKEN, "stake untouched");
        assertEq(eco.commitmentBlock(c), block.number, "commitment recorded");
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.CommitmentExists.selector, c));
        eco.commitChallenge(c);
        // Same block: refused, so that a commitment cannot be made after seeing another validator's reveal.
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.CommitmentTooFresh.selector, c));
        eco.challenge(id, "s", EVIDENCE);
        vm.roll(block.number + 1);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ChallengeOpened(id, v1, p, block.timestamp + 60, QUORUM, EVIDENCE);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.VoteCast(id, v1, false, CHALLENGE_BOND);
        reveal(v1, id, "s");
        assertEq(uint256(status(id)), uint256(JobStatus.Voting), "voting");
        ChallengeView memory ch = eco.challengeOf(id);
        assertEq(ch.challenger, v1, "challenger");
        assertEq(ch.commitBlock, block.number - 1, "commit block");
        assertEq(ch.openedBlock, block.number, "opened block");
        assertEq(ch.invalidWeight, CHALLENGE_BOND, "the challenger weighs what it risks, not its stake");
        assertEq(ch.validWeight, 0, "no valid votes yet");
        assertEq(ch.quorum, QUORUM, "30 % of 650");
        assertEq(lockedOf(v1), CHALLENGE_BOND, "still locked while the challenge runs");
        assertEq(eco.commitmentBlock(c), 0, "commitment used up");
        assertTrue(eco.hasVoted(id, v1), "challenger counted");
        assertEq(providerOf(p).locked, COLLATERAL, "collateral stays locked");
        assertSolvent(FEE);
    }

    function test_commit_refusesStrangersUnknownCommitmentsAndShortBonds() public {
        uint256 id = submitted();
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongValidatorStatus.selector, stranger, 0));
        eco.commitChallenge("x");
        bytes32 never = commitmentOf(id, v1, "never");
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.UnknownCommitment.selector, never));
        eco.challenge(id, "never", EVIDENCE);
        // A commitment names its validator: another validator revealing the same salt reveals nothing.
        commit(v1, id, "mine");
        vm.roll(block.number + 1);
        vm.prank(v2);
        vm.expectRevert(
            abi.encodeWithSelector(IEconomyEvents.UnknownCommitment.selector, commitmentOf(id, v2, "mine"))
        );
        eco.challenge(id, "mine", EVIDENCE);
        // A 100-token validator has room for ten commitments of 10 tokens, not eleven.
        address small = validator("small", 100 * TOKEN);
        for (uint256 i; i < 10; i++) commit(small, id, bytes32(i));
        assertEq(lockedOf(small), 100 * TOKEN, "all locked");
        vm.prank(small);
        // BondTooLow(bond, locked + challengeBond): what it has against what an eleventh commitment would lock.
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.BondTooLow.selector, 100 * TOKEN, 110 * TOKEN));
        eco.commitChallenge(commitmentOf(id, small, "eleventh"));
    }

    /// A commitment made before the result existed cannot be revealed for it: committing blindly ahead of results
    /// would let a validator snipe challenges it never checked.
    function test_reveal_refusesACommitmentMadeBeforeTheResult() public {
        uint256 id = post(FEE);
        assignNow(id);
        bytes32 c = commit(v1, id, "early"); // while the job is only Assigned
        vm.warp(block.timestamp + 1);
        submit(id);
        vm.roll(block.number + 1);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.CommitmentBeforeResult.selector, c));
        eco.challenge(id, "early", EVIDENCE);
        assertEq(lockedOf(v1), CHALLENGE_BOND, "the commitment stays locked until released");
        assertEq(uint256(status(id)), uint256(JobStatus.Submitted), "no challenge");
    }

    function test_reveal_onlyInsideTheChallengeWindow() public {
        // Not a submitted job.
        uint256 posted = post(FEE);
        commit(v1, posted, "a");
        vm.roll(block.number + 1);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, posted, 1));
        eco.challenge(posted, "a", EVIDENCE);
        // At the end of the window.
        uint256 id = submitted();
        uint256 end = eco.job(id).challengeWindowEndsAt;
        assertEq(end, block.timestamp + 60, "window of 60 s");
        commit(v1, id, "late");
        commit(v2, id, "in time");
        vm.roll(block.number + 1);
        vm.warp(end);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.ChallengeWindowClosed.selector, id, end));
        eco.challenge(id, "late", EVIDENCE);
        // One second earlier it is open.
        vm.warp(end - 1);
        reveal(v2, id, "in time");
        assertEq(eco.challengeOf(id).challenger, v2, "challenged in the last second");
        // A finalized job cannot be challenged at all.
        uint256 done = post(FEE);
        assignNow(done);
        submit(done);
        commit(v1, done, "after");
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 60);
        eco.finalize(done);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, done, 5));
        eco.challenge(done, "after", EVIDENCE);
    }

    function test_reveal_refusesTheJobsOwnProvider() public {
        uint256 id = submitted();
        fund(p, 100 * TOKEN);
        vm.prank(p);
        eco.registerValidator(100 * TOKEN);
        commit(p, id, "me");
        vm.roll(block.number + 1);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.SelfChallenge.selector, id));
        eco.challenge(id, "me", EVIDENCE);
        assertEq(uint256(status(id)), uint256(JobStatus.Submitted), "no challenge");
    }

    // ─── earliest commitment wins ──────────────────────────────────────────────────────────────────────────────

    /// B commits before A; A reveals first and opens the challenge; B, revealing later inside the window, takes it
    /// over (A's bond is unlocked, B's stays locked); a commitment younger than B's cannot take it back.
    function test_earliestCommitmentWins() public {
        uint256 id = submitted();
        uint256 bBlock = block.number;
        commit(v2, id, "b"); // B
        vm.roll(block.number + 1);
        commit(v1, id, "a"); // A
        vm.roll(block.number + 1);
        reveal(v1, id, "a");
        uint256 opened = block.number;
        ChallengeView memory ch = eco.challengeOf(id);
        assertEq(ch.challenger, v1, "A opened the challenge");
        assertEq(ch.commitBlock, bBlock + 1, "with its commitment's block");
        commit(v3, id, "c"); // C, younger than both
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 30);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ChallengerReplaced(id, v1, v2, EVIDENCE);
        reveal(v2, id, "b");
        ch = eco.challengeOf(id);
        assertEq(ch.challenger, v2, "B took the challenge over");
        assertEq(ch.commitBlock, bBlock, "B's commitment block");
        assertEq(ch.openedBlock, opened, "the vote is the same one");
        assertEq(ch.invalidWeight, CHALLENGE_BOND, "still one challenge bond of invalid weight");
        assertEq(lockedOf(v1), 0, "A's bond unlocked");
        assertEq(bondOf(v1), 300 * TOKEN, "A lost nothing");
        assertEq(lockedOf(v2), CHALLENGE_BOND, "B's bond locked");
        vm.prank(v3);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.ChallengeTaken.selector, id, bBlock));
        eco.challenge(id, "c", EVIDENCE);
        // Nor can A come back with a commitment as young as its first.
        commit(v1, id, "a again");
        vm.roll(block.number + 1);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.ChallengeTaken.selector, id, bBlock));
        eco.challenge(id, "a again", EVIDENCE);
        assertEq(lockedOf(v3), CHALLENGE_BOND, "C's commitment stays locked until released");
        // A, no longer the challenger, may vote like any validator.
        castVote(v1, id, false);
        assertEq(eco.voteOf(id, v1).weight, 300 * TOKEN, "A votes with its stake");
        assertSolvent(FEE);
    }

    // ─── releasing a commitment ────────────────────────────────────────────────────────────────────────────────

    function test_releaseCommitment_afterTheWindow_forfeitsTheCommitFee() public {
        uint256 id = submitted();
        uint256 committedAt = block.timestamp;
        bytes32 c = commit(v1, id, "never revealed");
        vm.prank(v2);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.UnknownCommitment.selector, c));
        eco.releaseCommitment(c); // only its validator
        vm.warp(committedAt + 60);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.CommitmentNotExpired.selector, c, committedAt + 61));
        eco.releaseCommitment(c);
        vm.warp(committedAt + 61);
        vm.prank(v2);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.UnknownCommitment.selector, c));
        eco.releaseCommitment(c);
        uint256 balance = tok.balanceOf(address(eco));
        uint256 supply = tok.totalSupply();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.CommitmentReleased(v1, c, 2 * TOKEN);
        vm.prank(v1);
        eco.releaseCommitment(c);
        assertEq(lockedOf(v1), 0, "unlocked");
        assertEq(bondOf(v1), 298 * TOKEN, "20 % of the challenge bond forfeited");
        assertEq(eco.validatorOf(v1).stake, 298 * TOKEN, "vote weight follows the bond");
        assertEq(eco.stats().validatorStake, 648 * TOKEN, "total stake too");
        assertEq(eco.treasury(), 2 * TOKEN, "to the treasury");
        assertEq(tok.balanceOf(address(eco)), balance, "moved inside the economy");
        assertEq(tok.totalSupply(), supply, "nothing burned");
        assertEq(eco.commitmentBlock(c), 0, "gone");
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.UnknownCommitment.selector, c));
        eco.releaseCommitment(c);
        vm.warp(committedAt + 61 + 60);
        eco.finalize(id);
        assertSolvent(0);
    }

    // ─── resolution ────────────────────────────────────────────────────────────────────────────────────────────

    /// Below quorum the result stands even when every vote cast says "invalid": the provider is paid, the
    /// challenger gets its whole bond back, votes are closed on settle and nobody is slashed.
    function test_resolve_withoutQuorum_resultStandsNobodySlashed() public {
        uint256 id = submitted();
        challengeAs(v1, id); // 10 invalid
        castVote(v3, id, false); // + 150 invalid = 160 < 195
        assertEq(lockedOf(v3), 0, "a vote locks nothing");
        assertEq(eco.voteOf(id, v3).atRisk, 15 * TOKEN, "10 % of 150 at risk");
        assertEq(eco.validatorOf(v3).openVotes, 1, "one open vote");
        uint256 end = eco.challengeOf(id).voteEndsAt;
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.VoteOpen.selector, id, end));
        eco.resolveChallenge(id);
        endVote(id);
        uint256 supply = tok.totalSupply();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ChallengeResolved(id, true, false, 0, 160 * TOKEN);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobFinalized(id, p, 9.5e18, 0.5e18);
        eco.resolveChallenge(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "result stands");
        ChallengeView memory ch = eco.challengeOf(id);
        assertTrue(ch.resolved, "resolved");
        assertFalse(ch.quorumMet, "no quorum");
        assertTrue(ch.resultValid, "valid by default");
        assertEq(ch.voterPot, 0, "no pot");
        assertEq(credited(p), 9.5e18, "provider paid the fee less the protocol fee");
        assertEq(eco.treasury(), 0.5e18, "protocol fee");
        assertEq(providerOf(p).bond, 1_000 * TOKEN, "provider not slashed");
        assertEq(providerOf(p).locked, 0, "collateral released");
        assertEq(providerOf(p).strikes, 0, "no strike");
        assertEq(bondOf(v1), 300 * TOKEN, "challenger not slashed");
        assertEq(lockedOf(v1), 0, "challenger's bond fully back");
        assertEq(credited(v1), 0, "challenger gets nothing either");
        assertEq(credited(requester), 0, "no refund");
        assertEq(tok.totalSupply(), supply, "nothing burned");
        assertEq(eco.validatorOf(v3).openVotes, 1, "the vote stays open until it is settled");
        vm.expectEmit(address(eco));
        emit IEconomyEvents.VoteSettled(id, v3, 0, 0);
        eco.settleVote(id, v3); // anyone may settle it
        assertEq(eco.validatorOf(v3).openVotes, 0, "settled");
        assertEq(bondOf(v3), 150 * TOKEN, "voter not slashed");
        assertEq(credited(v3), 0, "voter not rewarded");
        assertTrue(eco.voteOf(id, v3).settled, "settled");
        assertEq(eco.stats().validatorStake, 650 * TOKEN, "all stake intact");
        assertSolvent(0);
    }

    /// Quorum met, "invalid" outweighs "valid": the requester is refunded; the provider's collateral is slashed
    /// (half burned; of the other half, half to the challenger and the rest to the winning voters pro rata); the
    /// provider gets a strike and forfeits its unsettled emission. A losing voter loses what its vote put at risk to
    /// the treasury at settlement (nothing is locked while the vote runs).
    function test_resolve_quorumInvalidResult_slashesProvider() public {
        uint256 id = submitted();
        challengeAs(v3, id); // 10 invalid
        castVote(v1, id, false); // 300 invalid, risks 30
        castVote(v2, id, true); // 200 valid, risks 20
        assertEq(eco.voteOf(id, v1).atRisk, 30 * TOKEN, "v1 risks 10 % of 300");
        assertEq(eco.voteOf(id, v2).atRisk, 20 * TOKEN, "v2 risks 10 % of 200");
        assertEq(lockedOf(v1) + lockedOf(v2), 0, "votes lock nothing");
        assertEq(lockedOf(v3), CHALLENGE_BOND, "challenger locks its bond");
        endVote(id);
        uint256 supply = tok.totalSupply();
        uint256 unsettled = eco.accountOf(p).pendingEmission;
        assertGt(unsettled, 0, "the provider has emission accrued");
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ChallengeResolved(id, false, true, 200 * TOKEN, 310 * TOKEN);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.EmissionForfeited(p, unsettled);
        // 20 slashed: 10 burned, 5 to the challenger, 5 to the voters.
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderSlashed(p, id, COLLATERAL, 0, 0, 5 * TOKEN, 5 * TOKEN, 10 * TOKEN);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobRefunded(id, requester, FEE);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.Strike(p, id, 1);
        eco.resolveChallenge(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Rejected), "rejected");
        assertEq(supply - tok.totalSupply(), 10 * TOKEN, "half of the slash burned (and no emission minted)");
        assertEq(providerOf(p).bond, 980 * TOKEN, "collateral taken from the bond");
        assertEq(providerOf(p).locked, 0, "nothing locked");
        assertEq(providerOf(p).strikes, 1, "a strike");
        assertEq(eco.claimable(p), 0, "provider unpaid, its emission forfeited");
        assertEq(eco.totalBonded(), 980 * TOKEN, "total bonded follows");
        assertEq(credited(requester), FEE, "requester refunded");
        assertEq(credited(v3), 5 * TOKEN, "challenger: the winner's share");
        assertEq(lockedOf(v3), 0, "challenger's bond unlocked");
        assertEq(bondOf(v3), 150 * TOKEN, "challenger's bond whole");
        assertEq(eco.treasury(), 0, "the treasury takes nothing from a rejected job");
        ChallengeView memory ch = eco.challengeOf(id);
        assertEq(ch.voterPot, 5 * TOKEN, "pot: the voters' 5 of the slash");
        assertEq(ch.winningVoterWeight, 300 * TOKEN, "winning voters' weight, the challenger's bond excluded");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 6));
        eco.resolveChallenge(id);
        assertEq(eco.validatorOf(v1).openVotes, 1, "votes wait for settleVote");
        vm.expectEmit(address(eco));
        emit IEconomyEvents.VoteSettled(id, v1, 5 * TOKEN, 0);
        eco.settleVote(id, v1);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.VoteSettled(id, v2, 0, 20 * TOKEN);
        eco.settleVote(id, v2);
        assertEq(credited(v1), 5 * TOKEN, "the only winning voter takes the whole pot");
        assertEq(bondOf(v1), 300 * TOKEN, "winner's bond whole");
        assertEq(bondOf(v2), 180 * TOKEN, "loser slashed what it risked");
        assertEq(eco.treasury(), 20 * TOKEN, "to the treasury");
        assertEq(eco.validatorOf(v1).openVotes + eco.validatorOf(v2).openVotes, 0, "both settled");
        assertEq(credited(v2), 0, "loser unpaid");
        assertEq(eco.stats().validatorStake, 630 * TOKEN, "stake less the loser's lock");
        assertSolvent(0);
    }

    /// Pro rata among several winning voters (no losing voter: the pot is the voters' part of the slash).
    function test_resolve_quorumInvalidResult_potSharedProRata() public {
        uint256 id = submitted();
        challengeAs(v2, id); // 10 invalid
        castVote(v1, id, false); // 300 invalid
        castVote(v3, id, false); // 150 invalid
        endVote(id);
        eco.resolveChallenge(id);
        ChallengeView memory ch = eco.challengeOf(id);
        assertEq(ch.voterPot, 5 * TOKEN, "no losing voter: the pot is the voters' part of the slash");
        assertEq(ch.winningVoterWeight, 450 * TOKEN, "300 + 150");
        eco.settleVote(id, v1);
        eco.settleVote(id, v3);
        assertEq(credited(v1), (5 * TOKEN * 300) / 450, "v1: 300/450 of the pot");
        assertEq(credited(v3), (5 * TOKEN * 150) / 450, "v3: 150/450 of the pot");
        assertEq(credited(v2), 5 * TOKEN, "challenger: the winner's share");
        // Rounding leaves at most a wei per voter unpaid, never more than the pot paid out.
        assertLe(credited(v1) + credited(v3), 5 * TOKEN, "never more than the pot");
        assertApproxEqAbs(credited(v1) + credited(v3), 5 * TOKEN, 2, "the pot, to the wei");
    }

    /// Quorum met, "valid" outweighs "invalid": the challenger's bond is slashed (half burned; of the other half,
    /// half to the provider and the rest to the valid voters); the job is paid. The invalid voter loses what its vote
    /// put at risk to the treasury.
    function test_resolve_quorumValidResult_slashesChallenger() public {
        uint256 id = submitted();
        challengeAs(v3, id); // 10 invalid
        castVote(v1, id, true); // 300 valid
        castVote(v2, id, false); // 200 invalid → 210 invalid
        endVote(id);
        uint256 supply = tok.totalSupply();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ChallengeResolved(id, true, true, 300 * TOKEN, 210 * TOKEN);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ValidatorSlashed(v3, id, CHALLENGE_BOND, 2.5e18, 2.5e18, 5 * TOKEN);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobFinalized(id, p, 9.5e18, 0.5e18);
        eco.resolveChallenge(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "finalized");
        assertEq(supply - tok.totalSupply(), 5 * TOKEN, "half of the challenge bond burned");
        assertEq(credited(p), 9.5e18 + 2.5e18, "fee less protocol fee, plus the winner's share");
        assertEq(providerOf(p).bond, 1_000 * TOKEN, "provider not slashed");
        assertEq(providerOf(p).locked, 0, "collateral released");
        assertEq(providerOf(p).strikes, 0, "no strike");
        assertEq(eco.treasury(), 0.5e18, "protocol fee");
        assertEq(credited(requester), 0, "no refund");
        assertEq(bondOf(v3), 140 * TOKEN, "challenger slashed its bond");
        assertEq(lockedOf(v3), 0, "and unlocked");
        assertEq(credited(v3), 0, "challenger unpaid");
        ChallengeView memory ch = eco.challengeOf(id);
        assertEq(ch.voterPot, 2.5e18, "pot: the voters' 2.5 of the slash");
        assertEq(ch.winningVoterWeight, 300 * TOKEN, "valid weight");
        vm.expectEmit(address(eco));
        emit IEconomyEvents.VoteSettled(id, v2, 0, 20 * TOKEN);
        eco.settleVote(id, v2);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.VoteSettled(id, v1, 2.5e18, 0);
        eco.settleVote(id, v1);
        assertEq(credited(v1), 2.5e18, "valid voter takes the pot");
        assertEq(bondOf(v1), 300 * TOKEN, "and keeps its bond");
        assertEq(bondOf(v2), 180 * TOKEN, "invalid voter loses what it risked");
        assertEq(eco.treasury(), 0.5e18 + 20 * TOKEN, "protocol fee + the losing voter's 20");
        assertEq(lockedOf(v1) + lockedOf(v2), 0, "nothing was locked");
        assertEq(eco.stats().validatorStake, 620 * TOKEN, "650 less the challenge bond and the loser's 20");
        assertSolvent(0);
    }

    /// A tie with quorum keeps the result: "invalid" must outweigh "valid".
    function test_resolve_tieKeepsTheResult() public {
        address twin = validator("twin", 210 * TOKEN);
        vm.roll(block.number + 1);
        uint256 id = submitted();
        challengeAs(v1, id); // 10 invalid
        castVote(v2, id, false); // 210 invalid
        castVote(twin, id, true); // 210 valid
        endVote(id);
        eco.resolveChallenge(id);
        assertTrue(eco.challengeOf(id).quorumMet, "quorum met");
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "a tie does not reject");
        assertEq(bondOf(v1), 290 * TOKEN, "the challenger lost");
        eco.settleVote(id, v2);
        eco.settleVote(id, twin);
        assertEq(bondOf(v2), 180 * TOKEN, "invalid voter slashed");
        assertEq(credited(twin), 2.5e18, "valid voter paid the voters' part of the challenger's slash");
        assertSolvent(0);
    }

    // ─── quorum, parties, rewards (v2) ────────────────────────────────────────────────────────────────────────

    /// Rule (v2): quorum counts voters only; the challenger's bond weighs in the outcome but never in whether enough
    /// validators looked. With v4 (270) the total stake is 920 and the quorum 276: v4's 270 "invalid" alone falls
    /// short, though with the challenge bond (10) it would reach 280. The result stands and nobody is slashed.
    function test_quorum_countsVotersOnly() public {
        address v4 = validator("v4", 270 * TOKEN);
        vm.roll(block.number + 1);
        uint256 id = submitted();
        challengeAs(v1, id);
        assertEq(eco.challengeOf(id).quorum, 276 * TOKEN, "30 % of 920");
        castVote(v4, id, false);
        assertGe(eco.challengeOf(id).invalidWeight, eco.challengeOf(id).quorum, "bond + voter would reach quorum");
        endVote(id);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ChallengeResolved(id, true, false, 0, 280 * TOKEN);
        eco.resolveChallenge(id);
        assertFalse(eco.challengeOf(id).quorumMet, "the voters alone (270) fall short of 276");
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "the result stands");
        assertEq(providerOf(p).bond, 1_000 * TOKEN, "provider not slashed");
        assertEq(bondOf(v1), 300 * TOKEN, "challenger not slashed");
        assertEq(lockedOf(v1), 0, "and unlocked");
        eco.settleVote(id, v4);
        assertEq(bondOf(v4), 270 * TOKEN, "voter not slashed");
        assertSolvent(0);
    }

    /// Rule (v2): a lone challenger never meets quorum, even in an economy whose challenge bond is at least the quorum
    /// (legal: challengeBond may equal validatorMinBond and quorumBps be 1,000). Here quorum is 10 % of 900 = 90 and
    /// the challenge bond 100: with nobody voting, the correct result stands and the provider is paid.
    function test_quorum_aLoneChallengerWithABondAboveQuorumDoesNotMeetIt() public {
        ParamOverrides memory o;
        o.mask = (1 << 19) | (1 << 21);
        o.values.challengeBond = eco.params().validatorMinBond;
        o.values.quorumBps = 1_000;
        (address f, address t) = factory.fork(address(eco), o, "Edge", "EDGE", bytes32(0), 0, 10_000_000 * TOKEN);
        eco = IEconomy(f);
        tok = EconomyToken(t);
        requester = actor("requester", 100_000 * TOKEN);
        address provider = addProvider("provider", 1_000 * TOKEN);
        newValidator("offline validator", 800 * TOKEN);
        address lone = newValidator("lone challenger", 100 * TOKEN);
        vm.roll(block.number + 1);
        uint256 id = post(FEE);
        assignNow(id);
        submit(id);
        challengeAs(lone, id);
        ChallengeView memory ch = eco.challengeOf(id);
        assertEq(ch.quorum, 90 * TOKEN, "10 % of 900");
        assertGe(ch.invalidWeight, ch.quorum, "the challenge bond alone exceeds the quorum");
        endVote(id);
        eco.resolveChallenge(id);
        ch = eco.challengeOf(id);
        assertFalse(ch.quorumMet, "no voter: no quorum");
        assertTrue(ch.resultValid, "the result stands");
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "finalized, not rejected");
        assertEq(eco.providerOf(provider).bond, 1_000 * TOKEN, "provider not slashed");
        assertEq(eco.validatorOf(lone).bond, 100 * TOKEN, "challenger not slashed");
        assertEq(eco.validatorOf(lone).locked, 0, "and unlocked");
        assertEq(eco.claimable(requester), 0, "no refund");
    }

    /// Rule (v2): the job's own provider and requester cannot vote on it (ConflictOfInterest), even as validators
    /// with stake from before the challenge.
    function test_vote_theJobsProviderAndRequesterCannotVote() public {
        fund(p, 200 * TOKEN);
        vm.prank(p);
        eco.registerValidator(200 * TOKEN);
        vm.prank(requester);
        eco.registerValidator(200 * TOKEN);
        vm.roll(block.number + 1);
        uint256 id = submitted();
        challengeAs(v1, id);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.ConflictOfInterest.selector, id, p));
        eco.vote(id, true);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.ConflictOfInterest.selector, id, requester));
        eco.vote(id, false);
        assertEq(eco.validatorOf(p).locked, 0, "nothing locked");
        assertEq(eco.validatorOf(requester).locked, 0, "nothing locked");
        // Another job's parties are ordinary validators.
        castVote(v2, id, true);
        assertTrue(eco.voteOf(id, v2).cast, "an unrelated validator votes");
    }

    /// Rule (v2): a validator that voted cannot then take the challenge over with an older commitment (it would turn
    /// its vote into the challenger's reward); the challenger cannot vote either.
    function test_vote_aVoterCannotTakeTheChallengeOver() public {
        uint256 id = submitted();
        commit(v2, id, "older");
        vm.roll(block.number + 1);
        commit(v1, id, "newer");
        vm.roll(block.number + 1);
        reveal(v1, id, "newer");
        castVote(v2, id, false);
        vm.prank(v2);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.AlreadyVoted.selector, id, v2));
        eco.challenge(id, "older", EVIDENCE);
        assertEq(eco.challengeOf(id).challenger, v1, "still v1's challenge");
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.AlreadyVoted.selector, id, v1));
        eco.vote(id, false);
    }

    /// Rule (v2): a challenger earns at most its challenge bond; the excess of its share goes to the winning voters.
    /// A 100-token job locks 200: 100 burned, and of the other 100 the winner's half (50) is capped at 10, so the
    /// voters get 50 + 40 = 90 (the losing voter's 20 goes to the treasury). A reward that grew with the job would pay
    /// a bot to commit blindly to every large result (Attacks.t.sol, attack 3).
    function test_resolve_challengerRewardIsCappedAtTheChallengeBond() public {
        uint256 fee = 100 * TOKEN;
        uint256 id = post(fee);
        assignNow(id);
        submit(id);
        challengeAs(v3, id); // 10 invalid
        castVote(v1, id, false); // 300 invalid
        castVote(v2, id, true); // 200 valid, risks 20
        endVote(id);
        uint256 supply = tok.totalSupply();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderSlashed(p, id, 200 * TOKEN, 0, 0, CHALLENGE_BOND, 90 * TOKEN, 100 * TOKEN);
        eco.resolveChallenge(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Rejected), "rejected");
        assertEq(supply - tok.totalSupply(), 100 * TOKEN, "half burned");
        assertEq(credited(v3), CHALLENGE_BOND, "the challenger: its bond's worth, not 50");
        assertEq(eco.challengeOf(id).voterPot, 90 * TOKEN, "pot: 50 + the challenger's excess of 40");
        assertEq(eco.treasury(), 0, "none of the excess to the treasury: a voter won");
        eco.settleVote(id, v1);
        eco.settleVote(id, v2);
        assertEq(credited(v1), 90 * TOKEN, "the winning voter takes the excess");
        assertEq(credited(requester), fee, "requester refunded");
        assertEq(eco.treasury(), 20 * TOKEN, "the losing voter's 20");
        assertSolvent(0);
    }

    // ─── checkpointed weight ───────────────────────────────────────────────────────────────────────────────────

    /// Weight is the stake at the block before the challenge opened: stake added or validators registered in the
    /// opening block or later add nothing (to votes or to the quorum), and a validator that starts exiting after the
    /// challenge opened still votes with the weight it had.
    function test_weight_isCheckpointedAtTheBlockBeforeTheChallenge() public {
        uint256 id = submitted();
        commit(v1, id, "s");
        vm.roll(block.number + 1);
        // The opening block: v2 adds 500 and a newcomer registers before the reveal lands.
        fund(v2, 500 * TOKEN);
        vm.prank(v2);
        eco.addValidatorBond(500 * TOKEN);
        address late = validator("late", 1_000 * TOKEN);
        reveal(v1, id, "s");
        uint256 opened = block.number;
        assertEq(eco.challengeOf(id).quorum, QUORUM, "quorum from the stake before the opening block");
        assertEq(eco.validatorStakeAt(v2, opened - 1), 200 * TOKEN, "v2's stake before");
        assertEq(eco.validatorStakeAt(v2, opened), 700 * TOKEN, "v2's stake now");
        vm.expectEmit(address(eco));
        emit IEconomyEvents.VoteCast(id, v2, true, 200 * TOKEN);
        castVote(v2, id, true);
        assertEq(eco.voteOf(id, v2).weight, 200 * TOKEN, "old weight");
        assertEq(eco.voteOf(id, v2).atRisk, 20 * TOKEN, "at risk: 10 % of the old weight");
        vm.prank(late);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NoVoteWeight.selector, id, late));
        eco.vote(id, true);
        // Later still: no weight either.
        vm.roll(block.number + 1);
        address later = validator("later", 1_000 * TOKEN);
        vm.prank(later);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NoVoteWeight.selector, id, later));
        eco.vote(id, false);
        // v3 starts exiting after the challenge opened: its old weight still votes.
        vm.prank(v3);
        eco.requestValidatorExit();
        assertEq(eco.validatorOf(v3).stake, 0, "no weight for later challenges");
        castVote(v3, id, false);
        assertEq(eco.voteOf(id, v3).weight, 150 * TOKEN, "exiting validator votes with its old weight");
        assertEq(eco.voteOf(id, v3).atRisk, 15 * TOKEN, "and risks 10 % of it");
        assertEq(eco.validatorOf(v3).openVotes, 1, "its exit waits for the vote to settle");
        // A stranger never had any.
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NoVoteWeight.selector, id, stranger));
        eco.vote(id, true);
        ChallengeView memory ch = eco.challengeOf(id);
        assertEq(ch.validWeight, 200 * TOKEN, "valid: v2's old weight");
        assertEq(ch.invalidWeight, 160 * TOKEN, "invalid: challenge bond + v3");
        endVote(id);
        eco.resolveChallenge(id); // 360 ≥ 195; 200 valid > 160 invalid
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "valid");
        eco.settleVote(id, v3);
        assertEq(bondOf(v3), 135 * TOKEN, "an exiting loser is slashed all the same");
        eco.settleVote(id, v2);
        // Pot: the voters' 2.5 of the challenger's slash (v3's 15 went to the treasury).
        assertEq(credited(v2), 2.5e18, "v2 paid by its old weight");
        assertSolvent(0);
    }

    // ─── votes: nothing locked, something at risk ───────────────────────────────────────────────────────────────────

    /// Rule (v3 of the vote): a vote locks nothing (so an honest validator can vote in every challenge at once,
    /// however many a whale opens) but puts 10 % of its weight at risk, slashed at settlement if it voted against
    /// the outcome; an exiting validator cannot take its bond while a vote of its is unsettled.
    function test_vote_risksAShareOfWeightAndHoldsTheExitUntilSettled() public {
        uint256 id = submitted();
        challengeAs(v1, id);
        castVote(v2, id, true);
        VoteView memory vv = eco.voteOf(id, v2);
        assertTrue(vv.cast, "cast");
        assertTrue(vv.resultValid, "valid");
        assertFalse(vv.settled, "not settled");
        assertEq(vv.weight, 200 * TOKEN, "weight");
        assertEq(vv.atRisk, 20 * TOKEN, "10 % of the weight at risk");
        assertEq(lockedOf(v2), 0, "nothing locked");
        assertEq(eco.validatorOf(v2).openVotes, 1, "one open vote");
        vm.prank(v2);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.AlreadyVoted.selector, id, v2));
        eco.vote(id, false);
        vm.prank(v1);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.AlreadyVoted.selector, id, v1));
        eco.vote(id, false);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NotResolved.selector, id));
        eco.settleVote(id, v2);
        // v2 exits, but cannot take its bond while the vote is unsettled.
        vm.prank(v2);
        eco.requestValidatorExit();
        vm.warp(block.timestamp + 300);
        uint256 end = eco.challengeOf(id).voteEndsAt;
        vm.prank(v3);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.VoteClosed.selector, id, end));
        eco.vote(id, true);
        eco.resolveChallenge(id); // 210 ≥ 195, valid 200 > 10: the challenger loses
        vm.prank(v2);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.CollateralLocked.selector, 1));
        eco.withdrawValidatorBond(v2); // (locked + open votes: one unsettled vote)
        eco.settleVote(id, v2);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NothingToSettle.selector, id, v2));
        eco.settleVote(id, v2);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NothingToSettle.selector, id, v3));
        eco.settleVote(id, v3); // never voted
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NothingToSettle.selector, id, v1));
        eco.settleVote(id, v1); // the challenger settles in resolveChallenge
        assertEq(credited(v2), 2.5e18, "the voters' part of the challenger's slash");
        vm.prank(v2);
        assertEq(eco.withdrawValidatorBond(v2), 200 * TOKEN, "bond back once settled");
        vm.prank(v2);
        assertEq(eco.withdraw(v2), 2.5e18, "reward withdrawn");
        assertSolvent(0);
        // A job that is not being voted on.
        uint256 other = post(FEE);
        vm.prank(v3);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, other, 1));
        eco.vote(other, true);
    }

    /// Rule (v3 of the vote): nothing is locked by a vote, so honest validators vote in 30 challenges at once (with a
    /// vote that locked 10 % of its weight, v3's 150 would have carried 10 votes at a time, and a whale opening more
    /// challenges than that could have voted alone in the rest). Each vote is open until settled, and an exiting
    /// validator's bond waits for every one of them (CollateralLocked counts its locks plus its open votes).
    function test_vote_honestValidatorsVoteInThirtyChallengesAtOnce() public {
        uint256 n = 30;
        address busy = addProvider("busy", 2_000 * TOKEN, 1, 64);
        address c = validator("challenger", 300 * TOKEN); // room for 30 challenge bonds
        known.push(busy);
        vm.prank(p);
        eco.pause(); // every job to the provider with 64 slots
        vm.roll(block.number + 1);
        uint256[] memory ids = new uint256[](n);
        for (uint256 i; i < n; i++) ids[i] = post(FEE);
        for (uint256 i; i < n; i++) {
            assertEq(assignNow(ids[i]), busy, "the provider with room");
            submit(ids[i]);
        }
        for (uint256 i; i < n; i++) commit(c, ids[i], "s");
        assertEq(lockedOf(c), n * CHALLENGE_BOND, "30 challenge bonds locked");
        vm.roll(block.number + 1);
        for (uint256 i; i < n; i++) reveal(c, ids[i], "s");
        address[3] memory honest = [v1, v2, v3];
        for (uint256 k; k < 3; k++) {
            for (uint256 i; i < n; i++) castVote(honest[k], ids[i], true);
            ValidatorView memory vv = eco.validatorOf(honest[k]);
            assertEq(vv.locked, 0, "30 votes, nothing locked");
            assertEq(vv.openVotes, n, "30 open votes");
        }
        uint256 atRisk = n * eco.voteOf(ids[0], v3).atRisk;
        assertEq(atRisk, 450 * TOKEN, "v3 has 30 x 15 at risk, three times its bond: nothing is reserved for it");
        // v3 starts its exit now; its bond waits for its 30 votes.
        vm.prank(v3);
        eco.requestValidatorExit();
        endVote(ids[0]);
        for (uint256 i; i < n; i++) eco.resolveChallenge(ids[i]);
        vm.warp(block.timestamp + 300);
        vm.prank(v3);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.CollateralLocked.selector, n));
        eco.withdrawValidatorBond(v3);
        for (uint256 i; i < n - 1; i++) eco.settleVote(ids[i], v3);
        vm.prank(v3);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.CollateralLocked.selector, 1));
        eco.withdrawValidatorBond(v3);
        eco.settleVote(ids[n - 1], v3);
        for (uint256 i; i < n; i++) {
            assertEq(uint256(status(ids[i])), uint256(JobStatus.Finalized), "every correct result stands");
            eco.settleVote(ids[i], v1);
            eco.settleVote(ids[i], v2);
        }
        // Each challenge: the challenger's 10 slashed, 5 burned, 2.5 to the provider, 2.5 to the voters (650 weight).
        assertEq(bondOf(c), 0, "the challenger lost its 30 bonds");
        uint256 pot = 2.5e18;
        assertEq(credited(v1), n * ((pot * 300) / 650), "v1: its share of 30 pots");
        assertEq(credited(v3), n * ((pot * 150) / 650), "v3: its share of 30 pots");
        vm.prank(v3);
        assertEq(eco.withdrawValidatorBond(v3), 150 * TOKEN, "bond back once every vote is settled");
        // Each pot split three ways floors a wei or so, which stays in the economy owed to nobody.
        assertSolventUpTo(0, n);
    }

    /// Rule (v4 of the vote): a losing vote is slashed what it put at risk from the whole bond, locked part included:
    /// bond parked in never-revealed commitments shields no vote (Attacks.t.sol, issue 7, closed). Here a 105-token
    /// validator risks 10.5 and has locked 100 in ten commitments by the time its vote is settled: 10.5 is slashed,
    /// leaving 94.5 against 100 locked, which only keeps it from leaving until the commitments are released.
    function test_settleVote_losersSlashComesFromTheWholeBond() public {
        address loser = validator("loser", 105 * TOKEN);
        vm.roll(block.number + 1);
        uint256 id = submitted();
        challengeAs(v1, id);
        castVote(v2, id, true);
        castVote(loser, id, false);
        assertEq(eco.voteOf(id, loser).atRisk, 10.5e18, "10 % of 105 at risk");
        for (uint256 i; i < 10; i++) commit(loser, id, bytes32(i)); // never revealed
        assertEq(eco.validatorOf(loser).bond - lockedOf(loser), 5 * TOKEN, "free bond: 5");
        endVote(id);
        eco.resolveChallenge(id); // voters 305 >= quorum (30 % of 755); valid 200 > invalid 10 + 105
        assertTrue(eco.challengeOf(id).resultValid, "the result stands");
        uint256 treasury = eco.treasury();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.VoteSettled(id, loser, 0, 10.5e18);
        eco.settleVote(id, loser);
        assertEq(bondOf(loser), 94.5e18, "slashed the whole 10.5 at risk");
        assertEq(lockedOf(loser), 100 * TOKEN, "the commitments' locks untouched");
        assertEq(eco.treasury() - treasury, 10.5e18, "to the treasury");
        assertEq(eco.validatorOf(loser).openVotes, 0, "settled");
        eco.settleVote(id, v2);
        assertSolvent(0);
    }

    // ─── extensions ────────────────────────────────────────────────────────────────────────────────────────────

    /// A vote that flips the lead in the last quarter of the window extends it by a quarter, at most twice.
    function test_vote_lateFlipsExtendAtMostTwice() public {
        address v4 = validator("v4", 500 * TOKEN);
        vm.roll(block.number + 1);
        uint256 id = submitted();
        challengeAs(v3, id); // invalid 10
        uint256 end = eco.challengeOf(id).voteEndsAt;
        vm.warp(end - 5); // in the last quarter (15 s)
        vm.expectEmit(address(eco));
        emit IEconomyEvents.VoteExtended(id, end + 15);
        castVote(v2, id, true); // valid 200 leads: a flip
        assertEq(eco.challengeOf(id).voteEndsAt, end + 15, "extended by a quarter");
        assertEq(eco.challengeOf(id).extensions, 1, "one extension");
        vm.warp(end + 10);
        castVote(v1, id, false); // invalid 310 leads again
        assertEq(eco.challengeOf(id).voteEndsAt, end + 30, "extended again");
        assertEq(eco.challengeOf(id).extensions, 2, "two extensions");
        vm.warp(end + 29);
        castVote(v4, id, true); // valid 700: a third flip
        assertEq(eco.challengeOf(id).voteEndsAt, end + 30, "no third extension");
        assertEq(eco.challengeOf(id).extensions, 2, "still two");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.VoteOpen.selector, id, end + 30));
        eco.resolveChallenge(id);
        vm.warp(end + 30);
        eco.resolveChallenge(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "700 valid beat 310 invalid");
    }

    function test_vote_earlyFlipOrNoFlipDoesNotExtend() public {
        uint256 id = submitted();
        challengeAs(v3, id);
        uint256 end = eco.challengeOf(id).voteEndsAt;
        castVote(v2, id, true); // a flip long before the end
        assertEq(eco.challengeOf(id).voteEndsAt, end, "early flip: no extension");
        vm.warp(end - 1);
        castVote(v1, id, true); // late, but valid already led
        assertEq(eco.challengeOf(id).voteEndsAt, end, "late vote that flips nothing: no extension");
        assertEq(eco.challengeOf(id).extensions, 0, "none");
    }

    // ─── models and their policies ─────────────────────────────────────────────────────────────────────────────

    function policy(uint8 rule, uint32 absE9, uint32 relE9, uint16 agreementBps)
        internal
        pure
        returns (VerificationPolicy memory)
    {
        return VerificationPolicy({rule: rule, maxAbsErrorE9: absE9, maxRelErrorE9: relE9, minAgreementBps: agreementBps});
    }

    function assertPolicy(ModelView memory m, VerificationPolicy memory want, string memory what) internal pure {
        assertTrue(m.found, what);
        assertEq(uint256(m.policy.rule), uint256(want.rule), string.concat(what, ": rule"));
        assertEq(uint256(m.policy.maxAbsErrorE9), uint256(want.maxAbsErrorE9), string.concat(what, ": abs"));
        assertEq(uint256(m.policy.maxRelErrorE9), uint256(want.maxRelErrorE9), string.concat(what, ": rel"));
        assertEq(uint256(m.policy.minAgreementBps), uint256(want.minAgreementBps), string.concat(what, ": agreement"));
    }

    function test_registerModel_eachPolicyRule() public {
        VerificationPolicy[6] memory ok = [
            policy(0, 0, 0, 0), // exact: the output hash
            policy(1, 1_000, 0, 0), // tolerance, absolute bound only
            policy(1, 0, 5_000, 0), // tolerance, relative bound only
            policy(2, 0, 0, 1), // argmax, the smallest agreement
            policy(2, 0, 0, 10_000), // argmax, every row
            policy(3, 50_000_000, 0, 0) // logprob within 0.05
        ];
        for (uint256 i; i < ok.length; i++) {
            bytes32 h = keccak256(abi.encode("model", i));
            VerificationPolicy memory pol = ok[i];
            vm.expectEmit(address(eco));
            emit IEconomyEvents.ModelRegistered(
                h,
                INFERENCE,
                "ipfs://m",
                pol.rule,
                pol.maxAbsErrorE9,
                pol.maxRelErrorE9,
                pol.minAgreementBps
            );
            eco.registerModel(h, "ipfs://m", INFERENCE, pol);
            ModelView memory m = eco.model(h);
            assertPolicy(m, pol, "registered policy");
            assertEq(m.registeredIn, address(eco), "registered here");
            assertEq(m.registeredBlock, block.number, "in this block");
            assertEq(m.uri, "ipfs://m", "uri");
        }
        assertPolicy(eco.model(MODEL), argmaxPolicy(), "fixture's model");
        assertPolicy(eco.model(FT_MODEL), tolerancePolicy(), "fixture's fine-tune model");
    }

    function test_registerModel_refusesInvalidPolicies() public {
        VerificationPolicy[6] memory bad = [
            policy(4, 1, 1, 1), // no such rule
            policy(1, 0, 0, 10_000), // tolerance without a bound
            policy(2, 1, 1, 0), // argmax with no agreement share
            policy(2, 0, 0, 10_001), // argmax above 100 %
            policy(3, 0, 1_000, 0), // logprob without an absolute bound
            policy(255, 0, 0, 0)
        ];
        for (uint256 i; i < bad.length; i++) {
            vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidPolicy.selector, bad[i].rule));
            eco.registerModel(keccak256(abi.encode("bad", i)), "u", INFERENCE, bad[i]);
        }
        VerificationPolicy memory exact = policy(0, 0, 0, 0);
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NotAdmin.selector, stranger));
        eco.registerModel(keccak256("m"), "u", INFERENCE, exact);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.ModelAlreadyRegistered.selector, MODEL));
        eco.registerModel(MODEL, "u", INFERENCE, exact);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidKind.selector, 2));
        eco.registerModel(keccak256("m"), "u", 2, exact);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.UnknownModel.selector, bytes32(0)));
        eco.registerModel(bytes32(0), "u", INFERENCE, exact);
        assertFalse(eco.model(keccak256(abi.encode("bad", uint256(0)))).found, "nothing registered");
    }

    /// A fork judges the parent's models by the parent's policy, as of the fork block; models registered in the
    /// parent afterwards are not seen.
    function test_fork_seesTheParentsModelPolicy() public {
        vm.roll(block.number + 1);
        ParamOverrides memory none;
        (address f, ) = factory.fork(address(eco), none, "Fork", "FRK", bytes32(0), 0, 0);
        IEconomy fork = IEconomy(f);
        uint256 forkBlock = block.number;
        ModelView memory m = fork.model(MODEL);
        assertPolicy(m, argmaxPolicy(), "inherited argmax policy");
        assertEq(m.registeredIn, address(eco), "registered in the parent");
        assertEq(uint256(m.kind), uint256(INFERENCE), "kind");
        assertPolicy(fork.modelVisibleAt(FT_MODEL, forkBlock), tolerancePolicy(), "inherited tolerance policy");
        // Registered in the parent after the fork: not the fork's.
        vm.roll(block.number + 1);
        bytes32 later = keccak256("model: registered after the fork");
        VerificationPolicy memory logprob = policy(3, 10_000_000, 0, 0);
        eco.registerModel(later, "ipfs://later", INFERENCE, logprob);
        assertPolicy(eco.model(later), logprob, "the parent sees it");
        assertFalse(fork.model(later).found, "the fork does not");
        assertFalse(eco.modelVisibleAt(later, forkBlock).found, "not visible at the fork block");
        // A fork of the fork sees the grandparent's policy through it.
        vm.roll(block.number + 1);
        (address g, ) = factory.fork(f, none, "Grandchild", "GRC", bytes32(0), 0, 0);
        assertPolicy(IEconomy(g).model(MODEL), argmaxPolicy(), "grandchild inherits the policy");
        assertFalse(IEconomy(g).model(later).found, "but not what its grandparent registered after the first fork");
    }
}
