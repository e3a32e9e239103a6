// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {Vm} from "./lib/Test.sol";
import {Economy} from "../src/Economy.sol";
import {IEconomyEvents} from "../src/interfaces/IEconomyEvents.sol";
import {JobStatus, ProviderView} from "../src/interfaces/EconomyTypes.sol";

/// @notice forge's cheatcode that marks an account's storage cold again (the project's Vm interface lacks it).
interface VmCool {
    function cool(address target) external;
}

/// @notice The on-chain draw (v2): frequencies proportional to free bond over the providers eligible for a job, one
/// tree per job kind, full providers without a leaf, lazy leave (a provider that leaves after a draw's seed ends that
/// draw instead of passing it on), and a bounded random path that re-seeds instead of reverting.
contract DrawTest is EconomyFixture {
    /// @dev Shown by `forge test -vv` under "Logs".
    event log_named_uint(string key, uint256 val);

    /// @dev The top-up of the fraction-mapping test, in milli-tokens (tree units).
    uint256 internal constant TOP_UP = 10;

    /// @dev Draws the same job `n` times from the same state, each time with a different hash of its draw block.
    /// counts[who.length] counts anyone else; counts[who.length + 1] the calls that kept nobody (DrawMissed: the job
    /// stays Posted and is re-seeded; conditioned on success the distribution is the same).
    function drawMany(uint256 jobId, uint256 n, address[] memory who) internal returns (uint256[] memory counts) {
        counts = new uint256[](who.length + 2);
        uint256 drawBlock = eco.job(jobId).drawBlock;
        uint256 here = block.number;
        for (uint256 i; i < n; i++) {
            uint256 snap = vm.snapshotState();
            vm.setBlockhash(drawBlock, keccak256(abi.encode("draw", jobId, i)));
            vm.roll(drawBlock + 1);
            eco.assign(jobId);
            if (eco.job(jobId).status == JobStatus.Posted) {
                counts[who.length + 1]++;
            } else {
                address drawn = eco.job(jobId).provider;
                uint256 k;
                while (k < who.length && who[k] != drawn) k++;
                counts[k]++; // k == who.length: someone unexpected
            }
            vm.revertToState(snap);
            vm.roll(here);
        }
    }

    /// @dev The first of 64 seeds for which assigning `jobId` in the current state draws `want` (state restored).
    function seedDrawing(uint256 jobId, address want) internal returns (bytes32 seed) {
        uint256 drawBlock = eco.job(jobId).drawBlock;
        uint256 here = block.number;
        for (uint256 s; s < 64; s++) {
            seed = keccak256(abi.encode("pick", jobId, s));
            uint256 snap = vm.snapshotState();
            vm.setBlockhash(drawBlock, seed);
            vm.roll(drawBlock + 1);
            eco.assign(jobId);
            address got = eco.job(jobId).provider;
            vm.revertToState(snap);
            vm.roll(here);
            if (got == want) return seed;
        }
        revert("no seed draws the provider");
    }

    /// @dev The point attempt `attempt` of the draw of `jobId` lands on when its draw block's hash is `h` and the
    /// kind's tree totals `total` (the contract's mapping: a fraction of the total, `(uint128(r) × total) >> 128`).
    function pointOf(uint256 jobId, bytes32 h, uint256 attempt, uint256 total) internal view returns (uint256) {
        return (uint256(uint128(bitsOf(jobId, h, attempt))) * total) >> 128;
    }

    /// @dev The random word of an attempt, as {Economy-assign} derives it from the draw block's hash.
    function bitsOf(uint256 jobId, bytes32 h, uint256 attempt) internal view returns (uint256) {
        bytes32 seed = keccak256(abi.encode(h, address(eco), jobId));
        return uint256(keccak256(abi.encode(seed, attempt)));
    }

    /// @dev The provider whose inference leaf holds `point` (leaves in id order, as the tree lays them out).
    function leafAt(uint256 point) internal view returns (address) {
        uint256 n = eco.providerCount();
        for (uint32 id = 1; id <= n; id++) {
            address a = eco.providerById(id).account;
            uint256 w = providerOf(a).treeWeight;
            if (point < w) return a;
            point -= w;
        }
        return address(0);
    }

    /// @dev The first of 256 hashes whose first attempt for `jobId` lands on `want` in the tree as it is now.
    function hashLandingOn(uint256 jobId, address want) internal view returns (bytes32 h) {
        uint256 total = eco.totalWeight(INFERENCE);
        for (uint256 s; s < 256; s++) {
            h = keccak256(abi.encode("land", jobId, s));
            if (leafAt(pointOf(jobId, h, 0, total)) == want) return h;
        }
        revert("no hash lands on the provider");
    }

    /// @dev Pearson's chi-square statistic, scaled by 1e6.
    function chiSquare(uint256[] memory observed, uint256[] memory weights, uint256 n) internal pure returns (uint256 x) {
        uint256 total;
        for (uint256 i; i < weights.length; i++) total += weights[i];
        for (uint256 i; i < weights.length; i++) {
            uint256 expected = (n * weights[i] * 1e6) / total; // scaled by 1e6
            uint256 obs = observed[i] * 1e6;
            uint256 d = obs > expected ? obs - expected : expected - obs;
            x += (d * d) / expected;
        }
    }

    function pair(address a, address b) internal pure returns (address[] memory who) {
        who = new address[](2);
        (who[0], who[1]) = (a, b);
    }

    // ─── frequencies ───────────────────────────────────────────────────────────────────────────────────────────

    function test_drawFrequencyIsProportionalToFreeBond() public {
        // C locks 300 of its 500 bond on an earlier job: free 200. D serves fine-tune only: not in this job's tree.
        address c = addProvider("c", 500 * TOKEN, 3, 4);
        uint256 first = post(150 * TOKEN); // collateral 300
        assignNow(first);
        vm.roll(block.number + 1);
        address a = addProvider("a", 1_000 * TOKEN, 3, 4);
        address b = addProvider("b", 2_000 * TOKEN, 3, 4);
        address d = addProvider("d", 1_000 * TOKEN, 2, 4);
        vm.roll(block.number + 1);
        uint256 id = post(10 * TOKEN);
        address[] memory who = new address[](4);
        (who[0], who[1], who[2], who[3]) = (a, b, c, d);
        uint256[] memory counts = drawMany(id, 3_000, who);
        assertEq(counts[3], 0, "a provider of another kind is never drawn");
        assertEq(counts[4], 0, "nobody else is drawn");
        // Each attempt is kept with probability 3,200 / 3,500 = 0.91: all eight fail about once in 3e8 calls.
        assertEq(counts[5], 0, "no misses");
        uint256 n = counts[0] + counts[1] + counts[2];
        uint256[] memory observed = new uint256[](3);
        uint256[] memory weights = new uint256[](3);
        (observed[0], observed[1], observed[2]) = (counts[0], counts[1], counts[2]);
        (weights[0], weights[1], weights[2]) = (1_000, 2_000, 200); // free bond
        // Chi-square with 2 degrees of freedom: 13.82 is the 0.1 % critical value.
        uint256 x = chiSquare(observed, weights, n);
        assertLt(x, 13_820_000, "frequencies match free bond (chi-square, p > 0.001)");
        // And the 1,000-token provider is drawn about five times as often as the mostly locked one.
        assertGt(counts[0], 3 * counts[2], "free bond matters");
    }

    function test_drawFrequencyOverManyProviders() public {
        uint256 k = 12;
        address[] memory who = new address[](k);
        uint256[] memory weights = new uint256[](k);
        for (uint256 i; i < k; i++) {
            uint256 bond = (100 + 150 * ((i * 5) % k)) * TOKEN;
            // Profiles vary too; they must not matter.
            who[i] = addProvider("p", bond, uint8(1 + (i % 2) * 2), uint8(1 + i));
            weights[i] = bond / 1e18;
        }
        vm.roll(block.number + 1);
        uint256 id = post(10 * TOKEN);
        uint256 n = 4_000;
        uint256[] memory counts = drawMany(id, n, who);
        assertEq(counts[k], 0, "only registered providers");
        assertEq(counts[k + 1], 0, "everyone eligible: never a miss");
        uint256[] memory observed = new uint256[](k);
        for (uint256 i; i < k; i++) observed[i] = counts[i];
        // 11 degrees of freedom: 31.26 is the 0.1 % critical value.
        assertLt(chiSquare(observed, weights, n), 31_260_000, "frequencies match the bonds");
    }

    /// @dev Weight is the bond and nothing else: two providers with equal bonds but different kinds and capacities
    /// (and one that changes its profile) have equal weights and are drawn equally often: 400 draws, each ~ Bernoulli
    /// (1/2), so the count of one is 200 ± 40 (4 sigma, sigma = 10).
    function test_weightIsBondOnly_equalBondsAreDrawnEqually() public {
        address a = addProvider("a", 1_000 * TOKEN, 3, 64);
        address b = addProvider("b", 1_000 * TOKEN, 1, 1);
        assertEq(providerOf(a).treeWeight, providerOf(b).treeWeight, "equal bonds, equal leaves");
        assertEq(providerOf(a).weight, providerOf(b).weight, "equal weights");
        assertEq(eco.totalWeight(INFERENCE), 2 * (1_000 * TOKEN / 1e15), "tree total = sum of bonds in milli-tokens");
        // Everything the provider itself sets (kinds, capacity) leaves its weight alone.
        vm.startPrank(b);
        eco.pause();
        eco.updateProfile(3, 2);
        eco.resume();
        vm.stopPrank();
        assertEq(providerOf(b).treeWeight, providerOf(a).treeWeight, "a new profile, the same weight");
        assertEq(eco.totalWeight(FINE_TUNE), 2 * (1_000 * TOKEN / 1e15), "both now in the fine-tune tree, same weight");
        vm.roll(block.number + 1);
        uint256 id = post(10 * TOKEN);
        uint256[] memory counts = drawMany(id, 400, pair(a, b));
        emit log_named_uint("equal bonds: draws of a out of 400", counts[0]);
        assertEq(counts[2], 0, "nobody else");
        assertEq(counts[3], 0, "no misses");
        assertEq(counts[0] + counts[1], 400, "all assigned");
        assertGe(counts[0], 160, "a inside the 4-sigma band");
        assertLe(counts[0], 240, "a inside the 4-sigma band");
    }

    // ─── per-kind trees ────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Each kind has its own tree: a provider serving only fine-tunes has no inference leaf, so it never gets an
    /// inference job and its bond does not thin the inference draw (and the other way round).
    function test_perKindTrees_fineTuneOnlyProviderNeverGetsInference() public {
        address ft = addProvider("fine-tune only", 9_000 * TOKEN, 2, 4);
        address inf = addProvider("inference only", 1_000 * TOKEN, 1, 4);
        assertEq(eco.totalWeight(INFERENCE), 1_000 * TOKEN / 1e15, "inference tree: the inference provider only");
        assertEq(eco.totalWeight(FINE_TUNE), 9_000 * TOKEN / 1e15, "fine-tune tree: the fine-tune provider only");
        vm.roll(block.number + 1);
        uint256 id = post(10 * TOKEN);
        uint256[] memory counts = drawMany(id, 200, pair(inf, ft));
        assertEq(counts[0], 200, "every inference job to the inference provider, at the first call");
        assertEq(counts[1], 0, "never to the fine-tune-only provider");
        uint256 tune = post(requester, FINE_TUNE, 10 * TOKEN);
        vm.roll(block.number + 1);
        counts = drawMany(tune, 200, pair(inf, ft));
        assertEq(counts[1], 200, "every fine-tune job to the fine-tune provider");
        assertEq(counts[0], 0, "never to the inference-only provider");
    }

    /// @dev Liveness of a minority kind. Providers holding 10 % of the bond serve inference; one holding 90 % serves
    /// only fine-tune. 1,000 inference jobs are posted (each with its own seed) and run through: assign is called at
    /// drawBlock + 1 and, on DrawMissed, again in each next block; every job must be assigned within 3 blocks.
    /// Target: P(assigned within 3 blocks) ≥ 99.9 %, so 0 failures out of 1,000 is the expected outcome. With one
    /// shared tree (v1) 90 % of each attempt's mass would be rejected and all 8 attempts would fail for 0.9^8 = 43 %
    /// of the calls; with a tree per kind the fine-tune bond is not in the inference draw at all, and an attempt is
    /// rejected only by thinning (locked / bond, under 7 % here), so a first-call miss has probability < 0.07^8.
    /// Observed (seeds below): 0 first-call misses, every job assigned at the first call.
    function test_perKindTrees_honestMinorityKindIsLive() public {
        address[3] memory inf;
        inf[0] = addProvider("inference 300", 300 * TOKEN, 1, 4);
        inf[1] = addProvider("inference 300", 300 * TOKEN, 1, 4);
        inf[2] = addProvider("inference 400", 400 * TOKEN, 1, 4);
        address whale = addProvider("fine-tune 9000", 9_000 * TOKEN, 2, 64);
        assertEq(eco.totalWeight(INFERENCE) * 9, eco.totalWeight(FINE_TUNE), "10 % of the bond serves inference");
        uint256 jobs = 1_000;
        uint256 inFlight = 6; // jobs kept open (assigned, submitted) before finalizing, so bonds carry locks
        uint256[] memory ids = new uint256[](jobs);
        uint256 firstCallMisses;
        uint256 worstCalls;
        uint256[3] memory perProvider;
        vm.roll(block.number + 1);
        for (uint256 i; i < jobs; i++) {
            // Finalize the job posted `inFlight` jobs ago (its challenge window has passed), then post this one.
            if (i >= inFlight) eco.finalize(ids[i - inFlight]);
            uint256 id = post(TOKEN); // collateral 5
            ids[i] = id;
            uint256 calls;
            while (eco.job(id).status == JobStatus.Posted) {
                uint256 drawBlock = eco.job(id).drawBlock;
                vm.setBlockhash(drawBlock, keccak256(abi.encode("liveness", i, calls)));
                vm.roll(drawBlock + 1);
                eco.assign(id);
                calls++;
                assertLe(calls, 3, "assigned within 3 blocks");
            }
            if (calls > 1) firstCallMisses++;
            if (calls > worstCalls) worstCalls = calls;
            address drawn = eco.job(id).provider;
            assertTrue(drawn != whale, "never the fine-tune-only provider");
            for (uint256 k; k < 3; k++) if (drawn == inf[k]) perProvider[k]++;
            submit(id);
            vm.warp(block.timestamp + 11);
        }
        emit log_named_uint("minority kind: jobs", jobs);
        emit log_named_uint("minority kind: first-call misses", firstCallMisses);
        emit log_named_uint("minority kind: most calls for one job", worstCalls);
        emit log_named_uint("minority kind: jobs of inference 300 #1", perProvider[0]);
        emit log_named_uint("minority kind: jobs of inference 300 #2", perProvider[1]);
        emit log_named_uint("minority kind: jobs of inference 400", perProvider[2]);
        assertEq(perProvider[0] + perProvider[1] + perProvider[2], jobs, "every job to an inference provider");
        assertLe(firstCallMisses, 1, "first-call misses: expected 0 (target < 1 per 1,000 jobs)");
        // Each inference provider gets its share (expected 300 / 300 / 400; 4-sigma band of ±60).
        for (uint256 k; k < 3; k++) assertGe(perProvider[k], 240, "a fair share");
    }

    // ─── full providers ────────────────────────────────────────────────────────────────────────────────────────

    /// @dev A full provider has no leaf (a job it can never take does not stand in the way) and gets it back when a job
    /// of its finalizes; getting its leaf back counts as an increase in the block of the finalize. Rule (v2): a draw
    /// seeded while it was full that lands on it ENDS (DrawMissed, re-seeded) instead of skipping it (it was
    /// skipped): whoever calls finalize chooses when, and a skip would let that caller pass the job on to someone
    /// else from the same seed. So b gets the job only where the first attempt lands on b (about half the calls).
    function test_fullProviderHasNoLeafUntilAJobFinalizes() public {
        address a = addProvider("a, capacity 1", 1_000 * TOKEN, 3, 1);
        address b = addProvider("b, capacity 4", 1_000 * TOKEN, 3, 4);
        uint256 w = 1_000 * TOKEN / 1e15;
        vm.roll(block.number + 1);
        uint256 j1 = post(10 * TOKEN);
        assertEq(assignWith(j1, seedDrawing(j1, a)), a, "a takes its only slot");
        assertEq(providerOf(a).treeWeight, 0, "full: no leaf");
        assertEq(providerOf(a).weight, 0, "full: not drawable");
        assertEq(eco.totalWeight(INFERENCE), w, "only b's leaf left");
        assertEq(eco.totalWeight(FINE_TUNE), w, "in every kind's tree");
        submit(j1);
        vm.warp(block.timestamp + 60);
        // j2 is seeded while a is full; a's job finalizes in the block after, before j2's draw.
        uint256 j2 = post(10 * TOKEN);
        uint256 drawBlock = block.number;
        vm.roll(drawBlock + 1);
        eco.finalize(j1);
        assertEq(providerOf(a).treeWeight, w, "leaf back");
        assertEq(eco.totalWeight(INFERENCE), 2 * w, "tree total back");
        assertEq(providerOf(a).lastIncreaseBlock, drawBlock + 1, "getting its leaf back is an increase");
        uint256[] memory counts = drawMany(j2, 100, pair(a, b));
        emit log_named_uint("seeded while a was full: draws of b out of 100 (the rest re-seeded)", counts[1]);
        assertEq(counts[0], 0, "never a, from a draw seeded while it was full");
        assertEq(counts[2], 0, "nobody else");
        assertEq(counts[1] + counts[3], 100, "b, or the draw ends on a and is re-seeded");
        // Binomial(100, 1/2): 50 ± 25 is a 5-sigma band.
        assertGe(counts[3], 25, "a landing on a ends the draw (about half)");
        assertGe(counts[1], 25, "b where the first attempt lands on b (about half)");
        // A job seeded after the finalize sees a again.
        uint256 j3 = post(10 * TOKEN);
        vm.roll(block.number + 1);
        counts = drawMany(j3, 100, pair(a, b));
        assertGt(counts[0], 25, "a drawn again");
        assertGt(counts[1], 25, "as is b");
    }

    // ─── lazy leave ────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev A provider drawn for seed S that pauses after the draw block (having seen S) cannot pass the job on: the
    /// draw ends there (DrawMissed), the job is re-seeded from the current block and nobody gets it from S.
    function test_lazyLeave_pausingAfterTheDrawBlockEndsTheDraw() public {
        address a = addProvider("a", 1_000 * TOKEN);
        address b = addProvider("b", 1_000 * TOKEN);
        vm.roll(block.number + 1);
        uint256 id = post(10 * TOKEN);
        uint256 drawBlock = block.number;
        bytes32 s = seedDrawing(id, a);
        vm.setBlockhash(drawBlock, s);
        vm.roll(drawBlock + 1);
        vm.prank(a);
        eco.pause(); // after the draw block: S is known
        vm.expectEmit(address(eco));
        emit IEconomyEvents.DrawMissed(id, drawBlock + 1);
        eco.assign(id);
        assertEq(uint256(status(id)), uint256(JobStatus.Posted), "still posted");
        assertEq(eco.job(id).provider, address(0), "b did not get it from S");
        assertEq(eco.job(id).drawBlock, drawBlock + 1, "re-seeded from the current block");
        assertEq(providerOf(b).activeJobs, 0, "b untouched");
        assertEq(eco.totalWeight(INFERENCE), 2 * (1_000 * TOKEN / 1e15), "a's leaf kept (not pruned by this draw)");
        // The next draw, from a hash nobody knew when a paused, prunes a (it left by then) and goes on to b.
        vm.setBlockhash(drawBlock + 1, keccak256("next"));
        vm.roll(drawBlock + 2);
        eco.assign(id);
        assertEq(eco.job(id).provider, b, "b from the new seed");
    }

    /// @dev A provider that left before the draw block (its leaf still in the tree) is pruned when the draw lands on
    /// it, and the same draw goes on to someone else: same seed S as above, different outcome.
    function test_lazyLeave_pausedBeforeTheDrawBlockIsPrunedAndTheDrawGoesOn() public {
        address a = addProvider("a", 1_000 * TOKEN);
        address b = addProvider("b", 1_000 * TOKEN);
        uint256 w = 1_000 * TOKEN / 1e15;
        uint256 before = block.number;
        vm.roll(before + 1);
        // Find a seed that lands on a for the job that will be posted in this block (then undo the post).
        uint256 snap = vm.snapshotState();
        uint256 id = post(10 * TOKEN);
        bytes32 s = seedDrawing(id, a);
        vm.revertToState(snap);
        vm.roll(before);
        vm.prank(a);
        eco.pause(); // before the draw block
        assertEq(eco.totalWeight(INFERENCE), 2 * w, "leaf kept while nobody has drawn it");
        vm.roll(before + 1);
        assertEq(post(10 * TOKEN), id, "the same job");
        vm.setBlockhash(before + 1, s);
        vm.roll(before + 2);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.JobAssigned(id, b, 20 * TOKEN, block.timestamp + DEADLINE);
        eco.assign(id);
        assertEq(eco.job(id).provider, b, "the draw went on to b");
        assertEq(providerOf(a).treeWeight, 0, "a's leaf pruned");
        assertEq(eco.totalWeight(INFERENCE), w, "tree total dropped by a's weight");
        assertEq(eco.totalWeight(FINE_TUNE), w, "pruned from every tree");
    }

    // ─── the requester's own provider account ──────────────────────────────────────────────────────────────────

    /// @dev A requester that is also a provider is never drawn for its own job (a self-dealt job would buy nothing
    /// but could farm the draw); other requesters' jobs still reach it.
    function test_requesterIsNeverDrawnForItsOwnJob() public {
        address r = addProvider("requester and provider", 1_000 * TOKEN);
        address q = addProvider("q", 1_000 * TOKEN);
        vm.roll(block.number + 1);
        uint256 own = post(r, INFERENCE, TOKEN);
        uint256 other = post(TOKEN);
        vm.roll(block.number + 1);
        uint256[] memory counts = drawMany(own, 200, pair(r, q));
        emit log_named_uint("own job: misses out of 200 (eight attempts all on itself)", counts[3]);
        assertEq(counts[0], 0, "never its own job");
        assertEq(counts[2], 0, "nobody else");
        assertEq(counts[1] + counts[3], 200, "q, or a miss (1 in 256) to be re-seeded");
        counts = drawMany(other, 200, pair(r, q));
        assertGt(counts[0], 60, "another requester's job reaches it");
    }

    // ─── what counts as an increase ────────────────────────────────────────────────────────────────────────────

    /// @dev Rule (v2, round 3): a collateral release by finalize, resolveChallenge or reportTimeout (timeout or
    /// no-show) is NOT an increase: anyone may call them, so counting them would let a competitor end (veto) the draws
    /// landing on a provider at a moment of its choosing. Two things are: a release that frees a full provider's last
    /// slot (its leaves come back: it was not in the draw set of draws seeded while it was full) and a decline (the
    /// provider's own doing, after it saw the seed). lastIncreaseBlock shows which.
    function test_whatCountsAsAnIncrease() public {
        uint256 fee = 10 * TOKEN;
        address a = addProvider("a, inference, 8 slots", 1_000 * TOKEN, 1, 8);
        address b = addProvider("b, fine-tune, 1 slot", 1_000 * TOKEN, 2, 1);
        address v = newValidator("v", 100 * TOKEN);
        vm.roll(block.number + 1);
        uint256 registered = providerOf(a).lastIncreaseBlock;
        uint256 fin = post(fee);
        assertEq(assignNow(fin), a, "a is the only inference provider");
        submit(fin);
        uint256 res = post(fee);
        assignNow(res);
        submit(res);
        challengeAs(v, res); // nobody votes: no quorum, the result stands and the collateral is released
        uint256 noShow = post(fee);
        assignNow(noShow);
        uint256 late = post(fee);
        assignNow(late);
        accept(late);
        assertEq(providerOf(a).activeJobs, 4, "four of eight slots");
        vm.warp(block.timestamp + 121);
        vm.roll(block.number + 1);
        address third = makeAddr("third party");
        vm.startPrank(third);
        eco.finalize(fin);
        assertEq(providerOf(a).lastIncreaseBlock, registered, "a third party's finalize is no increase");
        eco.resolveChallenge(res);
        assertEq(uint256(status(res)), uint256(JobStatus.Finalized), "no quorum: finalized");
        assertEq(providerOf(a).lastIncreaseBlock, registered, "nor a resolve");
        eco.reportTimeout(noShow);
        assertEq(providerOf(a).lastIncreaseBlock, registered, "nor a no-show report");
        eco.reportTimeout(late);
        assertEq(providerOf(a).bond, 980 * TOKEN, "the timeout slashed");
        assertEq(providerOf(a).lastIncreaseBlock, registered, "nor a timeout");
        vm.stopPrank();
        assertEq(providerOf(a).activeJobs, 0, "every slot released");
        // A decline is the provider's own doing: an increase.
        vm.roll(block.number + 1);
        uint256 declined = post(fee);
        assignNow(declined);
        vm.prank(a);
        eco.declineJob(declined, 1);
        assertEq(providerOf(a).lastIncreaseBlock, block.number, "a decline is an increase");
        // A full provider's freed last slot is an increase (its leaves come back), whoever calls.
        uint256 tune = post(requester, FINE_TUNE, fee);
        assertEq(assignNow(tune), b, "b takes its only slot");
        assertEq(providerOf(b).treeWeight, 0, "full: no leaf");
        uint256 bIncrease = providerOf(b).lastIncreaseBlock;
        submit(tune);
        vm.warp(block.timestamp + 60);
        vm.roll(block.number + 1);
        vm.prank(third);
        eco.finalize(tune);
        assertGt(block.number, bIncrease, "(a later block)");
        assertEq(providerOf(b).lastIncreaseBlock, block.number, "a freed last slot is an increase");
        assertEq(providerOf(b).treeWeight, 1_000 * TOKEN / 1e15, "its leaf back");
    }

    /// @dev Rule (v2, round 3): a finalize by a third party between the draw block and assign releases the
    /// provider's collateral but is no increase when the provider was not full, so it neither ends a draw that lands
    /// on the provider nor passes it on to someone else from the same seed (round 2 counted every release as an
    /// increase, which let any caller veto the provider's landings). The freed bond can only help the provider's own
    /// thinning, so across 200 seeds every draw goes where it went without the finalize, or to the provider itself.
    function test_thirdPartyFinalizeAfterTheDrawBlockNeitherEndsNorRedirectsADrawOnANonFullProvider() public {
        address a = addProvider("a", 1_000 * TOKEN);
        address b = addProvider("b", 1_000 * TOKEN);
        vm.roll(block.number + 1);
        uint256 j1 = post(100 * TOKEN); // collateral 200: a's free bond 800 until j1 finalizes
        assertEq(assignWith(j1, seedDrawing(j1, a)), a, "a runs j1");
        submit(j1);
        vm.warp(block.timestamp + 60);
        uint256 j2 = post(10 * TOKEN);
        uint256 drawBlock = block.number;
        bytes32 s = seedDrawing(j2, a); // without the finalize, S draws a
        uint256 before = providerOf(a).lastIncreaseBlock;
        vm.setBlockhash(drawBlock, s);
        vm.roll(drawBlock + 1);
        uint256 snap = vm.snapshotState();
        vm.prank(makeAddr("third party"));
        eco.finalize(j1);
        assertEq(providerOf(a).lastIncreaseBlock, before, "a release by a third party is no increase");
        assertLt(providerOf(a).lastIncreaseBlock, drawBlock + 1, "(so a stays in S's draw set)");
        eco.assign(j2);
        assertEq(eco.job(j2).provider, a, "S still draws a: the draw neither ends nor passes on");
        vm.revertToState(snap);
        // Every seed: the same outcome as without the finalize, or a (whose thinning the freed bond can only help).
        // n[0] unchanged, n[1] moved to a, n[2] ended, n[3] moved to someone else
        uint256[4] memory n;
        for (uint256 i; i < 200; i++) {
            bytes32 h = keccak256(abi.encode("third-party finalize", i));
            vm.setBlockhash(drawBlock, h);
            uint256 snap2 = vm.snapshotState();
            eco.assign(j2);
            address fair = eco.job(j2).provider;
            vm.revertToState(snap2);
            eco.finalize(j1);
            eco.assign(j2);
            address got = eco.job(j2).provider;
            vm.revertToState(snap2);
            if (got == fair) n[0]++;
            else if (got == address(0)) n[2]++;
            else if (got == a) n[1]++;
            else n[3]++;
        }
        emit log_named_uint("third-party finalize: draws unchanged of 200", n[0]);
        emit log_named_uint("third-party finalize: draws moved to a (a's thinning passed with the freed bond)", n[1]);
        emit log_named_uint("third-party finalize: draws ended", n[2]);
        emit log_named_uint("third-party finalize: draws moved to someone else", n[3]);
        assertEq(n[2], 0, "no draw ends");
        assertEq(n[3], 0, "no draw is passed on away from a");
        assertEq(n[0] + n[1], 200, "all accounted for");
        assertEq(providerOf(b).activeJobs, 0, "(b untouched by the probes)");
    }

    /// @dev A decline is the provider's own increase, made after it saw the seed: a draw seeded before it that lands on
    /// the provider and would keep it ends (DrawMissed) instead of skipping it (v1 skipped it and went on to b from the
    /// same seed, which let a provider that saw the seed choose, by declining or not, between keeping its slot and
    /// handing the new job to someone else). Rule (v2, round 3): where the draw would not have kept it (here: it is
    /// excluded from that job), the increase ends nothing and the draw goes on as for any rejection, so an increase
    /// can never veto someone else's draw.
    function test_declineAfterTheDrawBlockCountsAsAnIncrease() public {
        address a = addProvider("a", 1_000 * TOKEN);
        address b = addProvider("b", 1_000 * TOKEN);
        vm.roll(block.number + 1);
        uint256 j1 = post(10 * TOKEN);
        assertEq(assignWith(j1, seedDrawing(j1, a)), a, "a runs j1");
        uint256 j2 = post(10 * TOKEN);
        uint256 drawBlock = block.number;
        bytes32 s = seedDrawing(j2, a); // without the decline, S draws a
        vm.setBlockhash(drawBlock, s);
        vm.roll(drawBlock + 1);
        vm.prank(a);
        eco.declineJob(j1, 1);
        assertEq(providerOf(a).lastIncreaseBlock, drawBlock + 1, "the decline is an increase");
        vm.expectEmit(address(eco));
        emit IEconomyEvents.DrawMissed(j2, drawBlock + 1);
        eco.assign(j2);
        assertEq(uint256(status(j2)), uint256(JobStatus.Posted), "the draw ends on a, re-seeded");
        assertEq(providerOf(b).activeJobs, 0, "b does not get it from S");
        // j1 was re-opened without a (excluded from it). a takes a new job x drawn from the same block as j1 and
        // declines it after seeing that block's hash, where j1's draw lands on a: a would not be kept (excluded), so
        // its increase ends nothing and j1's draw goes on to b, exactly as without the decline.
        uint256 x = post(10 * TOKEN);
        uint256 seedBlock = eco.job(j1).drawBlock;
        assertEq(eco.job(x).drawBlock, seedBlock, "x and j1 drawn from the same block");
        uint256 total = eco.totalWeight(INFERENCE);
        bytes32 h;
        bool found;
        for (uint256 i; i < 256 && !found; i++) {
            h = keccak256(abi.encode("both land on a", i));
            found = leafAt(pointOf(x, h, 0, total)) == a && leafAt(pointOf(j1, h, 0, total)) == a;
        }
        assertTrue(found, "a hash whose first attempts for x and j1 both land on a");
        vm.setBlockhash(seedBlock, h);
        vm.roll(seedBlock + 1);
        eco.assign(x);
        assertEq(eco.job(x).provider, a, "a takes x");
        vm.prank(a);
        eco.declineJob(x, 1);
        assertEq(providerOf(a).lastIncreaseBlock, seedBlock + 1, "an increase after j1's seed");
        assertTrue(eco.isExcluded(j1, a), "a is excluded from j1");
        vm.recordLogs();
        eco.assign(j1);
        assertEq(eco.job(j1).provider, b, "the draw landed on a, would not keep it, and went on to b");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; i++) {
            assertTrue(logs[i].topics[0] != IEconomyEvents.DrawMissed.selector, "the increase vetoed nothing");
        }
    }

    // ─── the point is a fraction of the total ──────────────────────────────────────────────────────────────────

    /// @dev Rule (v2): the point is `(uint128(r) × total) >> 128`, not `r mod total`. A top-up of 10 milli-tokens to
    /// one provider after the seed (the first leaf, so that every other range shifts) moves the point by at most 10
    /// milli-tokens, so across 200 seeds nobody else's draw changes; a draw landing on the provider that topped up
    /// ends (its increase came after the seed). With `r mod total` the same top-up re-rolls most draws.
    function test_fractionMapping_aTopUpAfterTheSeedDoesNotChangeWhoIsDrawn() public {
        address c = addProvider("c, tops up", 700 * TOKEN);
        addProvider("a", 1_000 * TOKEN);
        addProvider("b", 2_000 * TOKEN);
        addProvider("d", 1_300 * TOKEN);
        fund(c, TOKEN);
        vm.roll(block.number + 1);
        uint256 id = post(10 * TOKEN);
        uint256 total = eco.totalWeight(INFERENCE);
        // n[0] draws changed, n[1] draws on c, n[2] draws v1's mapping would change, n[3] most the point moved
        uint256[4] memory n;
        for (uint256 i; i < 200; i++) {
            bytes32 h = keccak256(abi.encode("top-up", i));
            uint256 moved = pointOf(id, h, 0, total + TOP_UP) - pointOf(id, h, 0, total);
            if (moved > n[3]) n[3] = moved;
            if (moduloWouldChange(id, h, total, c, TOP_UP)) n[2]++;
            (address fair, address got) = drawWithAndWithoutTopUp(id, h, c, TOP_UP);
            if (fair == c) {
                n[1]++;
                assertEq(got, address(0), "a draw landing on the provider that topped up ends");
            } else if (got != fair) {
                n[0]++;
            }
        }
        emit log_named_uint("top-up of 10 milli-tokens: draws changed of 200 (fraction of the total)", n[0]);
        emit log_named_uint("top-up of 10 milli-tokens: draws that would change with r mod total", n[2]);
        emit log_named_uint("top-up of 10 milli-tokens: most the point moved (milli-tokens)", n[3]);
        emit log_named_uint("top-up of 10 milli-tokens: draws that landed on the provider topping up", n[1]);
        assertLe(n[3], TOP_UP, "the point moves by at most the top-up");
        assertEq(n[0], 0, "nobody else's draw changes");
        assertGt(n[2], 100, "(with r mod total most of them would)");
    }

    /// @dev Whether v1's mapping (`r mod total`) would land attempt 0 on another provider after `c` (the first leaf)
    /// adds `topUp` milli-tokens: every range after c shifts by topUp, and the point is drawn anew.
    function moduloWouldChange(uint256 id, bytes32 h, uint256 total, address c, uint256 topUp)
        internal
        view
        returns (bool)
    {
        uint256 r = uint128(bitsOf(id, h, 0));
        uint256 after_ = r % (total + topUp);
        address moduloAfter = after_ < providerOf(c).treeWeight + topUp ? c : leafAt(after_ - topUp);
        return leafAt(r % total) != moduloAfter;
    }

    /// @dev Draws `id` from hash `h` as is, then (state restored) after `c` adds `topUp` milli-tokens in the block
    /// after the draw block. address(0): the draw kept nobody (re-seeded).
    function drawWithAndWithoutTopUp(uint256 id, bytes32 h, address c, uint256 topUp)
        internal
        returns (address fair, address got)
    {
        uint256 drawBlock = eco.job(id).drawBlock;
        uint256 here = block.number;
        uint256 snap = vm.snapshotState();
        vm.setBlockhash(drawBlock, h);
        vm.roll(drawBlock + 1);
        eco.assign(id);
        fair = eco.job(id).provider;
        vm.revertToState(snap);
        vm.setBlockhash(drawBlock, h);
        vm.roll(drawBlock + 1);
        vm.prank(c);
        eco.addBond(topUp * 1e15);
        eco.assign(id);
        got = eco.job(id).provider;
        vm.revertToState(snap);
        vm.roll(here);
    }

    /// @dev Rule (v2): a provider that left after the draw block ends a draw that lands on it only where the draw
    /// would have kept it (eligible, thinning passed, not excluded, not the requester); otherwise the draw goes on
    /// without pruning it. Here a declined the job earlier (excluded), then pauses after the seed: the draw landing on
    /// it goes on to b, and a's leaf stays until a later draw, seeded after a left, prunes it. (Ending there would let
    /// a provider veto a draw it could never have won.)
    function test_lazyLeave_aLeaverEndsTheDrawOnlyWhereItWouldHaveBeenKept() public {
        address a = addProvider("a", 1_000 * TOKEN);
        address b = addProvider("b", 1_000 * TOKEN);
        vm.roll(block.number + 1);
        uint256 id = post(10 * TOKEN);
        assertEq(assignWith(id, seedDrawing(id, a)), a, "a drawn first");
        vm.prank(a);
        eco.declineJob(id, 1); // excluded from this job from now on
        uint256 drawBlock = eco.job(id).drawBlock;
        vm.roll(drawBlock + 1);
        vm.prank(a);
        eco.pause(); // after the draw block
        bytes32 h = hashLandingOn(id, a);
        vm.setBlockhash(drawBlock, h);
        eco.assign(id);
        assertEq(eco.job(id).provider, b, "the draw landed on a, which it would not have kept, and went on to b");
        assertEq(providerOf(a).treeWeight, 1_000 * TOKEN / 1e15, "a's leaf not pruned by a draw seeded before it left");
        // The same kind of landing on a job a was not excluded from ends the draw (a would have been kept).
        vm.prank(a);
        eco.resume();
        vm.roll(block.number + 1);
        uint256 fresh = post(10 * TOKEN);
        uint256 freshBlock = block.number;
        bytes32 landsOnA = hashLandingOn(fresh, a);
        vm.roll(freshBlock + 1);
        vm.prank(a);
        eco.pause(); // after the draw block
        vm.setBlockhash(freshBlock, landsOnA);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.DrawMissed(fresh, freshBlock + 1);
        eco.assign(fresh);
        assertEq(uint256(status(fresh)), uint256(JobStatus.Posted), "kept-if-present: the draw ends on a");
    }

    // ─── bounded gas ───────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Worst case for the random path: most of the fine-tune tree's weight cannot take the job — 20 providers
    /// that paused before the draw block (each hit prunes two trees' leaves: the costliest rejection) and 20 that
    /// registered after it (skipped) — so assign keeps rejecting. Across 256 seeds it must end inside a fixed gas
    /// budget — assigned or DrawMissed (re-seeded), never out of gas and never a revert.
    function test_randomPathNeverRunsOutOfGasAcross256Seeds() public {
        address[] memory leaving = new address[](20);
        for (uint256 i; i < 20; i++) leaving[i] = addProvider("leaves before the draw block", 1_000 * TOKEN, 3, 4);
        for (uint256 i; i < 10; i++) addProvider("eligible", 1_000 * TOKEN, 3, 4);
        vm.roll(block.number + 1);
        for (uint256 i; i < 20; i++) {
            vm.prank(leaving[i]);
            eco.pause();
        }
        vm.roll(block.number + 1);
        uint256 id = post(requester, FINE_TUNE, 10 * TOKEN);
        uint256 drawBlock = eco.job(id).drawBlock;
        vm.roll(drawBlock + 1);
        for (uint256 i; i < 20; i++) addProvider("registers after the draw block", 1_000 * TOKEN, 3, 4);
        assertEq(eco.totalWeight(FINE_TUNE), 50 * (1_000 * TOKEN / 1e15), "50 leaves, 10 of them eligible");
        uint256 budget = 500_000;
        uint256 assigned;
        uint256 missed;
        uint256 worst;
        for (uint256 s; s < 256; s++) {
            uint256 snap = vm.snapshotState();
            vm.setBlockhash(drawBlock, keccak256(abi.encode("seed", s)));
            // Every storage slot cold, as in a transaction of its own (the test is one transaction).
            VmCool(address(vm)).cool(address(eco));
            uint256 before = gasleft();
            (bool ok, ) = address(eco).call{gas: budget}(abi.encodeCall(eco.assign, (id)));
            uint256 used = before - gasleft();
            if (used > worst) worst = used;
            assertTrue(ok, "never a revert, never out of gas");
            if (eco.job(id).status == JobStatus.Assigned) assigned++;
            else missed++;
            vm.revertToState(snap);
        }
        emit log_named_uint("random path: assigned of 256", assigned);
        emit log_named_uint("random path: DrawMissed of 256", missed);
        emit log_named_uint("random path: worst gas", worst);
        assertGt(assigned, 0, "some seeds find an eligible provider");
        assertGt(missed, 0, "and some exhaust the attempts (the worst case was exercised)");
        assertLt(worst, budget, "worst case inside the budget");
    }

    /// @dev The only revert left in assign: the job kind's tree is empty.
    function test_assign_revertsOnlyOnAnEmptyTree() public {
        addProvider("inference only", 1_000 * TOKEN, 1, 4);
        vm.roll(block.number + 1);
        uint256 id = post(requester, FINE_TUNE, 10 * TOKEN);
        vm.roll(block.number + 1);
        vm.expectRevert(abi.encodeWithSelector(Economy.NoEligibleProvider.selector, id, 0));
        eco.assign(id);
        ProviderView memory v = providerOf(requester);
        assertEq(v.id, 0, "the requester is not a provider");
    }
}
