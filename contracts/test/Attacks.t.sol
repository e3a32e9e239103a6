// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {EconomyToken} from "../src/EconomyToken.sol";
import {IEconomy} from "../src/interfaces/IEconomy.sol";
import {IEconomyEvents} from "../src/interfaces/IEconomyEvents.sol";
import {AccountView, ChallengeView, JobStatus, JobView, ProviderStatus} from "../src/interfaces/EconomyTypes.sol";
import {EconomyParams, ParamOverrides, Params} from "../src/lib/EconomyParams.sol";
import {WeightTree} from "../src/lib/WeightTree.sol";

/// @notice Cheatcodes this file needs beyond lib/Test.sol's.
interface VmExtra {
    function skip(bool skipTest, string calldata reason) external;
    function envOr(string calldata name, bool defaultValue) external view returns (bool);
}

/// @notice {WeightTree} on its own storage, so that its guards can be tried with weights no economy can reach.
contract WeightTreeHarness {
    using WeightTree for WeightTree.Tree;

    WeightTree.Tree private _tree;

    function reserve(uint256 leaves) external {
        _tree.reserve(leaves);
    }

    function set(uint256 leaf, uint256 weight) external {
        _tree.set(leaf, weight);
    }

    function total() external view returns (uint256) {
        return _tree.total();
    }
}

/// @notice The attacks found against the first economy, played against Economy v2. Each test plays one attack and
/// measures the attacker's net — tokens out minus tokens in over all of the attacker's addresses: wallet, claimable
/// balance, emission accrued and not yet settled, provider bond and validator bond — and the honest party's, and logs
/// the figures (run with -vv to see them). An attack is refused when the attacker's net is negative or its call
/// reverts.
contract AttacksTest is EconomyFixture {
    // ds-test's log events: forge prints them under -vv.
    event log_named_decimal_int(string key, int256 val, uint256 decimals);
    event log_named_uint(string key, uint256 val);

    VmExtra internal constant vmx = VmExtra(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint256 internal constant FEE = 10 * TOKEN;
    /// The devnet's inference fee (src/main/devnet/economies.ts): what a typical job pays.
    uint256 internal constant INFERENCE_FEE = 2 * TOKEN;
    /// decline.ts's FETCH_FAILED: the model or input is unreachable.
    uint8 internal constant FETCH_FAILED = 6;

    // ─── measuring ─────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice A set of addresses and what they held together when the books were opened.
    struct Books {
        address[] who;
        uint256 start;
    }

    /// @notice Everything `a` holds in this economy's token: wallet, claimable, emission accrued and not yet settled,
    /// provider bond (locked collateral included) and validator bond (locked parts included). Rule (v2, round 3):
    /// claimable no longer includes the accrued emission (withdraw does not settle it; claimEmission, a stake change,
    /// a pause or a resume does), so it is counted apart — else settling it would look like a gain.
    function holdings(address a) internal view returns (uint256) {
        AccountView memory acc = eco.accountOf(a);
        return tok.balanceOf(a) + acc.claimable + acc.pendingEmission + eco.providerOf(a).bond +
            eco.validatorOf(a).bond;
    }

    function holdings(address[] memory who) internal view returns (uint256 sum) {
        for (uint256 i; i < who.length; i++) sum += holdings(who[i]);
    }

    function open(address[] memory who) internal view returns (Books memory b) {
        b.who = who;
        b.start = holdings(who);
    }

    /// @notice Tokens out minus tokens in since the books were opened (negative: the set lost tokens).
    function net(Books memory b) internal view returns (int256) {
        return int256(holdings(b.who)) - int256(b.start);
    }

    function group(address a) internal pure returns (address[] memory s) {
        s = new address[](1);
        s[0] = a;
    }

    function group(address a, address b) internal pure returns (address[] memory s) {
        s = new address[](2);
        (s[0], s[1]) = (a, b);
    }

    function group(address a, address b, address c) internal pure returns (address[] memory s) {
        s = new address[](3);
        (s[0], s[1], s[2]) = (a, b, c);
    }

    function group(address a, address b, address c, address d) internal pure returns (address[] memory s) {
        s = new address[](4);
        (s[0], s[1], s[2], s[3]) = (a, b, c, d);
    }

    function logTokens(string memory key, int256 amount) internal {
        emit log_named_decimal_int(key, amount, 18);
    }

    function logTokens(string memory key, uint256 amount) internal {
        emit log_named_decimal_int(key, int256(amount), 18);
    }

    function logCount(string memory key, uint256 n) internal {
        emit log_named_uint(key, n);
    }

    function signed(uint256 x) internal pure returns (int256) {
        return int256(x);
    }

    // Signed assertions (lib/Test.sol has unsigned ones only); both figures are logged when one fails.
    function assertEq(int256 a, int256 b, string memory what) internal pure {
        vm.assertEq(a, b, what);
    }

    function assertLt(int256 a, int256 b, string memory what) internal {
        if (a >= b) logBoth(a, b);
        assertTrue(a < b, what);
    }

    function assertLe(int256 a, int256 b, string memory what) internal {
        if (a > b) logBoth(a, b);
        assertTrue(a <= b, what);
    }

    function assertGe(int256 a, int256 b, string memory what) internal {
        if (a < b) logBoth(a, b);
        assertTrue(a >= b, what);
    }

    function logBoth(int256 a, int256 b) private {
        logTokens("left", a);
        logTokens("right", b);
    }

    function distance(int256 a, int256 b) internal pure returns (uint256) {
        return a > b ? uint256(a - b) : uint256(b - a);
    }

    // ─── playing jobs ──────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Calls `assign` from each block after the job's draw block (one hash per block, the same for every job
    /// drawn from that block) until the job is assigned or `maxBlocks` blocks have passed since it was posted or
    /// re-opened. Returns the provider (address(0) when none) and the blocks it took.
    function assignWithin(uint256 jobId, uint256 maxBlocks) internal returns (address provider, uint256 blocks) {
        uint256 postedAt = eco.job(jobId).drawBlock;
        while (true) {
            JobView memory j = eco.job(jobId);
            if (j.status != JobStatus.Posted) break;
            if (block.number <= j.drawBlock) vm.roll(j.drawBlock + 1);
            if (block.number - postedAt > maxBlocks) break;
            vm.setBlockhash(j.drawBlock, keccak256(abi.encode("block", j.drawBlock)));
            eco.assign(jobId);
        }
        JobView memory done = eco.job(jobId);
        provider = done.status == JobStatus.Posted ? address(0) : done.provider;
        blocks = block.number - postedAt;
    }

    function submitAs(address provider, uint256 jobId) internal {
        vm.prank(provider);
        eco.submitResult(jobId, OUTPUT, "ipfs://output");
    }

    function collateralOf(uint256 fee) internal view returns (uint256 c) {
        Params memory prm = eco.params();
        c = (fee * prm.collateralFeeMultipleBps) / 10_000;
        if (c < prm.minCollateral) c = prm.minCollateral;
    }

    function payoutOf(uint256 fee) internal view returns (uint256) {
        return fee - (fee * eco.params().protocolFeeBps) / 10_000;
    }

    /// @notice How a slash of `amount` splits when voters won alongside the winner: (burned, to the winner, to the
    /// winning voters).
    function splitOf(uint256 amount) internal view returns (uint256 burned, uint256 toWinner, uint256 toVoters) {
        Params memory prm = eco.params();
        burned = (amount * prm.slashBurnBps) / 10_000;
        toWinner = ((amount - burned) * prm.winnerShareBps) / 10_000;
        toVoters = amount - burned - toWinner;
    }

    function isIn(address a, address[4] memory s) internal pure returns (bool) {
        return a != address(0) && (a == s[0] || a == s[1] || a == s[2] || a == s[3]);
    }

    // ─── 1. a lone validator and the requester challenge a correct result ──────────────────────────────────────

    /// @notice The parties of attacks 1 and 2.
    struct Cast {
        address provider;
        address honest1;
        address honest2;
        address challenger;
        address voter;
        address latecomer;
        address colluder;
    }

    function test_attack1_loneValidatorSlashesHonestResult() public {
        Cast memory x;
        x.provider = addProvider("honest provider", 1_000 * TOKEN, 1, 4);
        x.honest1 = newValidator("honest validator", 300 * TOKEN);
        x.honest2 = newValidator("honest validator", 300 * TOKEN);
        x.challenger = newValidator("lone validator", 100 * TOKEN);
        x.colluder = actor("colluding requester", 100 * TOKEN);
        vm.roll(block.number + 1);
        honestVotersUpholdTheResult(x);
        withoutVotersTheResultStands(x);
    }

    /// @notice Honest validators (together over quorum) re-run the job and vote: the result stands, the challenger
    /// pays, the provider is compensated, the requester gets no refund.
    function honestVotersUpholdTheResult(Cast memory x) internal {
        Params memory prm = eco.params();
        Books memory attacker = open(group(x.challenger, x.colluder));
        Books memory honestProvider = open(group(x.provider));
        Books memory honestValidators = open(group(x.honest1, x.honest2));
        uint256 id = post(x.colluder, INFERENCE, FEE);
        assignNow(id);
        submit(id); // a correct result
        challengeAs(x.challenger, id);
        assertEq(eco.challengeOf(id).quorum, (700 * TOKEN * prm.quorumBps) / 10_000, "quorum: share of all stake");
        assertGt(600 * TOKEN, eco.challengeOf(id).quorum, "the honest validators alone meet quorum");
        vm.prank(x.honest1);
        eco.vote(id, true);
        vm.prank(x.honest2);
        eco.vote(id, true);
        vm.warp(block.timestamp + prm.voteWindowS);
        eco.resolveChallenge(id);
        eco.settleVote(id, x.honest1);
        eco.settleVote(id, x.honest2);
        ChallengeView memory c = eco.challengeOf(id);
        assertTrue(c.quorumMet && c.resultValid, "quorum met, result valid");
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "paid to the provider, no refund");
        (, uint256 toProvider, uint256 toVoters) = splitOf(prm.challengeBond);
        int256 attackerNet = net(attacker);
        logTokens("attack 1, honest voters: attacker net (lone validator + requester)", attackerNet);
        logTokens("attack 1, honest voters: honest provider net", net(honestProvider));
        logTokens("attack 1, honest voters: honest validators net", net(honestValidators));
        assertEq(attackerNet, -signed(FEE + prm.challengeBond), "the attacker loses the fee and its challenge bond");
        assertLt(attackerNet, 0, "the attack loses");
        assertGe(net(honestProvider), signed(payoutOf(FEE) + toProvider), "provider paid and compensated");
        assertEq(net(honestValidators), signed(toVoters), "the voters share the rest of the bond");
        assertEq(eco.validatorOf(x.honest1).openVotes + eco.validatorOf(x.honest2).openVotes, 0, "votes settled");
    }

    /// @notice Nobody else votes: no quorum, the result stands, nobody is slashed; the attack costs only gas.
    function withoutVotersTheResultStands(Cast memory x) internal {
        Params memory prm = eco.params();
        Books memory attacker = open(group(x.challenger, x.colluder));
        Books memory loneOnly = open(group(x.challenger));
        Books memory honestProvider = open(group(x.provider));
        Books memory honestValidators = open(group(x.honest1, x.honest2));
        uint256 id = post(x.colluder, INFERENCE, FEE);
        assignNow(id);
        submit(id);
        challengeAs(x.challenger, id);
        vm.warp(block.timestamp + prm.voteWindowS);
        eco.resolveChallenge(id);
        ChallengeView memory c = eco.challengeOf(id);
        assertFalse(c.quorumMet, "a lone challenger is no quorum");
        assertTrue(c.resultValid, "the result stands");
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "finalized, not rejected");
        int256 attackerNet = net(attacker);
        logTokens("attack 1, no voters: attacker net (the fee of a job it got)", attackerNet);
        logTokens("attack 1, no voters: lone validator net", net(loneOnly));
        logTokens("attack 1, no voters: honest provider net", net(honestProvider));
        assertEq(net(loneOnly), 0, "the challenger's bond comes back whole: nothing but gas spent");
        assertEq(eco.validatorOf(x.challenger).locked, 0, "and unlocked");
        assertEq(attackerNet, -signed(FEE), "the requester paid for a result it received; no refund");
        assertLe(attackerNet, 0, "the attack gains nothing");
        assertGe(net(honestProvider), signed(payoutOf(FEE)), "the provider is paid");
        assertEq(net(honestValidators), 0, "nobody is slashed");
    }

    // ─── 2. stake added once the challenge is open ─────────────────────────────────────────────────────────────

    function test_attack2_stakeAddedAfterTheChallengeOpensCountsForNothing() public {
        Cast memory x;
        x.provider = addProvider("honest provider", 1_000 * TOKEN, 1, 4);
        x.honest1 = newValidator("honest validator", 300 * TOKEN);
        x.challenger = newValidator("attacker's challenger", 100 * TOKEN);
        x.voter = newValidator("attacker's voter", 100 * TOKEN);
        x.latecomer = actor("attacker's latecomer", 10_000 * TOKEN);
        x.colluder = actor("colluding requester", 100 * TOKEN);
        fund(x.voter, 15_000 * TOKEN);
        vm.roll(block.number + 1);
        Books memory attacker = open(group(x.challenger, x.voter, x.latecomer, x.colluder));
        Books memory honestProvider = open(group(x.provider));
        Books memory honestValidator = open(group(x.honest1));

        uint256 id = openWithLateStake(x);
        Params memory prm = eco.params();
        vm.warp(block.timestamp + prm.voteWindowS);
        eco.resolveChallenge(id);
        eco.settleVote(id, x.voter);
        eco.settleVote(id, x.honest1);
        ChallengeView memory c = eco.challengeOf(id);
        assertTrue(c.quorumMet && c.resultValid, "the vote follows the honest pre-challenge stake");
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "the provider is paid");
        uint256 voterRisk = (100 * TOKEN * prm.voteSlashBps) / 10_000; // slashed to the treasury
        (, uint256 toProvider, uint256 toVoters) = splitOf(prm.challengeBond);
        int256 attackerNet = net(attacker);
        logTokens("attack 2: attacker net", attackerNet);
        logTokens("attack 2: honest validator net", net(honestValidator));
        logTokens("attack 2: honest provider net", net(honestProvider));
        assertEq(attackerNet, -signed(FEE + prm.challengeBond + voterRisk), "fee, bond and the voter's stake at risk lost");
        assertLt(attackerNet, 0, "the attack loses");
        assertEq(net(honestValidator), signed(toVoters), "the honest voter takes the voters' part of the slash");
        assertGe(net(honestProvider), signed(payoutOf(FEE) + toProvider), "provider paid and compensated");
    }

    /// @notice The attacker commits against a correct result; in the opening block, ahead of its reveal, it tops up
    /// its voter and registers a new validator, and tops up again once the vote is open. Returns the job.
    function openWithLateStake(Cast memory x) internal returns (uint256 id) {
        Params memory prm = eco.params();
        id = post(x.colluder, INFERENCE, FEE);
        assignNow(id);
        submit(id); // a correct result
        bytes32 salt = keccak256("attack 2");
        vm.prank(x.challenger);
        eco.commitChallenge(keccak256(abi.encode(id, x.challenger, salt)));
        vm.roll(block.number + 1);
        vm.prank(x.voter);
        eco.addValidatorBond(10_000 * TOKEN);
        vm.prank(x.latecomer);
        eco.registerValidator(10_000 * TOKEN);
        vm.prank(x.challenger);
        eco.challenge(id, salt, "ipfs://evidence");
        ChallengeView memory c = eco.challengeOf(id);
        assertEq(c.openedBlock, block.number, "opened in the block the stake came in");
        assertEq(c.quorum, (500 * TOKEN * prm.quorumBps) / 10_000, "quorum from the stake before the opening block");
        vm.roll(block.number + 1);
        vm.prank(x.voter);
        eco.addValidatorBond(5_000 * TOKEN);
        vm.prank(x.latecomer);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NoVoteWeight.selector, id, x.latecomer));
        eco.vote(id, false);
        vm.prank(x.voter);
        eco.vote(id, false);
        assertEq(eco.voteOf(id, x.voter).weight, 100 * TOKEN, "the voter weighs its stake before the opening block");
        vm.prank(x.honest1);
        eco.vote(id, true);
        logTokens("attack 2: stake the attacker added (counted for nothing)", 25_000 * TOKEN);
        logTokens("attack 2: invalid weight had it counted", prm.challengeBond + 25_100 * TOKEN);
        logTokens("attack 2: invalid weight counted", eco.challengeOf(id).invalidWeight);
        logTokens("attack 2: valid weight (honest, pre-challenge)", eco.challengeOf(id).validWeight);
    }

    // ─── 3. a blind bot commits to every result to take over the challenges others find ───────────────────────

    struct BotRun {
        int256 botNet;
        int256 finderNet;
        uint256 faults;
        uint256 reward;
        uint256 commitFee;
        uint256 breakEvenBps;
    }

    /// @notice `jobs` jobs of `jobFee`; every `faultEvery`-th result is wrong. The bot commits to every result in the
    /// block it is submitted; the finder re-runs each job, and on a wrong result commits and reveals a challenge,
    /// which the bot takes over with its older commitment. Unrevealed commitments are released after the window.
    function runBlindBot(address bot, address finder, uint256 jobFee, uint256 jobs, uint256 faultEvery)
        internal
        returns (BotRun memory r)
    {
        Params memory prm = eco.params();
        Books memory botBooks = open(group(bot));
        Books memory finderBooks = open(group(finder));
        for (uint256 i; i < jobs; i++) {
            uint256 id = post(requester, INFERENCE, jobFee);
            (address provider, ) = assignWithin(id, 3);
            submitAs(provider, id);
            bytes32 salt = keccak256(abi.encode("bot", id));
            bytes32 commitment = keccak256(abi.encode(id, bot, salt));
            vm.prank(bot);
            eco.commitChallenge(commitment);
            if (i % faultEvery == faultEvery - 1) {
                r.faults++;
                vm.roll(block.number + 1);
                vm.warp(block.timestamp + 5); // the finder re-ran the job and found the result wrong
                challengeAs(finder, id);
                vm.prank(bot);
                eco.challenge(id, salt, "ipfs://copied"); // the bot sees the reveal and takes the challenge over
                assertEq(eco.challengeOf(id).challenger, bot, "the earliest commitment takes the challenge over");
                vm.prank(finder);
                eco.vote(id, false);
                vm.warp(block.timestamp + prm.voteWindowS);
                eco.resolveChallenge(id);
                eco.settleVote(id, finder);
                assertEq(uint256(status(id)), uint256(JobStatus.Rejected), "the wrong result is rejected");
            } else {
                vm.warp(block.timestamp + prm.challengeWindowS + 1);
                eco.finalize(id);
                vm.prank(bot);
                eco.releaseCommitment(commitment);
            }
            vm.roll(block.number + 1);
        }
        r.botNet = net(botBooks);
        r.finderNet = net(finderBooks);
        r.reward = challengerRewardOf(jobFee);
        r.commitFee = (uint256(prm.challengeBond) * prm.commitFeeBps) / 10_000;
        r.breakEvenBps = (r.commitFee * 10_000) / (r.reward + r.commitFee);
    }

    /// @notice What the challenger of a rejected `fee` job earns when voters won with it: the winner's share of the
    /// provider's slash, capped (v2) at the challenge bond.
    function challengerRewardOf(uint256 fee) internal view returns (uint256 reward) {
        (, reward, ) = splitOf(collateralOf(fee));
        uint256 cap = eco.params().challengeBond;
        if (reward > cap) reward = cap;
    }

    /// @notice Rule (v2): the challenger's reward is capped at the challenge bond, so the break-even fault rate
    /// f* = commitFee / (reward + commitFee) no longer falls toward 0 as jobs grow: it is at least
    /// commitFee / (challengeBond + commitFee) = 2 / 12 = 16.7 % for any job (it fell below 5 % for jobs above 76
    /// tokens before the cap). A blind bot loses at a 5 % fault rate on 2-token and 100-token jobs alike.
    function test_attack3_blindCommitBotLosesBelowTheBreakEvenFaultRate() public {
        for (uint256 i; i < 4; i++) addProvider("provider", 1_000 * TOKEN, 1, 4);
        address bot = newValidator("blind bot", 1_000 * TOKEN);
        address finder = newValidator("honest validator", 500 * TOKEN);
        vm.roll(block.number + 1);
        uint256 jobs = 60;
        uint256 faultEvery = 20; // 5 % of results are wrong
        uint256 snap = vm.snapshotState();

        // Jobs at the devnet's inference fee.
        BotRun memory r = runBlindBot(bot, finder, INFERENCE_FEE, jobs, faultEvery);
        logCount("attack 3: jobs", jobs);
        logCount("attack 3: wrong results", r.faults);
        logTokens("attack 3: bot's reward per challenge taken over, 2-token jobs", r.reward);
        logTokens("attack 3: fee per unrevealed commitment", r.commitFee);
        logCount("attack 3: break-even fault rate f* (bps) at a 2-token job", r.breakEvenBps);
        logTokens("attack 3: blind bot net on 2-token jobs", r.botNet);
        logTokens("attack 3: honest validator net on 2-token jobs", r.finderNet);
        botLosesAtFivePercent(r, jobs, faultEvery);

        // The same game on 100-token jobs: the reward is capped at the challenge bond, so the bot still loses.
        vm.revertToState(snap);
        BotRun memory big = runBlindBot(bot, finder, 100 * TOKEN, jobs, faultEvery);
        Params memory prm = eco.params();
        (, uint256 uncapped, ) = splitOf(collateralOf(100 * TOKEN));
        uint256 floorBps = (big.commitFee * 10_000) / (uint256(prm.challengeBond) + big.commitFee);
        logTokens("attack 3: bot's reward per challenge taken over, 100-token jobs (capped)", big.reward);
        logTokens("attack 3: the same reward uncapped (v1)", uncapped);
        logCount("attack 3: break-even fault rate f* (bps) at a 100-token job", big.breakEvenBps);
        logCount("attack 3: f* for any job size is at least (bps)", floorBps);
        logTokens("attack 3: blind bot net on 100-token jobs", big.botNet);
        logTokens("attack 3: honest validator net on 100-token jobs", big.finderNet);
        assertEq(big.reward, prm.challengeBond, "capped at the challenge bond");
        assertLt(big.reward, uncapped, "(uncapped it would be the winner's share of 200)");
        assertEq(big.breakEvenBps, floorBps, "a large job sits at the floor");
        botLosesAtFivePercent(big, jobs, faultEvery);
    }

    function botLosesAtFivePercent(BotRun memory r, uint256 jobs, uint256 faultEvery) internal pure {
        uint256 faultBps = 10_000 / faultEvery;
        int256 expected = signed(r.faults * r.reward) - signed((jobs - r.faults) * r.commitFee);
        assertEq(r.botNet, expected, "the bot's net is its rewards less its commitment fees");
        assertLt(faultBps, r.breakEvenBps, "a 5 % fault rate is below the break-even rate");
        assertTrue(r.botNet < 0, "the blind bot loses");
        assertTrue(r.finderNet >= 0, "the validator that found the faults does not lose");
    }

    // ─── 4. a declared score bought the draw ───────────────────────────────────────────────────────────────────

    function test_attack4_nothingDeclaredBuysTheDraw() public {
        address small = addProvider("small provider", 1_000 * TOKEN, 1, 4);
        address large = addProvider("large provider", 10_000 * TOKEN, 1, 4);
        // No score to declare; the profile (kinds, capacity) changes only while paused and leaves the weight alone.
        uint256 weight = providerOf(small).treeWeight;
        vm.prank(small);
        vm.expectRevert(
            abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, small, uint8(ProviderStatus.Active))
        );
        eco.updateProfile(3, 64);
        vm.startPrank(small);
        eco.pause();
        eco.updateProfile(3, 64);
        eco.resume();
        vm.stopPrank();
        assertEq(providerOf(small).treeWeight, weight, "the profile does not touch the draw weight");
        assertEq(weight, 1_000 * TOKEN / 1e15, "the weight is the bond in milli-tokens");
        vm.roll(block.number + 1);

        Books memory smallBooks = open(group(small));
        Books memory largeBooks = open(group(large));
        uint256 n = 200;
        uint256 wins;
        uint256 smallFees;
        for (uint256 i; i < n; i++) {
            (, address drawn) = runJob(FEE);
            if (drawn == small) {
                wins++;
                smallFees += payoutOf(FEE);
            }
        }
        // Binomial(n, 1/11): |wins·11 − n| ≤ 4σ·11 = 4·sqrt(n·1·10), squared to stay in integers.
        uint256 s = 1_000;
        uint256 l = 10_000;
        uint256 scaled = wins * (s + l);
        uint256 diff = scaled > n * s ? scaled - n * s : n * s - scaled;
        logCount("attack 4: jobs", n);
        logCount("attack 4: won by the 1,000-token provider (expected 18.2, 4 sigma 16.3)", wins);
        logTokens("attack 4: small provider's fee income", smallFees);
        logTokens("attack 4: small provider net (fees + emission)", net(smallBooks));
        logTokens("attack 4: large provider net (fees + emission)", net(largeBooks));
        assertLe(diff * diff, 16 * n * s * l, "the small provider wins about 1/11 of the jobs, within 4 sigma");
        assertGe(net(largeBooks), 0, "the honest large provider does not lose");
    }

    // ─── 5. dead weight makes inference jobs unassignable ──────────────────────────────────────────────────────

    function test_attack5_deadWeightCannotBlockInferenceDraws() public {
        Params memory prm = eco.params();
        address griefRequester = actor("griefer's requester", 100 * TOKEN);
        address[] memory griefers = new address[](15);
        // Full: three inference providers with one slot each, holding a job of the griefer's that nobody finalizes.
        for (uint256 i; i < 3; i++) griefers[i] = addProvider("full griefer", 1_000 * TOKEN, 1, 1);
        vm.roll(block.number + 1);
        for (uint256 i; i < 3; i++) {
            uint256 id = post(griefRequester, INFERENCE, prm.minFee);
            (address p, ) = assignWithin(id, 3);
            submitAs(p, id);
        }
        for (uint256 i; i < 3; i++) assertEq(providerOf(griefers[i]).treeWeight, 0, "a full provider has no leaf");
        // Fine-tune only: ten min-bond griefers and a large fine-tune provider.
        for (uint256 i = 3; i < 13; i++) griefers[i] = addProvider("min-bond fine-tune griefer", prm.minBond, 2, 64);
        griefers[13] = addProvider("fine-tune-only provider", 3_000 * TOKEN - 10 * uint256(prm.minBond), 2, 64);
        // Paused, serving both kinds: their leaves stay until a draw lands on them.
        griefers[14] = addProvider("paused griefer", 3_000 * TOKEN, 3, 64);
        vm.prank(griefers[14]);
        eco.pause();
        address h1 = addProvider("honest inference provider", 500 * TOKEN, 1, 8);
        address h2 = addProvider("honest inference provider", 500 * TOKEN, 1, 8);
        assertEq(eco.totalBonded(), 10_000 * TOKEN, "10,000 bonded");
        logCount("attack 5: honest inference share of the bonded weight (bps)", (1_000 * TOKEN * 10_000) / eco.totalBonded());
        logCount("attack 5: inference tree weight before (milli-tokens)", eco.totalWeight(INFERENCE));
        vm.roll(block.number + 1);

        Books memory honest = open(group(h1, h2));
        Books memory grief = open(griefers);
        uint256 worst;
        uint256 jobs;
        for (uint256 batch; batch < 20; batch++) {
            uint256 blocks = runBatch(h1, h2, 10);
            if (blocks > worst) worst = blocks;
            jobs += 10;
        }
        logCount("attack 5: inference jobs", jobs);
        logCount("attack 5: most blocks from post to assignment", worst);
        logCount("attack 5: inference tree weight after (milli-tokens)", eco.totalWeight(INFERENCE));
        logTokens("attack 5: griefers' net (stake emission only, no job)", net(grief));
        logTokens("attack 5: honest providers' net", net(honest));
        assertLe(worst, 3, "every job assigned within 3 blocks");
        assertEq(eco.providerOf(griefers[14]).treeWeight, 0, "the paused leaves were pruned by the draws");
        assertGe(net(honest), signed(jobs * payoutOf(INFERENCE_FEE)), "the honest providers are paid for every job");
    }

    /// @notice Posts `n` inference jobs in one block, assigns each (at most 3 blocks each), checks they went to the
    /// honest providers, then delivers and finalizes them all. Returns the most blocks a job took.
    function runBatch(address h1, address h2, uint256 n) internal returns (uint256 worst) {
        uint256[] memory ids = new uint256[](n);
        address[] memory drawn = new address[](n);
        for (uint256 k; k < n; k++) ids[k] = post(INFERENCE_FEE);
        for (uint256 k; k < n; k++) {
            uint256 blocks;
            (drawn[k], blocks) = assignWithin(ids[k], 3);
            assertTrue(drawn[k] == h1 || drawn[k] == h2, "assigned within 3 blocks, to an honest provider");
            if (blocks > worst) worst = blocks;
        }
        for (uint256 k; k < n; k++) submitAs(drawn[k], ids[k]);
        vm.warp(block.timestamp + eco.params().challengeWindowS);
        for (uint256 k; k < n; k++) eco.finalize(ids[k]);
        vm.roll(block.number + 1);
    }

    // ─── 6. wash trading for emission ──────────────────────────────────────────────────────────────────────────

    struct WashRun {
        int256 traderNet;
        int256 providerNet;
        uint256 providerIncome;
        uint256 honestJobIncome;
        uint256 washJobs;
        uint256 washSelfDrawn;
        uint256 washFeesToOthers;
    }

    /// @notice Two epochs of 10 rounds of 60 s: a quiet one (no jobs but the trader's) and a busy one (a job of the
    /// honest requester each round). With `wash`, the trader's requester posts a min-fee job each round.
    function playTwoEpochs(address tp, address tr, bool wash) internal returns (WashRun memory r) {
        Params memory prm = eco.params();
        Books memory trader = open(group(tp, tr));
        Books memory providerOnly = open(group(tp));
        for (uint256 round; round < 20; round++) {
            bool busy = round >= 10;
            uint256[] memory ids = new uint256[](2);
            uint256 n;
            if (wash) ids[n++] = post(tr, INFERENCE, prm.minFee);
            if (busy) ids[n++] = post(requester, INFERENCE, INFERENCE_FEE);
            address[] memory drawn = new address[](2);
            for (uint256 k; k < n; k++) {
                (drawn[k], ) = assignWithin(ids[k], 3);
                assertTrue(drawn[k] != address(0), "assigned");
                submitAs(drawn[k], ids[k]);
            }
            vm.roll(block.number + 1);
            vm.warp(block.timestamp + 60);
            for (uint256 k; k < n; k++) {
                eco.finalize(ids[k]);
                JobView memory j = eco.job(ids[k]);
                bool washJob = j.requester == tr;
                if (drawn[k] == tp) r.providerIncome += payoutOf(j.fee);
                if (washJob) {
                    r.washJobs++;
                    if (drawn[k] == tp) r.washSelfDrawn++;
                    else r.washFeesToOthers += j.fee;
                } else if (drawn[k] == tp) {
                    r.honestJobIncome += payoutOf(j.fee);
                }
            }
        }
        r.traderNet = net(trader);
        r.providerNet = net(providerOnly);
    }

    function test_attack6_washTradingEarnsNoEmission() public {
        Params memory prm = eco.params();
        address h1 = addProvider("honest provider", 1_000 * TOKEN, 1, 8);
        address h2 = addProvider("honest provider", 1_000 * TOKEN, 1, 8);
        address tp = addProvider("trader's provider", 1_000 * TOKEN, 1, 8);
        address tr = actor("trader's requester", 1_000 * TOKEN);
        vm.roll(block.number + 1);
        // Start on an epoch boundary so that the first epoch is the quiet one.
        uint256 created = eco.lineage().createdAt;
        vm.warp(created + (eco.currentEpoch() + 1) * prm.epochLengthS);
        uint256 snap = vm.snapshotState();

        WashRun memory staked = playTwoEpochs(tp, tr, false);
        vm.revertToState(snap);
        WashRun memory washed = playTwoEpochs(tp, tr, true);

        // Emission = what the trader's provider gained less the fees it earned for work.
        int256 emissionStaked = staked.providerNet - signed(staked.providerIncome);
        int256 emissionWashed = washed.providerNet - signed(washed.providerIncome);
        // What wash trading adds to simply staking, the fees of the honest requester's jobs set aside (the draw
        // gives the trader's provider different honest jobs in each run, from different job ids).
        int256 gain = (washed.traderNet - signed(washed.honestJobIncome)) -
            (staked.traderNet - signed(staked.honestJobIncome));
        uint256 protocolFee = prm.minFee - payoutOf(prm.minFee);
        int256 expected = -signed(washed.washFeesToOthers + washed.washSelfDrawn * protocolFee);
        logCount("attack 6: wash jobs (min fee)", washed.washJobs);
        logCount("attack 6: wash jobs drawn to the trader's own provider", washed.washSelfDrawn);
        logTokens("attack 6: wash fees paid to honest providers", washed.washFeesToOthers);
        logTokens("attack 6: emission to the trader's provider, staking only", emissionStaked);
        logTokens("attack 6: emission to the trader's provider, wash trading", emissionWashed);
        logTokens("attack 6: wash trading's net against staking honestly", gain);
        assertLe(distance(emissionWashed, emissionStaked), 1e9, "emission follows stake, not fees");
        assertLe(distance(gain, expected), 1e9, "it pays the fees and gets nothing for them");
        assertLt(gain, 0, "wash trading loses against staking");

        ownProviderNeverDrawn(tp, h1, h2);
    }

    /// @notice The requester's own provider account is never drawn for its job: with the others gone, the draw misses.
    function ownProviderNeverDrawn(address tp, address h1, address h2) internal {
        uint256 minFee = eco.params().minFee;
        uint256 id = post(tp, INFERENCE, minFee);
        uint256 drawBlock = eco.job(id).drawBlock;
        vm.roll(drawBlock + 1);
        uint256 again = vm.snapshotState();
        for (uint256 s; s < 32; s++) {
            vm.setBlockhash(drawBlock, keccak256(abi.encode("own job", s)));
            eco.assign(id);
            JobView memory j = eco.job(id);
            assertTrue(j.status == JobStatus.Posted || j.provider != tp, "never the requester's own provider");
            vm.revertToState(again);
        }
        vm.prank(h1);
        eco.pause();
        vm.prank(h2);
        eco.pause();
        vm.roll(block.number + 1);
        id = post(tp, INFERENCE, minFee);
        vm.roll(block.number + 1);
        eco.assign(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Posted), "only its own provider left: nobody drawn");
        assertEq(eco.job(id).drawBlock, block.number, "re-seeded from this block");
    }

    // ─── 7. requesters profit from timeouts ────────────────────────────────────────────────────────────────────

    function test_attack7_requestersDoNotProfitFromTimeouts() public {
        for (uint256 i; i < 6; i++) addProvider("honest provider", 1_000 * TOKEN, 1, 4);
        address hopeful = actor("requester hoping for timeouts", 100 * TOKEN);
        vm.roll(block.number + 1);
        oneTimeoutIsCapped(hopeful);
        darkInputIsDeclined(hopeful);
        realisticMissRateLoses(hopeful);
        everyDrawMissing(hopeful);
    }

    /// @notice One timeout (v2): only an accepted job is slashed when it misses its deadline, and the requester's
    /// share is capped at fee / maxDeclines, the rest going to the treasury; the job is drawn again and delivered.
    /// The requester gets a third of its fee back for the wait and its job delivered: less than the fee it paid.
    function oneTimeoutIsCapped(address hopeful) internal {
        Params memory prm = eco.params();
        uint256 fee = prm.minFee;
        uint256 collateral = collateralOf(fee);
        uint256 cap = fee / prm.maxDeclines;
        Books memory r = open(group(hopeful));
        uint256 id = post(hopeful, INFERENCE, fee);
        (address missed, ) = assignWithin(id, 3);
        vm.prank(missed);
        eco.acceptJob(id);
        uint256 bondBefore = providerOf(missed).bond;
        uint256 treasuryBefore = eco.treasury();
        uint256 claimBefore = eco.claimable(hopeful);
        vm.warp(eco.job(id).deadline + 1);
        eco.reportTimeout(id);
        assertEq(eco.claimable(hopeful) - claimBefore, cap, "the requester's share is capped at fee / maxDeclines");
        assertLt(cap, (collateral * prm.requesterSlashShareBps) / 10_000, "(the uncapped share would be more)");
        assertEq(eco.treasury() - treasuryBefore, collateral - cap, "the rest goes to the treasury");
        assertEq(bondBefore - providerOf(missed).bond, collateral, "the provider that missed loses its collateral");
        (address delivered, ) = assignWithin(id, 3);
        assertTrue(delivered != missed, "drawn again without the provider that missed");
        submitAs(delivered, id);
        vm.warp(block.timestamp + prm.challengeWindowS);
        eco.finalize(id);
        logTokens("attack 7: requester net, one timeout then delivered", net(r));
        assertEq(net(r), -signed(fee - cap), "the fee paid, a third of it back");
        assertLt(net(r), 0, "a timeout does not pay the requester");
    }

    /// @notice The input goes dark: each drawn provider declines inside the accept window (no slash, no strike, and
    /// in v2 no forfeit of its emission); after maxDeclines declines the fee is refunded. A requester with a dark
    /// input costs the providers it draws nothing (v1 made each decline forfeit the decliner's unsettled emission, a
    /// griefing lever: weakness 5), and gains nothing itself.
    function darkInputIsDeclined(address hopeful) internal {
        Params memory prm = eco.params();
        Books memory r = open(group(hopeful));
        uint256 id = eco.jobCount() + 1;
        vm.prank(hopeful);
        eco.postJob(INFERENCE, MODEL, keccak256("dark input"), "ipfs://gone", prm.minFee, DEADLINE);
        int256 worstDecliner = type(int256).max;
        for (uint256 d; d < prm.maxDeclines; d++) {
            (address p, ) = assignWithin(id, 8);
            uint256 bond = providerOf(p).bond;
            uint8 strikes = providerOf(p).strikes;
            vm.warp(block.timestamp + prm.acceptWindowS / 2); // the fetch fails
            Books memory decliner = open(group(p)); // holdings count the emission accrued so far
            uint256 accrued = eco.accountOf(p).pendingEmission;
            assertGt(accrued, 0, "the provider has unsettled emission at stake");
            vm.prank(p);
            eco.declineJob(id, FETCH_FAILED);
            assertEq(eco.accountOf(p).pendingEmission, accrued, "its unsettled emission is kept");
            if (net(decliner) < worstDecliner) worstDecliner = net(decliner);
            assertEq(net(decliner), 0, "the dark input cost the provider nothing");
            assertEq(providerOf(p).bond, bond, "no slash");
            assertEq(providerOf(p).strikes, strikes, "no strike");
        }
        assertEq(uint256(status(id)), uint256(JobStatus.Refunded), "refunded");
        logTokens("attack 7: requester net, dark input", net(r));
        logTokens("attack 7: worst net of a provider declining the dark input", worstDecliner);
        assertEq(net(r), 0, "a dark input gains the requester nothing");
    }

    /// @notice Many jobs at a realistic miss rate (one assignment in ten accepted and then timed out): the requester
    /// pays its fees, getting back fee / maxDeclines per timeout (and the fee after maxDeclines of them).
    function realisticMissRateLoses(address hopeful) internal {
        Params memory prm = eco.params();
        Books memory r = open(group(hopeful));
        uint256 jobs = 40;
        uint256 assignments;
        uint256 timeouts;
        uint256 refunds;
        for (uint256 i; i < jobs; i++) {
            uint256 id = post(hopeful, INFERENCE, prm.minFee);
            while (true) {
                (address p, ) = assignWithin(id, 8);
                assertTrue(p != address(0), "assigned");
                vm.prank(p);
                eco.acceptJob(id);
                if (++assignments % 10 == 0) {
                    vm.warp(eco.job(id).deadline + 1);
                    eco.reportTimeout(id);
                    timeouts++;
                    if (status(id) == JobStatus.Refunded) {
                        refunds++;
                        break;
                    }
                    continue;
                }
                submitAs(p, id);
                vm.warp(block.timestamp + prm.challengeWindowS);
                eco.finalize(id);
                break;
            }
            vm.roll(block.number + 1);
        }
        int256 hopefulNet = net(r);
        uint256 back = timeouts * (prm.minFee / prm.maxDeclines) + refunds * prm.minFee;
        logCount("attack 7: assignments", assignments);
        logCount("attack 7: timeouts", timeouts);
        logTokens("attack 7: requester net over 40 min-fee jobs at a 10 % miss rate", hopefulNet);
        assertEq(hopefulNet, signed(back) - signed(jobs * prm.minFee), "fees paid less a third of a fee per miss");
        assertLt(hopefulNet, 0, "hoping for timeouts loses");
    }

    /// @notice Worst case: all maxDeclines draws of one job accept and miss. The requester's compensation over all of
    /// them is at most its fee (fee / maxDeclines each), then the fee is refunded; the providers that missed (had
    /// they colluded with it) lose far more.
    function everyDrawMissing(address hopeful) internal {
        Params memory prm = eco.params();
        Books memory r = open(group(hopeful));
        uint256 slashed;
        uint256 fee = prm.minFee;
        uint256 id = post(hopeful, INFERENCE, fee);
        uint256 claimBefore = eco.claimable(hopeful);
        for (uint256 m; m < prm.maxDeclines; m++) {
            (address p, ) = assignWithin(id, 8);
            vm.prank(p);
            eco.acceptJob(id);
            uint256 bond = providerOf(p).bond;
            vm.warp(eco.job(id).deadline + 1);
            eco.reportTimeout(id);
            slashed += bond - providerOf(p).bond;
        }
        assertEq(uint256(status(id)), uint256(JobStatus.Refunded), "refunded after maxDeclines misses");
        uint256 compensation = eco.claimable(hopeful) - claimBefore - fee;
        int256 alone = net(r);
        int256 coalition = alone - signed(slashed);
        logTokens("attack 7: requester's compensation when every draw of its job misses", compensation);
        logTokens("attack 7: requester net when every draw of its job misses (refund included)", alone);
        logTokens("attack 7: requester + the providers that missed (their slashes)", coalition);
        assertLe(compensation, fee, "a job's compensation in all never exceeds its fee");
        assertLt(coalition, 0, "causing the misses costs far more than they pay");
    }

    // ─── 8. an identity pauser steers the draw ─────────────────────────────────────────────────────────────────

    function test_attack8_identityPauserCannotSteerTheDraw() public {
        address[4] memory mine;
        address[4] memory others;
        for (uint256 i; i < 4; i++) {
            mine[i] = addProvider("pauser's provider", 1_000 * TOKEN, 1, 4);
            others[i] = addProvider("honest provider", 1_000 * TOKEN, 1, 4);
        }
        vm.roll(block.number + 1);
        uint256 id = post(FEE);
        uint256 drawBlock = eco.job(id).drawBlock;
        vm.roll(drawBlock + 1);
        uint256 seeds = 64;
        uint256 baselineWins;
        uint256 bestWins;
        uint256 vetoes;
        for (uint256 s; s < seeds; s++) {
            vm.setBlockhash(drawBlock, keccak256(abi.encode("attack 8", s)));
            (bool fairWin, bool bestWin, uint256 v) = pauserBestResponse(id, mine);
            if (fairWin) baselineWins++;
            if (bestWin) bestWins++;
            vetoes += v;
        }
        logCount("attack 8: seeds", seeds);
        logCount("attack 8: pauser's wins, pausing not allowed", baselineWins);
        logCount("attack 8: pauser's wins, best subset paused per seed", bestWins);
        logCount("attack 8: (seed, subset) pairs that only vetoed its own win", vetoes);
        assertEq(bestWins, baselineWins, "pausing never turns a draw to the pauser");
        pausingCostsEmission(mine[0]);
    }

    /// @notice For the draw block's hash as set: whether the pauser wins without pausing, whether any subset of its
    /// providers paused before the assign wins it the job, and how many subsets only ended the draw.
    function pauserBestResponse(uint256 id, address[4] memory mine)
        internal
        returns (bool fairWin, bool bestWin, uint256 vetoes)
    {
        uint256 snap = vm.snapshotState();
        eco.assign(id);
        address fair = eco.job(id).provider;
        vm.revertToState(snap);
        assertTrue(fair != address(0), "every provider is idle: the first landing is kept");
        fairWin = isIn(fair, mine);
        bestWin = fairWin;
        for (uint256 m = 1; m < 16; m++) {
            bool pausedWinner;
            for (uint256 i; i < 4; i++) {
                if ((m >> i) & 1 == 0) continue;
                vm.prank(mine[i]);
                eco.pause();
                if (mine[i] == fair) pausedWinner = true;
            }
            eco.assign(id);
            JobView memory j = eco.job(id);
            if (pausedWinner) {
                assertEq(uint256(j.status), uint256(JobStatus.Posted), "the draw ends, not passed on");
                assertEq(j.drawBlock, block.number, "re-seeded from this block");
                vetoes++;
            } else {
                assertEq(j.provider, fair, "pausing others changes nothing");
            }
            if (isIn(j.provider, mine)) bestWin = true;
            vm.revertToState(snap);
        }
    }

    /// @notice Pausing costs the pauser its emission for the time paused.
    function pausingCostsEmission(address p) internal {
        Books memory paused = open(group(p));
        uint256 snap = vm.snapshotState();
        vm.prank(p);
        eco.pause();
        vm.warp(block.timestamp + 600);
        vm.prank(p);
        eco.resume();
        int256 pausedNet = net(paused);
        vm.revertToState(snap);
        Books memory active = open(group(p));
        vm.warp(block.timestamp + 600);
        int256 activeNet = net(active);
        logTokens("attack 8: emission over 600 s, paused", pausedNet);
        logTokens("attack 8: emission over 600 s, active", activeNet);
        assertEq(pausedNet, 0, "nothing accrues while paused");
        assertLt(pausedNet, activeNet, "pausing costs the emission of the paused time");
    }

    // ─── 9. smaller items ──────────────────────────────────────────────────────────────────────────────────────

    /// @notice (a) Rule (v2, round 3): finalize / resolveChallenge / reportTimeout release a provider's collateral at
    /// a moment the caller (anyone) chooses, after the seed is known. Round 2 counted every release as an increase,
    /// so a draw landing on the provider ended there (re-seeded): a competitor could veto the victim's landings at
    /// will. Now a release is no increase unless it frees a full provider's last slot: the victim stays in the draw
    /// set with its free bond raised, so a competitor's calls end no draw, pass none on to anyone else, and can only
    /// turn a landing on the victim that thinning would have rejected into a win of the victim's. The victim here holds
    /// three jobs of four slots (not full): one to finalize, one challenged without quorum, one it never accepted (a
    /// no-show); its lastIncreaseBlock does not move. (A release that comes with a slash also shrinks the victim's
    /// leaf and re-maps the draw: open issue 6 below.)
    function test_attack9a_competitorCallsDoNotKnockAProviderOutOfTheDraw() public {
        Params memory prm = eco.params();
        address victim = addProvider("provider with jobs", 1_000 * TOKEN, 1, 4);
        address challenger = newValidator("validator", 100 * TOKEN);
        vm.roll(block.number + 1);
        uint256 toFinalize = post(100 * TOKEN); // collateral 200 each: the victim's free bond is 400 of 1,000
        assignNow(toFinalize);
        submit(toFinalize);
        uint256 toResolve = post(100 * TOKEN);
        assignNow(toResolve);
        submit(toResolve);
        challengeAs(challenger, toResolve);
        uint256 noShow = post(100 * TOKEN);
        assignNow(noShow); // never accepted: reported after the accept window, released without a slash
        assertEq(providerOf(victim).activeJobs, 3, "three jobs, one slot free");
        address competitor = addProvider("competitor", 1_000 * TOKEN, 1, 4);
        vm.warp(block.timestamp + prm.challengeWindowS + prm.voteWindowS + DEADLINE);
        vm.roll(block.number + 1);
        uint256 id = post(FEE);
        uint256 drawBlock = eco.job(id).drawBlock;
        vm.roll(drawBlock + 1);

        // [victim fair, victim after the calls, draws ended, draws moved to someone other than the victim,
        //  competitor fair, competitor's best (calling or not)]
        uint256[6] memory n;
        for (uint256 s; s < 64; s++) {
            vm.setBlockhash(drawBlock, keccak256(abi.encode("attack 9a", s)));
            uint256[6] memory w = drawWithCompetitorCalls(id, victim, competitor, [toFinalize, toResolve, noShow]);
            for (uint256 k; k < 6; k++) n[k] += w[k];
        }
        logCount("attack 9a: victim's wins of 64, no competitor calls", n[0]);
        logCount("attack 9a: victim's wins of 64 after finalize + resolve + no-show from the same seed", n[1]);
        logCount("attack 9a: draws the calls ended (re-seeded)", n[2]);
        logCount("attack 9a: draws the calls moved to someone other than the victim", n[3]);
        logCount("attack 9a: competitor's wins of 64, no calls", n[4]);
        logCount("attack 9a: competitor's wins of 64, calling where it helps", n[5]);
        assertEq(n[2], 0, "a release by a competitor ends no draw");
        assertEq(n[3], 0, "nor passes one on away from the victim");
        assertGe(n[1], n[0], "the victim keeps every draw it would have won (its free bond only rose)");
        assertEq(n[5], n[4], "the competitor wins nothing by calling");
    }

    /// @notice Draws job `id` from the hash set, as is and (state restored) after a competitor finalizes, resolves and
    /// reports (a no-show) the victim's other jobs. Returns the counts of
    /// {test_attack9a_competitorCallsDoNotKnockAProviderOutOfTheDraw} for this hash.
    function drawWithCompetitorCalls(uint256 id, address victim, address competitor, uint256[3] memory others)
        internal
        returns (uint256[6] memory w)
    {
        uint256 snap = vm.snapshotState();
        eco.assign(id);
        address fair = eco.job(id).provider;
        vm.revertToState(snap);
        if (fair == victim) w[0] = 1;
        if (fair == competitor) w[4] = 1;
        uint256 increase = providerOf(victim).lastIncreaseBlock;
        vm.startPrank(competitor);
        eco.finalize(others[0]);
        eco.resolveChallenge(others[1]);
        eco.reportTimeout(others[2]);
        vm.stopPrank();
        assertEq(providerOf(victim).activeJobs, 0, "all three released");
        assertEq(providerOf(victim).bond, 1_000 * TOKEN, "none of them slashed");
        assertEq(providerOf(victim).lastIncreaseBlock, increase, "releases by others are no increase (not full)");
        eco.assign(id);
        address got = eco.job(id).provider;
        vm.revertToState(snap);
        if (got == victim) w[1] = 1;
        if (got == address(0)) w[2] = 1;
        else if (got != fair && got != victim) w[3] = 1;
        if (fair == competitor || got == competitor) w[5] = 1;
    }

    /// @notice (b) A jailed provider that exits and re-registers keeps its strikes and cannot leave before its jail
    /// would have ended; parameters with unbondingPeriodS < jailCooldownS are refused.
    function test_attack9b_exitingDoesNotWashAJail() public {
        Params memory prm = eco.params();
        address cheat = addProvider("jailed provider", 1_000 * TOKEN, 1, 4);
        fund(cheat, 1_000 * TOKEN);
        vm.roll(block.number + 1);
        Books memory books = open(group(cheat));
        // The cheat is the only provider: all emission is its stake's; set it aside to see what the dance costs.
        uint256 emissionBefore = eco.emitted() + eco.accountOf(cheat).pendingEmission;
        for (uint256 i; i < prm.jailStrikes; i++) {
            uint256 id = post(FEE);
            assignNow(id);
            accept(id); // a strike needs an accepted job (one never accepted is an unslashed no-show)
            vm.warp(block.timestamp + DEADLINE + 1);
            eco.reportTimeout(id);
            vm.roll(block.number + 1);
        }
        assertEq(uint256(providerOf(cheat).status), uint256(ProviderStatus.Jailed), "jailed");
        uint256 jailEnds = providerOf(cheat).jailedUntil;
        vm.prank(cheat);
        eco.requestExit();
        uint256 exitEnds = providerOf(cheat).unbondingEndsAt;
        assertGe(exitEnds, jailEnds, "the exit ends no earlier than the jail");
        vm.warp(jailEnds - 1);
        vm.prank(cheat);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.StillUnbonding.selector, exitEnds));
        eco.withdrawBond(cheat);
        vm.warp(exitEnds);
        vm.prank(cheat);
        eco.withdrawBond(cheat);
        vm.prank(cheat);
        eco.register(1_000 * TOKEN, 1, 4);
        assertEq(providerOf(cheat).strikes, prm.jailStrikes, "the strikes come back with it");
        vm.roll(block.number + 1);
        uint256 next = post(FEE);
        assignNow(next);
        accept(next);
        vm.warp(block.timestamp + DEADLINE + 1);
        eco.reportTimeout(next);
        assertEq(uint256(providerOf(cheat).status), uint256(ProviderStatus.Jailed), "one more miss: jailed again");
        uint256 emission = eco.emitted() + eco.accountOf(cheat).pendingEmission - emissionBefore;
        int256 cheatNet = net(books) - signed(emission);
        logTokens("attack 9b: jailed provider's emission kept (each timeout forfeits it)", emission);
        logTokens("attack 9b: jailed provider's net over the dance, emission aside", cheatNet);
        assertEq(cheatNet, -signed((uint256(prm.jailStrikes) + 1) * collateralOf(FEE)), "every miss slashed");
        assertLt(cheatNet, 0, "exiting and re-registering washes nothing");

        Params memory bad = eco.params();
        bad.unbondingPeriodS = bad.jailCooldownS - 1;
        uint256 floor = bad.jailCooldownS > 2 * uint256(bad.voteWindowS) ? bad.jailCooldownS : 2 * bad.voteWindowS;
        vm.expectRevert(
            abi.encodeWithSelector(EconomyParams.ParamOutOfRange.selector, 12, bad.unbondingPeriodS, floor, 365 days)
        );
        factory.createGenesis(bad, "Short", "SHORT", 0);
    }

    /// @notice (c) WeightTree.reserve refuses to grow a root whose lanes sum past a lane.
    function test_attack9c_weightTreeRefusesAnOverflowingLane() public {
        WeightTreeHarness t = new WeightTreeHarness();
        uint256 max = WeightTree.MAX_LANE;
        t.reserve(4);
        for (uint256 i; i < 4; i++) t.set(i, max);
        assertEq(t.total(), 4 * max, "a one-level tree holds four full lanes");
        vm.expectRevert(abi.encodeWithSelector(WeightTree.WeightOverflow.selector, 4 * max));
        t.reserve(5);
        // Lanes that fit together grow fine, and a sum past a lane on the way up is refused too.
        WeightTreeHarness u = new WeightTreeHarness();
        u.reserve(5);
        u.set(0, max / 2);
        u.set(1, max / 2);
        vm.expectRevert(abi.encodeWithSelector(WeightTree.WeightOverflow.selector, (max / 2) * 2 + 2));
        u.set(2, 2);
        assertEq(u.total(), (max / 2) * 2, "unchanged");
    }

    /// @notice (d) Block numbers and timestamps above 2^32: a whole job, a challenge and a pause still work.
    function test_attack9d_blockNumbersAndTimesPast2To32() public {
        Params memory prm = eco.params();
        address p = addProvider("provider", 1_000 * TOKEN, 1, 4);
        address v = newValidator("validator", 100 * TOKEN);
        vm.roll(2 ** 32 + 100);
        vm.warp(2 ** 32 + 1_000);
        uint256 id = post(FEE);
        assertEq(eco.job(id).drawBlock, 2 ** 32 + 100, "draw block kept past 2^32");
        assertEq(assignNow(id), p, "assigned");
        assertEq(eco.job(id).assignedAt, 2 ** 32 + 1_000, "assignment time kept past 2^32");
        submit(id);
        vm.warp(block.timestamp + prm.challengeWindowS);
        eco.finalize(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "finalized");

        uint256 second = post(FEE);
        assignNow(second);
        submit(second);
        challengeAs(v, second);
        assertGt(eco.challengeOf(second).voteEndsAt, 2 ** 32, "vote end past 2^32");
        vm.warp(block.timestamp + prm.voteWindowS);
        eco.resolveChallenge(second);
        assertEq(uint256(status(second)), uint256(JobStatus.Finalized), "no quorum: the result stands");

        vm.prank(p);
        eco.pause();
        assertEq(providerOf(p).lastIncreaseBlock, block.number, "the block it left, past 2^32");
        vm.roll(block.number + 1);
        vm.prank(p);
        eco.resume();
        vm.prank(p);
        eco.claimEmission(); // withdraw pays the claimable balance; the emission accrued since the resume joins it
        vm.prank(p);
        uint256 paid = eco.withdraw(p);
        logTokens("attack 9d: paid out past 2^32 (fees and emission)", paid);
        assertGt(paid, 2 * payoutOf(FEE), "fees and emission paid");
    }

    // ─── 10. a whale opens more challenges than honest validators could vote in ───────────────────────────────

    /// @notice The parties of attack 10.
    struct Exhaustion {
        address[3] honest;
        address[3] providers;
        address whaleChallenger;
        address whaleVoter;
        address colluder;
        uint256[] ids;
    }

    /// @notice Rule (v2, round 3): a vote locks nothing. In round 2 a vote locked voteSlashBps (10 %) of the voter's
    /// weight until settled, so each honest validator could carry 10 open votes; a whale that revealed 30 challenges
    /// against correct results at once exhausted the honest validators' bonds on the first 10 and, with a voter whose
    /// stake meets the quorum on its own, voted alone in the last seconds on the other 20 — rejecting correct results,
    /// refunding its colluding requester and taking the providers' slashes. Now the honest validators vote in all 30
    /// (nothing locked, 30 open votes each), every correct result stands, and the whale loses its 30 challenge bonds
    /// and what its voter's votes put at risk (capped at its free bond).
    function test_attack10_whaleOpeningManyChallengesCannotVoteAlone() public {
        Params memory prm = eco.params();
        Exhaustion memory x;
        for (uint256 i; i < 3; i++) x.providers[i] = addProvider("honest provider", 2_000 * TOKEN, 1, 16);
        x.honest[0] = newValidator("honest validator", 300 * TOKEN);
        x.honest[1] = newValidator("honest validator", 300 * TOKEN);
        x.honest[2] = newValidator("honest validator", 200 * TOKEN);
        uint256 n = 30;
        x.whaleChallenger = newValidator("whale's challenger", n * uint256(prm.challengeBond));
        x.whaleVoter = newValidator("whale's voter", 600 * TOKEN);
        x.colluder = actor("whale's requester", 10_000 * TOKEN);
        vm.roll(block.number + 1);
        Books memory attacker = open(group(x.whaleChallenger, x.whaleVoter, x.colluder));
        Books memory whaleOnly = open(group(x.whaleChallenger, x.whaleVoter));
        Books memory honestValidators = open(group(x.honest[0], x.honest[1], x.honest[2]));
        Books memory honestProviders = open(group(x.providers[0], x.providers[1], x.providers[2]));
        uint256 fee = 40 * TOKEN; // collateral 80: what each rejected result would slash
        uint256 oldCap = 10_000 / prm.voteSlashBps; // votes a bond carried when each locked voteSlashBps of it
        whaleReveals(x, n, fee);
        ChallengeView memory c = eco.challengeOf(x.ids[0]);
        assertGe(600 * TOKEN, c.quorum, "the whale's voter meets the quorum on its own");
        assertGt(800 * TOKEN, 600 * TOKEN + prm.challengeBond, "the honest validators outweigh the whale");
        assertGt(n, 2 * oldCap, "more challenges at once than a 10 % lock let an honest bond vote in");
        for (uint256 k; k < 3; k++) {
            for (uint256 i; i < n; i++) {
                vm.prank(x.honest[k]);
                eco.vote(x.ids[i], true); // each re-runs the job: the result is correct
            }
            assertEq(eco.validatorOf(x.honest[k]).locked, 0, "30 votes lock nothing");
            assertEq(eco.validatorOf(x.honest[k]).openVotes, n, "30 open votes");
        }
        vm.warp(c.voteEndsAt - 1); // the whale votes last, where it thought nobody else could
        for (uint256 i; i < n; i++) {
            vm.prank(x.whaleVoter);
            eco.vote(x.ids[i], false);
        }
        vm.warp(c.voteEndsAt);
        uint256 stood;
        for (uint256 i; i < n; i++) {
            eco.resolveChallenge(x.ids[i]);
            if (status(x.ids[i]) == JobStatus.Finalized) stood++;
            eco.settleVote(x.ids[i], x.whaleVoter);
            for (uint256 k; k < 3; k++) eco.settleVote(x.ids[i], x.honest[k]);
        }
        int256 attackerNet = net(attacker);
        logCount("attack 10: challenges revealed at once", n);
        logCount("attack 10: votes an honest bond carried at once with a 10 % lock (round 2)", oldCap);
        logCount("attack 10: votes each honest validator cast at once (round 3)", n);
        logCount("attack 10: correct results that stood", stood);
        logTokens("attack 10: whale's voter at risk in all (30 x 60)", n * eco.voteOf(x.ids[0], x.whaleVoter).atRisk);
        logTokens("attack 10: whale's voter slashed (capped at its free bond)", 600 * TOKEN - eco.validatorOf(x.whaleVoter).bond);
        logTokens("attack 10: whale net (challenger + voter)", net(whaleOnly));
        logTokens("attack 10: attacker net (whale + colluding requester's fees)", attackerNet);
        logTokens("attack 10: honest validators net", net(honestValidators));
        logTokens("attack 10: honest providers net (fees, compensation, emission)", net(honestProviders));
        assertEq(stood, n, "every correct result stands");
        assertEq(eco.validatorOf(x.whaleChallenger).bond, 0, "the challenger lost its 30 bonds");
        assertEq(eco.validatorOf(x.whaleVoter).bond, 0, "the voter lost 10 votes' risk, its whole bond");
        assertEq(net(whaleOnly), -signed(n * uint256(prm.challengeBond) + 600 * TOKEN), "bonds lost");
        assertLt(attackerNet, 0, "the whale loses");
        assertLt(0, net(honestValidators), "the honest validators are paid for their 90 votes");
        assertGe(net(honestProviders), signed(n * payoutOf(fee)), "the providers are paid for every job");
    }

    /// @notice The colluding requester posts `n` jobs of `fee`; honest providers deliver correct results; the whale's
    /// challenger commits to all of them in one block and reveals all in the next.
    function whaleReveals(Exhaustion memory x, uint256 n, uint256 fee) internal {
        x.ids = new uint256[](n);
        for (uint256 i; i < n; i++) x.ids[i] = post(x.colluder, INFERENCE, fee);
        for (uint256 i; i < n; i++) {
            (address p, ) = assignWithin(x.ids[i], 8);
            assertTrue(p != address(0), "assigned");
            submitAs(p, x.ids[i]);
        }
        for (uint256 i; i < n; i++) {
            bytes32 salt = keccak256(abi.encode("attack 10", i));
            vm.prank(x.whaleChallenger);
            eco.commitChallenge(keccak256(abi.encode(x.ids[i], x.whaleChallenger, salt)));
        }
        vm.roll(block.number + 1);
        for (uint256 i; i < n; i++) {
            vm.prank(x.whaleChallenger);
            eco.challenge(x.ids[i], keccak256(abi.encode("attack 10", i)), "ipfs://evidence");
        }
    }

    // ─── formerly open issues, closed by v2's draw and quorum rules (issue 5 in round 3) ────────────────────────────
    // Weaknesses found while playing the attacks above, skipped until the contracts closed them; they run always
    // now and assert that the attack fails (the attacker does no better than its honest baseline).

    /// @notice Issue 1 (closed): with `r mod total` every tree write after the draw block re-mapped the point, so a
    /// party with several providers that saw the draw block's hash could add a milli-token of bond to one of them
    /// and re-roll the draw onto another, choosing among as many outcomes of one seed as it tried amounts. v2 maps
    /// the point as a fraction of the total: a top-up of k milli-tokens moves it by at most k, so small top-ups
    /// (1..16 milli-tokens here) change no draw, and the party wins exactly its fair share. (Large top-ups: see
    /// open issue 4 below.)
    function test_closedIssue1_bondAddedAfterTheSeedDoesNotRemapTheDraw() public {
        address[4] memory mine;
        for (uint256 i; i < 4; i++) {
            mine[i] = addProvider("party's provider", 1_000 * TOKEN, 1, 4);
            addProvider("honest provider", 1_000 * TOKEN, 1, 4);
        }
        vm.roll(block.number + 1);
        uint256 id = post(FEE);
        uint256 drawBlock = eco.job(id).drawBlock;
        vm.roll(drawBlock + 1);
        uint256 fair;
        uint256 steered;
        uint256 most;
        for (uint256 s; s < 64; s++) {
            vm.setBlockhash(drawBlock, keccak256(abi.encode("open issue 1", s)));
            uint256 snap = vm.snapshotState();
            eco.assign(id);
            bool won = isIn(eco.job(id).provider, mine);
            vm.revertToState(snap);
            if (won) {
                fair++;
                steered++;
                continue;
            }
            for (uint256 milli = 1; milli <= 16; milli++) {
                vm.prank(mine[0]);
                eco.addBond(milli * 1e15);
                eco.assign(id);
                bool ok = status(id) == JobStatus.Assigned && isIn(eco.job(id).provider, mine);
                vm.revertToState(snap);
                if (ok) {
                    steered++;
                    if (milli > most) most = milli;
                    break;
                }
            }
        }
        logCount("issue 1: party's wins of 64, fair", fair);
        logCount("issue 1: party's wins of 64, adding 1..16 milli-tokens after seeing the seed", steered);
        logCount("issue 1: most milli-tokens added for one draw (kept as bond)", most);
        logTokens("issue 1: party's fee income, fair", signed(fair * payoutOf(FEE)));
        logTokens("issue 1: party's fee income, topping up", signed(steered * payoutOf(FEE)));
        assertEq(steered, fair, "bond added after the draw block must not move the draw to the party's providers");
    }

    /// @dev Four of the party's providers and four honest ones (1,000 tokens, inference, 64 slots each), 48 jobs
    /// assigned so collateral is locked everywhere, and a fresh job whose draw block has just passed.
    function underLoad(string memory party) internal returns (address[4] memory mine, uint256 id, uint256 drawBlock) {
        for (uint256 i; i < 4; i++) {
            mine[i] = addProvider(party, 1_000 * TOKEN, 1, 64);
            addProvider("honest provider", 1_000 * TOKEN, 1, 64);
        }
        for (uint256 i; i < 48; i++) {
            (address p, ) = assignWithin(post(FEE), 8); // load: collateral locked everywhere
            assertTrue(p != address(0), "load assigned");
        }
        vm.roll(block.number + 1);
        id = post(FEE);
        drawBlock = eco.job(id).drawBlock;
        vm.roll(drawBlock + 1);
    }

    /// @notice Issue 2 (closed): under load, a draw may land on one of the pauser's providers, be thinned away (free
    /// / bond) and go on to an honest provider. Pausing that provider after seeing the seed used to end the draw
    /// (re-seeded, a fresh chance): a free veto of draws the pauser would not have won. v2 ends a draw on a provider
    /// that left after the draw block only where the draw would have kept it, so no subset of pauses vetoes an
    /// honest win and the pauser's share stays its fair share. (The same veto by a top-up: issue 5 below.)
    function test_closedIssue2_pauseDoesNotVetoAnHonestWinUnderLoad() public {
        (address[4] memory mine, uint256 id, uint256 drawBlock) = underLoad("pauser's provider");
        uint256 seeds = 200;
        uint256 fairWins;
        uint256 vetoable;
        for (uint256 s; s < seeds; s++) {
            vm.setBlockhash(drawBlock, keccak256(abi.encode("open issue 2", s)));
            uint256 snap = vm.snapshotState();
            eco.assign(id);
            address fair = eco.job(id).provider;
            vm.revertToState(snap);
            if (isIn(fair, mine)) fairWins++;
            if (fair == address(0) || isIn(fair, mine)) continue;
            for (uint256 m = 1; m < 16; m++) {
                for (uint256 i; i < 4; i++) {
                    if ((m >> i) & 1 == 0) continue;
                    vm.prank(mine[i]);
                    eco.pause();
                }
                eco.assign(id);
                bool missed = status(id) == JobStatus.Posted;
                vm.revertToState(snap);
                if (missed) {
                    vetoable++;
                    break;
                }
            }
        }
        logCount("issue 2: seeds", seeds);
        logCount("issue 2: pauser's wins, fair (of 200)", fairWins);
        logCount("issue 2: honest wins the pauser can veto by pausing", vetoable);
        logCount("issue 2: pauser's share with vetoes and re-draws (bps)", (fairWins * 10_000) / (seeds - vetoable));
        logCount("issue 2: pauser's share without (bps)", (fairWins * 10_000) / seeds);
        assertEq(vetoable, 0, "a pause after the seed must only end draws the pauser would have won");
    }

    /// @notice Issue 3 (closed): the challenger's own bond counted toward quorum. Where challengeBond ≥ quorumBps ×
    /// total validator stake (legal: challengeBond may equal validatorMinBond and quorumBps be 1,000), a lone
    /// challenger met quorum alone and, with nobody voting, "invalid" (its bond) outweighed "valid" (0): a correct
    /// result was rejected, the colluding requester refunded and the challenger paid from the provider's slash. v2
    /// counts quorum over voters only: the result stands, and the pair is out the fee of a job it received.
    function test_closedIssue3_loneChallengerDoesNotMeetQuorumWithLegalForkParams() public {
        ParamOverrides memory o;
        o.mask = (1 << 19) | (1 << 21);
        o.values.challengeBond = eco.params().validatorMinBond;
        o.values.quorumBps = 1_000;
        (address f, address t) = factory.fork(address(eco), o, "Edge", "EDGE", bytes32(0), 0, 10_000_000 * TOKEN);
        eco = IEconomy(f);
        tok = EconomyToken(t);
        requester = actor("requester", 100_000 * TOKEN);
        Params memory prm = eco.params();
        address provider = addProvider("honest provider", 1_000 * TOKEN, 1, 4);
        newValidator("offline honest validator", 800 * TOKEN);
        address lone = newValidator("lone validator", prm.validatorMinBond);
        address colluder = actor("colluding requester", 100 * TOKEN);
        vm.roll(block.number + 1);
        Books memory attacker = open(group(lone, colluder));
        uint256 providerBond = providerOf(provider).bond;
        uint256 id = post(colluder, INFERENCE, FEE);
        assignNow(id);
        submit(id); // a correct result
        challengeAs(lone, id);
        vm.warp(block.timestamp + prm.voteWindowS);
        eco.resolveChallenge(id);
        ChallengeView memory c = eco.challengeOf(id);
        logTokens("issue 3: quorum", c.quorum);
        logTokens("issue 3: the challenger's own weight", c.invalidWeight);
        logTokens("issue 3: attacker net (lone validator + requester)", net(attacker));
        logTokens("issue 3: honest provider's bond lost", providerBond - providerOf(provider).bond);
        assertFalse(c.quorumMet, "a lone challenger is no quorum, whatever its bond");
        assertTrue(c.resultValid, "with nobody voting, the result must stand");
        assertEq(providerOf(provider).bond, providerBond, "the honest provider loses nothing");
        assertEq(net(attacker), -signed(FEE), "the pair paid for a job it received, nothing more");
        assertLe(net(attacker), 0, "and the attack must not pay");
    }

    /// @notice Issue 5 (closed in round 3): issue 2's veto, by a top-up instead of a pause. Under load a draw may land
    /// on one of the party's providers, be thinned away (free / bond) and go on to an honest provider. An Active
    /// provider that increased after the draw block used to end any draw that landed on it, kept or not, and adding 1
    /// wei of bond is an increase: the party vetoed the honest win for free (the wei stays its bond) and got a
    /// re-draw. Now an increased provider ends a draw only where the draw would have kept it, as for one that left;
    /// otherwise the draw goes on like any rejection. Across 200 seeds under load no 1-wei top-up after the seed
    /// vetoes an honest win.
    function test_closedIssue5_topUpDoesNotVetoAnHonestWinUnderLoad() public {
        (address[4] memory mine, uint256 id, uint256 drawBlock) = underLoad("party's provider");
        uint256 seeds = 200;
        uint256 fairWins;
        uint256 vetoable;
        for (uint256 s; s < seeds; s++) {
            vm.setBlockhash(drawBlock, keccak256(abi.encode("open issue 2", s)));
            uint256 snap = vm.snapshotState();
            eco.assign(id);
            address fair = eco.job(id).provider;
            vm.revertToState(snap);
            if (isIn(fair, mine)) fairWins++;
            if (fair == address(0) || isIn(fair, mine)) continue;
            for (uint256 i; i < 4; i++) {
                vm.prank(mine[i]);
                eco.addBond(1);
                eco.assign(id);
                bool missed = status(id) == JobStatus.Posted;
                vm.revertToState(snap);
                if (missed) {
                    vetoable++;
                    break;
                }
            }
        }
        logCount("issue 5: seeds", seeds);
        logCount("issue 5: party's wins, fair (of 200)", fairWins);
        logCount("issue 5: honest wins the party can veto with a 1-wei top-up", vetoable);
        logCount("issue 5: party's share with vetoes and re-draws (bps)", (fairWins * 10_000) / (seeds - vetoable));
        logCount("issue 5: party's share without (bps)", (fairWins * 10_000) / seeds);
        assertEq(vetoable, 0, "an increase after the seed must only end draws that would have kept the provider");
    }

    // ─── open issues ───────────────────────────────────────────────────────────────────────────────────────────
    // Weaknesses found while playing the attacks above against v2. Each test asserts what the economy should do and
    // fails against the contracts as they are, so it is skipped unless ATTACKS_OPEN_ISSUES=true (run with -vv to see
    // the figures); drop the skip once the contract closes the issue.

    function openIssuesRun() internal view returns (bool) {
        return vmx.envOr("ATTACKS_OPEN_ISSUES", false);
    }

    /// @notice Open issue 4: the fraction mapping bounds how far a top-up moves the point (at most the top-up), but not
    /// the top-up. A party that sees the draw block's hash and adds a bond comparable to one provider's (kept as its
    /// own bond, earning emission; only the capital is tied up for an unbonding period when it leaves) shifts every
    /// range after the topped-up leaf and moves the point onto another of its providers, or onto the topped-up one
    /// (whose increase ends the draw: a re-roll). Four party and four honest providers of 1,000 each, idle.
    function test_openIssue4_largeTopUpAfterTheSeedSteersTheDraw() public {
        vmx.skip(!openIssuesRun(), "open issue 4: a top-up as large as a provider's bond re-maps the draw");
        address[4] memory mine;
        for (uint256 i; i < 4; i++) {
            mine[i] = addProvider("party's provider", 1_000 * TOKEN, 1, 4);
            addProvider("honest provider", 1_000 * TOKEN, 1, 4);
            fund(mine[i], 1_000 * TOKEN);
        }
        vm.roll(block.number + 1);
        uint256 id = post(FEE);
        uint256 drawBlock = eco.job(id).drawBlock;
        vm.roll(drawBlock + 1);
        // [fair wins, steered wins, re-rolls (draw ended) where not steered, wins by top-up of 1, 10, 100, 1,000]
        uint256[7] memory n;
        for (uint256 s; s < 64; s++) {
            vm.setBlockhash(drawBlock, keccak256(abi.encode("open issue 4", s)));
            (bool fairWin, uint256 steeredBy, bool reRolled) = bestTopUp(id, mine);
            if (fairWin) n[0]++;
            if (fairWin || steeredBy != 0) n[1]++;
            if (!fairWin && steeredBy == 0 && reRolled) n[2]++;
            if (steeredBy == 1) n[3]++;
            if (steeredBy == 10) n[4]++;
            if (steeredBy == 100) n[5]++;
            if (steeredBy == 1_000) n[6]++;
        }
        logCount("open issue 4: party's wins of 64, fair", n[0]);
        logCount("open issue 4: party's wins of 64, topping up (1 to 1,000 tokens) after seeing the seed", n[1]);
        logCount("open issue 4: further honest wins it can re-roll (the draw ends on the topped-up provider)", n[2]);
        logCount("open issue 4: draws steered by a 1-token top-up", n[3]);
        logCount("open issue 4: draws steered by a 10-token top-up", n[4]);
        logCount("open issue 4: draws steered by a 100-token top-up", n[5]);
        logCount("open issue 4: draws steered by a 1,000-token top-up", n[6]);
        logTokens("open issue 4: party's fee income, fair", signed(n[0] * payoutOf(FEE)));
        logTokens("open issue 4: party's fee income, steering", signed(n[1] * payoutOf(FEE)));
        assertEq(n[1], n[0], "bond added after the draw block must not move the draw to the party's providers");
        assertEq(n[2], 0, "nor end a draw the party would not have won");
    }

    /// @notice For the hash set: whether the party wins as is; else the smallest top-up (tokens: 1, 10, 100, 1,000)
    /// of one of its providers after the draw block that wins it the job (0: none), and whether some top-up ended
    /// the draw instead (a re-roll).
    function bestTopUp(uint256 id, address[4] memory mine)
        internal
        returns (bool fairWin, uint256 steeredBy, bool reRolled)
    {
        uint256 snap = vm.snapshotState();
        eco.assign(id);
        fairWin = isIn(eco.job(id).provider, mine);
        vm.revertToState(snap);
        if (fairWin) return (true, 0, false);
        for (uint256 amount = 1; amount <= 1_000; amount *= 10) {
            for (uint256 i; i < 4; i++) {
                vm.prank(mine[i]);
                eco.addBond(amount * TOKEN);
                eco.assign(id);
                bool won = status(id) == JobStatus.Assigned && isIn(eco.job(id).provider, mine);
                if (status(id) == JobStatus.Posted) reRolled = true;
                vm.revertToState(snap);
                if (won) return (false, amount, reRolled);
            }
        }
    }

    /// @notice Open issue 6: a call anyone may make after the seed is known still re-maps the draw where it writes the
    /// tree. A release by finalize / resolve / no-show is no increase and writes no leaf (attack 9a), but two calls
    /// do write one: reportTimeout of an accepted job slashes the provider's collateral out of its bond (its leaf
    /// shrinks by the collateral), and finalizing a full provider's job gives its leaf back (the tree grows by its
    /// bond). The point is a fraction of the total, so a changed total moves every later range, as open issue 4's
    /// top-up does — but here with other providers' weight and at no cost to the caller. A party with two providers
    /// picks, per seed, the subset of such calls (two timeout reports on a victim holding two missed 100-token jobs,
    /// a finalize of a full provider's job) that wins it the job or, failing that, ends the draw (a re-roll).
    function test_openIssue6_thirdPartyCallsThatWriteTheTreeAfterTheSeedSteerTheDraw() public {
        vmx.skip(!openIssuesRun(), "open issue 6: a timeout's slash or a freed last slot after the seed re-maps the draw");
        address[2] memory party;
        uint256[3] memory calls;
        address victim = addProvider("victim", 1_000 * TOKEN, 1, 4);
        vm.roll(block.number + 1);
        for (uint256 i; i < 2; i++) {
            calls[i] = post(100 * TOKEN); // collateral 200
            (address p, ) = assignWithin(calls[i], 8);
            assertEq(p, victim, "the victim is the only provider");
            accept(calls[i]);
        }
        vm.prank(victim);
        eco.pause();
        address full = addProvider("full provider", 1_000 * TOKEN, 1, 1);
        vm.roll(block.number + 1);
        calls[2] = post(FEE);
        (address f, ) = assignWithin(calls[2], 8);
        assertEq(f, full, "the full provider takes its only slot");
        submitAs(full, calls[2]);
        vm.prank(victim);
        eco.resume();
        addProvider("honest provider", 1_000 * TOKEN, 1, 4);
        party[0] = addProvider("party's provider", 1_000 * TOKEN, 1, 4);
        addProvider("honest provider", 1_000 * TOKEN, 1, 4);
        party[1] = addProvider("party's provider", 1_000 * TOKEN, 1, 4);
        vm.warp(block.timestamp + DEADLINE + eco.params().challengeWindowS + 1);
        vm.roll(block.number + 1);
        uint256 id = post(FEE);
        uint256 drawBlock = eco.job(id).drawBlock;
        vm.roll(drawBlock + 1);
        // [fair wins, wins with the best subset, honest wins re-rolled (ended) by a subset, draws changed by a subset,
        //  wins by timeout reports alone, wins by the finalize alone]
        uint256[6] memory n;
        for (uint256 s; s < 64; s++) {
            vm.setBlockhash(drawBlock, keccak256(abi.encode("open issue 6", s)));
            bool[6] memory r = bestCalls(id, party, calls);
            for (uint256 k; k < 6; k++) if (r[k]) n[k]++;
        }
        logCount("open issue 6: party's wins of 64, fair", n[0]);
        logCount("open issue 6: party's wins of 64, choosing which third-party calls to make after the seed", n[1]);
        logCount("open issue 6: further draws it can re-roll (ended on the provider whose leaf came back)", n[2]);
        logCount("open issue 6: draws of 64 some subset of the calls changes", n[3]);
        logCount("open issue 6: party's wins of 64 with timeout reports only (the victim's leaf shrinks)", n[4]);
        logCount("open issue 6: party's wins of 64 with the finalize only (the full provider's leaf comes back)", n[5]);
        logTokens("open issue 6: party's fee income, fair", signed(n[0] * payoutOf(FEE)));
        logTokens("open issue 6: party's fee income, steering", signed(n[1] * payoutOf(FEE)));
        assertEq(n[1], n[0], "calls others' providers must take anyway must not move the draw to the caller");
        assertEq(n[2], 0, "nor end a draw the caller would not have won");
    }

    /// @notice For the hash set: [whether the party wins as is; whether it wins as is or with some non-empty subset of
    /// `calls` (two timeout reports, a finalize) made after the draw block; whether some subset ends the draw instead
    /// (where none wins it); whether any subset changes the outcome; whether it wins as is or by timeout reports
    /// alone; whether it wins as is or by the finalize alone].
    function bestCalls(uint256 id, address[2] memory party, uint256[3] memory calls) internal returns (bool[6] memory r) {
        uint256 snap = vm.snapshotState();
        eco.assign(id);
        address fair = eco.job(id).provider;
        vm.revertToState(snap);
        r[0] = fair == party[0] || fair == party[1];
        (r[1], r[4], r[5]) = (r[0], r[0], r[0]);
        bool reRolled;
        for (uint256 m = 1; m < 8; m++) {
            if (m & 1 != 0) eco.reportTimeout(calls[0]);
            if (m & 2 != 0) eco.reportTimeout(calls[1]);
            if (m & 4 != 0) eco.finalize(calls[2]);
            eco.assign(id);
            address got = eco.job(id).provider;
            vm.revertToState(snap);
            if (got != fair) r[3] = true;
            if (got == address(0)) reRolled = true;
            if (got != party[0] && got != party[1]) continue;
            r[1] = true;
            if (m < 4) r[4] = true;
            if (m == 4) r[5] = true;
        }
        r[2] = !r[1] && reRolled;
    }

    /// @notice Issue 7, closed: a validator that locked its whole bond in junk commitments, then votes against the
    /// outcome in ten challenges, is slashed exactly what its votes put at risk — a losing vote's slash comes from
    /// the whole bond, locked part included — so parking bond in commitments shields nothing.
    function test_closedIssue7_aBondLockedInCommitmentsShieldsNoWrongVote() public {
        Params memory prm = eco.params();
        addProvider("sloppy provider", 2_000 * TOKEN, 1, 16);
        address finder = newValidator("honest challenger", 300 * TOKEN);
        address honest = newValidator("honest validator", 600 * TOKEN);
        address lazy = newValidator("lazy validator", 300 * TOKEN);
        vm.roll(block.number + 1);
        uint256 n = 10;
        uint256[] memory ids = new uint256[](n);
        for (uint256 i; i < n; i++) {
            ids[i] = post(FEE);
            (address p, ) = assignWithin(ids[i], 8);
            vm.prank(p);
            eco.submitResult(ids[i], keccak256("wrong output"), "ipfs://output"); // every result wrong
        }
        uint256 snap = vm.snapshotState();
        (int256 shielded, uint256 slashedShielded, uint256 fees) = lazyVotes(ids, finder, honest, lazy, true);
        vm.revertToState(snap);
        (int256 plain, uint256 slashedPlain, ) = lazyVotes(ids, finder, honest, lazy, false);
        uint256 atRisk = n * ((300 * TOKEN * prm.voteSlashBps) / 10_000);
        logCount("open issue 7: wrong votes of the lazy validator", n);
        logTokens("open issue 7: put at risk by them in all", atRisk);
        logTokens("open issue 7: slashed, bond free", slashedPlain);
        logTokens("open issue 7: slashed, bond locked in 30 junk commitments", slashedShielded);
        logTokens("open issue 7: commitment fees paid to release them", fees);
        logTokens("open issue 7: lazy validator's net, bond free", plain);
        logTokens("open issue 7: lazy validator's net, bond locked", shielded);
        assertEq(slashedPlain, atRisk, "(with its bond free every wrong vote is slashed)");
        assertGe(slashedShielded + fees, atRisk, "locking the bond must not make wrong votes cheaper");
    }

    /// @notice The finder challenges each (wrong) result, the honest validator votes invalid, the lazy one votes
    /// valid; with `shield`, the lazy validator first locks its whole bond in junk commitments and releases them after
    /// its votes are settled. Returns the lazy validator's net, what its votes were slashed and the fees it paid.
    function lazyVotes(uint256[] memory ids, address finder, address honest, address lazy, bool shield)
        internal
        returns (int256 lazyNet, uint256 slashed, uint256 fees)
    {
        Params memory prm = eco.params();
        Books memory books = open(group(lazy));
        uint256 junk = 300 * TOKEN / prm.challengeBond;
        if (shield) {
            for (uint256 k; k < junk; k++) {
                vm.prank(lazy);
                eco.commitChallenge(keccak256(abi.encode("junk", k)));
            }
        }
        for (uint256 i; i < ids.length; i++) {
            bytes32 salt = keccak256(abi.encode("finder", i));
            vm.prank(finder);
            eco.commitChallenge(keccak256(abi.encode(ids[i], finder, salt)));
        }
        vm.roll(block.number + 1);
        for (uint256 i; i < ids.length; i++) {
            vm.prank(finder);
            eco.challenge(ids[i], keccak256(abi.encode("finder", i)), "ipfs://evidence");
            vm.prank(honest);
            eco.vote(ids[i], false);
            vm.prank(lazy);
            eco.vote(ids[i], true);
        }
        vm.warp(eco.challengeOf(ids[0]).voteEndsAt);
        for (uint256 i; i < ids.length; i++) {
            eco.resolveChallenge(ids[i]);
            assertEq(uint256(status(ids[i])), uint256(JobStatus.Rejected), "the wrong result is rejected");
            uint256 bond = eco.validatorOf(lazy).bond;
            eco.settleVote(ids[i], lazy);
            slashed += bond - eco.validatorOf(lazy).bond;
            eco.settleVote(ids[i], honest);
        }
        if (shield) {
            vm.warp(block.timestamp + prm.challengeWindowS + 1);
            uint256 bond = eco.validatorOf(lazy).bond;
            for (uint256 k; k < junk; k++) {
                vm.prank(lazy);
                eco.releaseCommitment(keccak256(abi.encode("junk", k)));
            }
            fees = bond - eco.validatorOf(lazy).bond;
        }
        lazyNet = net(books);
    }

    // ─── 11. a provider claims more tokens than it produced ─────────────────────────────────────────────────────

    /// @notice A job priced per token pays for the tokens its result claims. A provider that generates 40 tokens and
    /// claims the job's 256 to be paid for all of them submits a wrong result: the count is part of what validators
    /// check (the output's token ids), so honest validators challenge and vote it down; the provider is slashed its
    /// collateral (counted on the whole escrow) and paid nothing, the requester gets its whole escrow back. The
    /// attack's net is negative, and worse than the honest claim's.
    uint256 internal constant PT_BASE = TOKEN;
    uint256 internal constant PT_PRICE = TOKEN / 100;
    uint32 internal constant PT_MAX_TOKENS = 256;
    uint32 internal constant PT_PRODUCED = 40;

    function test_attack11_overClaimedTokensAreSlashed() public {
        address cheat = addProvider("over-claiming provider", 1_000 * TOKEN, 1, 4);
        address v1 = newValidator("honest validator", 300 * TOKEN);
        address v2 = newValidator("honest validator", 300 * TOKEN);
        address v3 = newValidator("honest validator", 300 * TOKEN);
        address asker = actor("honest requester", 100 * TOKEN);
        vm.roll(block.number + 1);
        Books memory attacker = open(group(cheat));
        Books memory honestRequester = open(group(asker));
        Books memory honestValidators = open(group(v1, v2, v3));
        vm.prank(asker);
        uint256 id = eco.postJobPerToken(INFERENCE, MODEL, INPUT, "ipfs://input", PT_BASE, PT_PRICE, PT_MAX_TOKENS, DEADLINE);
        assertEq(eco.job(id).fee, PT_BASE + PT_PRICE * PT_MAX_TOKENS, "the whole escrow is the job's fee");
        assertEq(assignNow(id), cheat, "drawn");
        vm.prank(cheat);
        eco.submitResultTokens(id, OUTPUT, "ipfs://output", PT_MAX_TOKENS); // the output holds PT_PRODUCED tokens
        assertEq(eco.job(id).tokens, PT_MAX_TOKENS, "the claim is on-chain for validators to check");
        challengeAs(v1, id); // v1 re-scores the output: 40 token ids, not 256
        vm.prank(v2);
        eco.vote(id, false);
        vm.prank(v3);
        eco.vote(id, false);
        vm.warp(block.timestamp + eco.params().voteWindowS);
        eco.resolveChallenge(id);
        eco.settleVote(id, v2);
        eco.settleVote(id, v3);
        assertEq(uint256(status(id)), uint256(JobStatus.Rejected), "rejected");
        int256 attackerNet = net(attacker);
        int256 honestClaim = signed(payoutOf(PT_BASE + PT_PRICE * PT_PRODUCED));
        logTokens("attack 11: over-claiming provider net", attackerNet);
        logTokens("attack 11: what the honest claim would have paid", honestClaim);
        logTokens("attack 11: honest requester net", net(honestRequester));
        logTokens("attack 11: honest validators net", net(honestValidators));
        assertLe(attackerNet, -signed(collateralOf(PT_BASE + PT_PRICE * PT_MAX_TOKENS)), "slashed its collateral on the whole escrow");
        assertLt(attackerNet, 0, "the attack loses");
        assertLt(attackerNet, honestClaim, "and does worse than claiming the truth");
        assertEq(net(honestRequester), 0, "the requester gets its whole escrow back");
        assertLt(0, net(honestValidators), "the validators are paid from the slash");
    }
}
