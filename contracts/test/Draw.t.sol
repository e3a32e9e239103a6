// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {Economy} from "../src/Economy.sol";

/// @notice The on-chain draw: frequencies proportional to free bond × score over eligible providers, and a bounded
/// random path that never runs out of gas.
contract DrawTest is EconomyFixture {
    /// @dev Draws the same job `n` times from the same state, each time with a different hash of its draw block.
    /// counts[who.length] counts anyone else; counts[who.length + 1] the draws that found nobody eligible (the job
    /// stays Posted; conditioned on success the distribution is the same).
    function drawMany(uint256 jobId, uint256 n, address[] memory who) internal returns (uint256[] memory counts) {
        counts = new uint256[](who.length + 2);
        uint256 drawBlock = eco.job(jobId).drawBlock;
        for (uint256 i; i < n; i++) {
            uint256 snap = vm.snapshotState();
            vm.setBlockhash(drawBlock, keccak256(abi.encode("draw", i)));
            vm.roll(drawBlock + 1);
            try eco.assign(jobId) {
                address drawn = eco.job(jobId).provider;
                uint256 k;
                while (k < who.length && who[k] != drawn) k++;
                counts[k]++; // k == who.length: someone unexpected
            } catch (bytes memory err) {
                assertEq(bytes4(err), Economy.NoEligibleProvider.selector, "only a clean miss");
                counts[who.length + 1]++;
            }
            vm.revertToState(snap);
        }
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

    function test_drawFrequencyIsProportionalToFreeBondTimesScore() public {
        // C locks 300 of its 500 bond on an earlier job: free 200. D serves fine-tune only: never eligible here.
        address c = addProvider("c", 500 * TOKEN, 100, 3, 4);
        uint256 first = post(150 * TOKEN); // collateral 300
        assignNow(first);
        vm.roll(block.number + 1);
        address a = addProvider("a", 1_000 * TOKEN, 100, 3, 4);
        address b = addProvider("b", 2_000 * TOKEN, 50, 3, 4);
        address d = addProvider("d", 1_000 * TOKEN, 100, 2, 4);
        vm.roll(block.number + 1);
        uint256 id = post(10 * TOKEN);
        address[] memory who = new address[](4);
        (who[0], who[1], who[2], who[3]) = (a, b, c, d);
        uint256[] memory counts = drawMany(id, 3_000, who);
        assertEq(counts[3], 0, "an ineligible provider is never drawn");
        assertEq(counts[4], 0, "nobody else is drawn");
        assertLt(counts[5], 10, "misses are rare (each attempt is kept with probability 0.63)");
        uint256 n = counts[0] + counts[1] + counts[2];
        uint256[] memory observed = new uint256[](3);
        uint256[] memory weights = new uint256[](3);
        (observed[0], observed[1], observed[2]) = (counts[0], counts[1], counts[2]);
        (weights[0], weights[1], weights[2]) = (1_000 * 100, 2_000 * 50, 200 * 100); // free bond × score
        // Chi-square with 2 degrees of freedom: 13.82 is the 0.1 % critical value.
        uint256 x = chiSquare(observed, weights, n);
        assertLt(x, 13_820_000, "frequencies match free bond x score (chi-square, p > 0.001)");
        // And the heavy providers are drawn about ten times as often as the mostly locked one.
        assertGt(counts[0], 5 * counts[2], "free bond matters");
    }

    function test_drawFrequencyOverManyProviders() public {
        uint256 k = 12;
        address[] memory who = new address[](k);
        uint256[] memory weights = new uint256[](k);
        for (uint256 i; i < k; i++) {
            uint256 bond = (100 + 150 * i) * TOKEN;
            uint24 score = uint24(10 + 7 * ((i * 5) % k));
            who[i] = addProvider("p", bond, score);
            weights[i] = (bond / 1e18) * score;
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
        assertLt(chiSquare(observed, weights, n), 31_260_000, "frequencies match the weights");
    }

    /// @dev Worst case for the random path: most of the weight is ineligible (wrong kind or full), so assign keeps
    /// rejecting; across 256 seeds it must end inside a fixed gas budget — assigned or NoEligibleProvider, never out
    /// of gas.
    function test_randomPathNeverRunsOutOfGasAcross256Seeds() public {
        // 80 % of the weight cannot take a fine-tune job: each attempt is kept with probability 0.2, so all eight
        // attempts fail for about 17 % of the seeds.
        for (uint256 i; i < 40; i++) addProvider("inference only", 1_000 * TOKEN, 100, 1, 4);
        for (uint256 i; i < 10; i++) addProvider("both", 1_000 * TOKEN, 100, 3, 4);
        vm.roll(block.number + 1);
        uint256 id = post(requester, FINE_TUNE, 10 * TOKEN, 0);
        uint256 drawBlock = eco.job(id).drawBlock;
        uint256 budget = 400_000;
        uint256 assigned;
        uint256 refused;
        uint256 worst;
        for (uint256 s; s < 256; s++) {
            uint256 snap = vm.snapshotState();
            vm.setBlockhash(drawBlock, keccak256(abi.encode("seed", s)));
            vm.roll(drawBlock + 1);
            uint256 before = gasleft();
            (bool ok, bytes memory ret) = address(eco).call{gas: budget}(abi.encodeCall(eco.assign, (id)));
            uint256 used = before - gasleft();
            if (used > worst) worst = used;
            if (ok) assigned++;
            else {
                assertEq(bytes4(ret), Economy.NoEligibleProvider.selector, "only a clean refusal, never out of gas");
                refused++;
            }
            vm.revertToState(snap);
        }
        assertEq(assigned + refused, 256, "every seed accounted for");
        assertGt(assigned, 0, "some seeds find an eligible provider");
        assertGt(refused, 0, "and some exhaust the attempts (the worst case was exercised)");
        assertLt(worst, budget, "worst case inside the budget");
    }
}
