// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {Vm} from "./lib/Test.sol";
import {EconomyToken} from "../src/EconomyToken.sol";
import {IEconomy} from "../src/interfaces/IEconomy.sol";
import {IEconomyEvents} from "../src/interfaces/IEconomyEvents.sol";
import {ProviderStatus, StatsView} from "../src/interfaces/EconomyTypes.sol";
import {ParamOverrides} from "../src/lib/EconomyParams.sol";

/// @notice Rewards: emission accrued second by second to Active providers' bonds (pro rata to stake, never to fees),
/// settled and minted when a provider's stake changes or it calls claimEmission (withdraw pays the claimable balance
/// only), forfeited by timeouts (never by a decline); the bootstrap bonus of young economies; fees, timeout
/// compensation, treasury and admin.
///
/// Devnet numbers: epochs of 600 s; 1,000 tokens per epoch plus a bootstrap bonus of 100 % in epoch 0 that decays
/// linearly to 0 over 6 epochs (epoch 0 emits 2,000, epoch 3 1,500, epoch 6 and later 1,000).
contract RewardsTest is EconomyFixture {
    uint256 internal constant EPOCH = 600;
    /// Rounding: the accumulator is kept per 1e18 of stake and each credit is floored, so a provider's emission may
    /// fall short of its exact share by a few wei per settlement; never exceed it.
    uint256 internal constant DUST = 1e6;
    address private constant CONSOLE = 0x000000000000000000636F6e736F6c652e6c6f67;

    /// The economy's creation time (the fixture's genesis).
    uint256 internal t0;

    function setUp() public override {
        super.setUp();
        t0 = eco.lineage().createdAt;
    }

    // ─── helpers ───────────────────────────────────────────────────────────────────────────────────────────────

    function pending(address a) internal view returns (uint256) {
        return eco.accountOf(a).pendingEmission;
    }

    /// @dev Claimable balance already settled into storage. Rule (v2, round 3): the view's claimable no longer counts
    /// accrued emission (that is `pendingEmission`, apart), since withdraw no longer settles it.
    function credited(address a) internal view returns (uint256) {
        return eco.accountOf(a).claimable;
    }

    /// @dev Settles `a`'s accrued emission into its claimable balance and withdraws everything to `a`.
    function claimAndWithdraw(address a) internal returns (uint256 paid) {
        vm.startPrank(a);
        eco.claimEmission();
        paid = eco.withdraw(a);
        vm.stopPrank();
    }

    /// @dev An inference-only provider and a fine-tune-only one: inference jobs always go to the first, so a test
    /// can give one provider work and leave the other idle.
    function workerAndIdle(uint256 bond) internal returns (address worker, address idle) {
        worker = addProvider("worker", bond, 1, 4);
        idle = addProvider("idle", bond, 2, 4);
    }

    function assigned(uint256 fee) internal returns (uint256 id, address drawn) {
        id = post(fee);
        drawn = assignNow(id);
    }

    function log(string memory line) internal view {
        (bool ok, ) = CONSOLE.staticcall(abi.encodeWithSignature("log(string)", line));
        ok;
    }

    /// @dev `x / unit` with two decimals (rounded to the nearest), for logs.
    function decimal(uint256 x, uint256 unit) internal pure returns (string memory) {
        uint256 hundredths = (x * 100 + unit / 2) / unit;
        uint256 frac = hundredths % 100;
        return string.concat(vm.toString(hundredths / 100), ".", frac < 10 ? "0" : "", vm.toString(frac));
    }

    // ─── stake-based emission ──────────────────────────────────────────────────────────────────────────────────

    /// Bonds 1:3 earn 1:3, exactly over epoch 0; what is credited is minted then and counted by `emitted()`.
    function test_emission_accruesProRataToBond() public {
        address a = addProvider("a", 1_000 * TOKEN);
        address b = addProvider("b", 3_000 * TOKEN);
        assertEq(eco.stats().activeStake, 4_000 * TOKEN, "active stake");
        assertEq(providerOf(a).stake, 1_000 * TOKEN, "a's stake");
        vm.warp(t0 + EPOCH);
        assertEq(eco.emissionBetween(t0, t0 + EPOCH), 2_000 * TOKEN, "epoch 0 emits 2,000");
        assertEq(pending(a), 500 * TOKEN, "a: 1/4 of 2,000");
        assertEq(pending(b), 1_500 * TOKEN, "b: 3/4 of 2,000");
        // Rule (round 3): claimable is what withdraw pays, and withdraw no longer settles emission, so accrued
        // emission is not claimable until claimEmission moves it there; accountOf shows it apart.
        assertEq(eco.claimable(a), 0, "claimable does not count unsettled emission");
        assertEq(eco.accountOf(a).claimable, 0, "nor does accountOf's claimable");
        assertEq(eco.emitted(), 0, "nothing credited yet");
        assertEq(tok.totalSupply(), SUPPLY, "nothing minted yet");
        // Half of epoch 1, where the rate is lower: still 1:3.
        vm.warp(t0 + EPOCH + EPOCH / 2);
        uint256 total = eco.emissionBetween(t0, block.timestamp);
        assertApproxEqAbs(pending(a), total / 4, DUST, "a: a quarter of everything so far");
        assertApproxEqAbs(pending(b), (total * 3) / 4, DUST, "b: three quarters");
        assertApproxEqAbs(pending(b), 3 * pending(a), 3, "1:3");
        uint256 owedA = pending(a);
        uint256 supply = tok.totalSupply();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.EmissionCredited(a, 1, owedA);
        vm.prank(a);
        assertEq(eco.claimEmission(), owedA, "claimEmission settles the accrued emission");
        assertEq(tok.totalSupply() - supply, owedA, "minted as credited");
        vm.prank(a);
        assertEq(eco.withdraw(a), owedA, "withdraw pays it");
        assertEq(eco.emitted(), owedA, "emitted() tracks it");
        assertEq(tok.balanceOf(a), 10 * TOKEN + owedA, "paid to a");
        assertEq(pending(a), 0, "nothing pending after settlement");
        uint256 owedB = pending(b);
        assertEq(claimAndWithdraw(b), owedB, "b claims and withdraws its own");
        assertEq(eco.emitted(), owedA + owedB, "both credited");
        assertEq(tok.totalSupply(), SUPPLY + eco.emitted(), "every credited token minted, nothing else");
        assertLe(eco.emitted(), total, "never more than the schedule");
        assertApproxEqAbs(eco.emitted(), total, DUST, "all of it, stake was active the whole time");
    }

    /// Fees earn no emission: a provider that runs jobs all epoch earns the same emission as an idle one with the
    /// same bond; its fees are paid on top, and only emission is minted.
    function test_emission_feesEarnNone() public {
        (address worker, address idle) = workerAndIdle(1_000 * TOKEN);
        for (uint256 i; i < 5; i++) {
            (, address drawn) = runJob(10 * TOKEN);
            assertEq(drawn, worker, "inference goes to the worker");
        }
        assertEq(credited(worker), 5 * 9.5e18, "five fees less the protocol fee");
        vm.warp(t0 + EPOCH);
        assertEq(pending(worker), 1_000 * TOKEN, "worker: half of 2,000");
        assertEq(pending(idle), 1_000 * TOKEN, "idle: the same half");
        uint256 supply = tok.totalSupply();
        assertEq(claimAndWithdraw(worker), 47.5e18 + 1_000 * TOKEN, "fees + emission");
        assertEq(tok.totalSupply() - supply, 1_000 * TOKEN, "only the emission is minted; fees were paid in");
        assertEq(eco.emitted(), 1_000 * TOKEN, "emitted");
    }

    /// Paused and exiting time earns nothing; the other provider's share of it grows to the whole emission.
    function test_emission_pausedAndExitingTimeEarnsNothing() public {
        address a = addProvider("a", 1_000 * TOKEN);
        address b = addProvider("b", 1_000 * TOKEN);
        vm.warp(t0 + 100);
        vm.prank(a);
        eco.pause(); // settles a's emission so far
        uint256 first = eco.emissionBetween(t0, t0 + 100) / 2;
        assertApproxEqAbs(credited(a), first, DUST, "a credited its half of the first 100 s");
        assertEq(eco.emitted(), credited(a), "credited on pause");
        assertEq(providerOf(a).stake, 0, "paused stake does not earn");
        assertEq(eco.stats().activeStake, 1_000 * TOKEN, "only b's");
        vm.warp(t0 + 300);
        assertEq(pending(a), 0, "nothing accrues while paused");
        assertApproxEqAbs(pending(b), first + eco.emissionBetween(t0 + 100, t0 + 300), DUST, "b takes it all");
        vm.prank(a);
        eco.resume();
        vm.warp(t0 + EPOCH);
        uint256 second = eco.emissionBetween(t0 + 300, t0 + EPOCH) / 2;
        assertApproxEqAbs(pending(a), second, DUST, "a earns again from its resume, not before");
        assertApproxEqAbs(
            pending(b),
            first + eco.emissionBetween(t0 + 100, t0 + 300) + second,
            DUST,
            "b: half, all, half"
        );
        // Exit: a stops earning at once.
        vm.prank(a);
        eco.requestExit();
        uint256 aTotal = credited(a);
        assertApproxEqAbs(aTotal, first + second, DUST, "settled on exit");
        vm.warp(t0 + EPOCH + 300);
        assertEq(pending(a), 0, "nothing accrues while exiting");
        assertEq(credited(a), aTotal, "unchanged");
        vm.prank(a);
        assertEq(eco.withdrawBond(a), 1_000 * TOKEN, "bond back");
        assertEq(claimAndWithdraw(a), aTotal, "only the emission of its active time");
        claimAndWithdraw(b);
        uint256 all = eco.emissionBetween(t0, block.timestamp);
        assertLe(eco.emitted(), all, "never more than the schedule");
        assertApproxEqAbs(eco.emitted(), all, DUST, "someone was active throughout: all of it credited");
    }

    /// Jailed time earns nothing: three timeouts of accepted jobs (each forfeiting what accrued) jail the worker; the idle provider
    /// takes the whole emission until the worker unjails, then they share it by bond again.
    function test_emission_jailedTimeEarnsNothing() public {
        (address worker, address idle) = workerAndIdle(1_000 * TOKEN);
        uint256[3] memory ids;
        for (uint256 i; i < 3; i++) {
            address drawn;
            (ids[i], drawn) = assigned(10 * TOKEN);
            assertEq(drawn, worker, "the worker");
            accept(ids[i]); // only an accepted job is slashed (and forfeits) when it times out
        }
        uint256 missedAt = t0 + DEADLINE + 1;
        vm.warp(missedAt);
        uint256 lost = pending(worker);
        assertApproxEqAbs(lost, eco.emissionBetween(t0, missedAt) / 2, DUST, "half so far");
        vm.expectEmit(address(eco));
        emit IEconomyEvents.EmissionForfeited(worker, lost);
        eco.reportTimeout(ids[0]);
        eco.reportTimeout(ids[1]);
        eco.reportTimeout(ids[2]);
        assertEq(uint256(providerOf(worker).status), uint256(ProviderStatus.Jailed), "jailed at three strikes");
        assertEq(providerOf(worker).bond, 940 * TOKEN, "three collaterals slashed");
        assertEq(eco.stats().activeStake, 1_000 * TOKEN, "only the idle provider's stake earns");
        assertEq(eco.claimable(worker), 0, "the worker's emission was forfeited");
        assertEq(eco.emitted(), 0, "and never minted");
        uint256 jailEnd = missedAt + eco.params().jailCooldownS;
        vm.warp(jailEnd);
        assertEq(pending(worker), 0, "nothing accrues in jail");
        assertApproxEqAbs(
            pending(idle),
            eco.emissionBetween(t0, missedAt) / 2 + eco.emissionBetween(missedAt, jailEnd),
            DUST,
            "idle: half before the jail, all during it"
        );
        vm.prank(worker);
        eco.unjail();
        vm.warp(jailEnd + 200);
        uint256 after_ = eco.emissionBetween(jailEnd, jailEnd + 200);
        assertApproxEqAbs(pending(worker), (after_ * 940) / 1_940, DUST, "the worker earns by its bond again");
    }

    /// Time with no active stake emits nothing: that emission is never minted, not saved up for later stake.
    function test_emission_noActiveStakeMintsNothing() public {
        vm.warp(t0 + 1_000);
        address a = addProvider("a", 1_000 * TOKEN);
        vm.warp(t0 + 1_600);
        uint256 firstSpan = eco.emissionBetween(t0 + 1_000, t0 + 1_600);
        assertApproxEqAbs(pending(a), firstSpan, DUST, "from its registration only");
        assertLe(pending(a), firstSpan, "not a wei of the empty time before");
        vm.prank(a);
        eco.pause();
        vm.warp(t0 + 2_200); // nobody active
        vm.prank(a);
        eco.resume();
        vm.warp(t0 + 2_800);
        claimAndWithdraw(a);
        uint256 active = firstSpan + eco.emissionBetween(t0 + 2_200, t0 + 2_800);
        assertApproxEqAbs(eco.emitted(), active, DUST, "the active spans' emission");
        assertLe(eco.emitted(), active, "and no more");
        assertLt(eco.emitted(), eco.emissionBetween(t0, t0 + 2_800), "the schedule's empty spans went unminted");
        assertEq(tok.totalSupply(), SUPPLY + eco.emitted(), "supply = creator supply + credited emission");
    }

    // ─── the bootstrap bonus ───────────────────────────────────────────────────────────────────────────────────

    function test_emissionSchedule_frontLoadsYoungEconomies() public view {
        assertEq(eco.emissionForEpoch(0), 2_000 * TOKEN, "epoch 0: +100 %");
        assertEq(eco.emissionForEpoch(3), 1_500 * TOKEN, "halfway through the bootstrap: +50 %");
        assertEq(eco.emissionForEpoch(6), 1_000 * TOKEN, "after it: the base");
        assertEq(eco.emissionForEpoch(1_000), 1_000 * TOKEN, "forever after");
        assertEq(eco.currentEpoch(), 0, "epoch 0 at creation");
    }

    /// emissionBetween spreads each epoch's emission (with its decaying bonus) evenly over the epoch.
    function test_emissionBetween_followsTheDecayingBonus() public view {
        uint256 base = 1_000 * TOKEN;
        uint256 sum;
        for (uint256 e; e < 9; e++) {
            uint256 want = base;
            if (e < 6) want += (base * 10_000 * (6 - e)) / (6 * 10_000);
            assertEq(eco.emissionForEpoch(e), want, "epoch emission");
            assertEq(eco.emissionBetween(t0 + e * EPOCH, t0 + (e + 1) * EPOCH), want, "an epoch's span");
            if (e < 6) sum += want;
        }
        assertEq(eco.emissionBetween(t0, t0 + 6 * EPOCH), sum, "the bootstrap epochs together");
        assertEq(sum, 9_500 * TOKEN - 2, "6,000 + 3,500 bonus (less the wei floored in epochs 1, 2, 4 and 5)");
        assertEq(
            eco.emissionBetween(t0 + EPOCH / 2, t0 + EPOCH + EPOCH / 2),
            eco.emissionForEpoch(0) / 2 + eco.emissionForEpoch(1) / 2,
            "a span across an epoch boundary"
        );
        assertEq(eco.emissionBetween(t0 - 1_000, t0 + EPOCH), 2_000 * TOKEN, "nothing before creation");
        assertEq(eco.emissionBetween(t0 + 50, t0 + 50), 0, "empty span");
        assertEq(eco.emissionBetween(t0 + 60, t0 + 50), 0, "reversed span");
    }

    /// A young fork pays its bootstrap bonus to stake, pro rata: an honest newcomer with a quarter of the fork's
    /// active stake earns a quarter of the fork's emission, which is nearly twice what the same span emits in the
    /// parent, long past its own bootstrap.
    function test_emission_newProviderInAYoungForkEarnsItsStakeShare() public {
        vm.warp(t0 + 10 * EPOCH); // the parent is past its bootstrap
        ParamOverrides memory none;
        (address f, address ft) = factory.fork(address(eco), none, "Young", "YNG", bytes32(0), 0, 100_000 * TOKEN);
        IEconomy fork = IEconomy(f);
        EconomyToken ftok = EconomyToken(ft);
        uint256 tf = block.timestamp;
        address incumbent = makeAddr("incumbent");
        address newcomer = makeAddr("newcomer");
        ftok.transfer(incumbent, 3_000 * TOKEN);
        ftok.transfer(newcomer, 1_000 * TOKEN);
        vm.startPrank(incumbent);
        ftok.approve(f, type(uint256).max);
        fork.register(3_000 * TOKEN, 3, 4);
        vm.stopPrank();
        vm.warp(tf + 100);
        vm.startPrank(newcomer);
        ftok.approve(f, type(uint256).max);
        fork.register(1_000 * TOKEN, 3, 4);
        vm.stopPrank();
        uint256 joined = block.timestamp;
        vm.warp(joined + 2 * EPOCH);
        uint256 forkEmission = fork.emissionBetween(joined, block.timestamp);
        uint256 parentEmission = eco.emissionBetween(joined, block.timestamp);
        uint256 earned = fork.accountOf(newcomer).pendingEmission;
        uint256 stakeShare = (1_000 * TOKEN * 1e6) / fork.stats().activeStake; // parts per million
        uint256 emissionShare = (earned * 1e6) / forkEmission;
        assertEq(stakeShare, 250_000, "a quarter of the active stake");
        assertApproxEqAbs(earned, forkEmission / 4, DUST, "a quarter of the fork's emission since it joined");
        assertApproxEqAbs(emissionShare, stakeShare, 1, "emission share = stake share");
        assertEq(fork.emissionForEpoch(0), 2_000 * TOKEN, "the fork's own epoch 0 carries the full bonus");
        assertEq(parentEmission, 2_000 * TOKEN, "the parent emits the base over the same two epochs");
        assertGt(forkEmission, (parentEmission * 18) / 10, "the young fork emits ~1.9x over the same span");
        logShare(stakeShare, emissionShare, earned, forkEmission);
        log(
            string.concat(
                "  (over its first ",
                vm.toString(2 * EPOCH),
                " s, joining the fork at age ",
                vm.toString(joined - tf),
                " s; the same share of the parent, past its bootstrap, would earn ",
                decimal(parentEmission / 4, TOKEN),
                ")"
            )
        );
        uint256 supply = ftok.totalSupply();
        vm.startPrank(newcomer);
        assertEq(fork.claimEmission(), earned, "settled");
        assertEq(fork.withdraw(newcomer), earned, "paid");
        vm.stopPrank();
        assertEq(ftok.totalSupply() - supply, earned, "minted in the fork's token");
        assertEq(tok.totalSupply(), SUPPLY, "the parent's token is untouched");
    }

    function logShare(uint256 stakePpm, uint256 emissionPpm, uint256 earned, uint256 total) internal view {
        log(
            string.concat(
                "an honest new provider with ",
                decimal(stakePpm, 1e4),
                " % of the active stake earns ",
                decimal(emissionPpm, 1e4),
                " % of emission: ",
                decimal(earned, TOKEN),
                " of ",
                decimal(total, TOKEN),
                " tokens"
            )
        );
    }

    // ─── forfeits and settlement ───────────────────────────────────────────────────────────────────────────────

    /// Rule (v2, accept step): a timeout forfeits the emission accrued since the last settlement, but a decline no
    /// longer does (it was forfeited too). A decline is the honest answer to a job a node cannot run (its input is
    /// unreachable, its hardware busy); charging it let a requester with a dark input cost every drawn provider its
    /// unsettled emission at no cost to itself, and a provider that declines everything still earns only its
    /// bond's emission and no fees (less than serving). Forfeits are neither minted nor passed to anyone else;
    /// claimEmission settles what accrued since, and withdraw pays it.
    function test_emission_timeoutForfeitsDeclineDoesNotClaimSettles() public {
        (address worker, address idle) = workerAndIdle(1_000 * TOKEN);
        vm.warp(t0 + 200);
        (uint256 first, ) = assigned(10 * TOKEN);
        uint256 accrued = pending(worker);
        assertApproxEqAbs(accrued, eco.emissionBetween(t0, t0 + 200) / 2, DUST, "half of the first 200 s");
        uint256 idleBefore = pending(idle);
        vm.recordLogs();
        vm.prank(worker);
        eco.declineJob(first, 1);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; i++) {
            assertTrue(logs[i].topics[0] != IEconomyEvents.EmissionForfeited.selector, "a decline forfeits nothing");
        }
        assertEq(pending(worker), accrued, "still accrued to the worker");
        assertEq(pending(idle), idleBefore, "the idle provider unaffected");
        // A timeout of an accepted job forfeits everything accrued since the last settlement (here: since t0).
        vm.warp(t0 + 300);
        (uint256 second, address drawn) = assigned(10 * TOKEN);
        assertEq(drawn, worker, "the worker again");
        accept(second);
        vm.warp(t0 + 300 + DEADLINE + 1);
        uint256 lost = pending(worker);
        assertApproxEqAbs(lost, eco.emissionBetween(t0, block.timestamp) / 2, DUST, "half of everything so far");
        vm.expectEmit(address(eco));
        emit IEconomyEvents.EmissionForfeited(worker, lost);
        eco.reportTimeout(second);
        assertEq(pending(worker), 0, "forfeited");
        assertEq(eco.claimable(worker), 0, "nothing credited");
        assertEq(eco.emitted(), 0, "nothing minted");
        assertEq(tok.totalSupply(), SUPPLY, "supply unchanged");
        // From here the worker (980 after the slash) earns and withdraws.
        uint256 from = block.timestamp;
        vm.warp(t0 + EPOCH + 100);
        uint256 owed = pending(worker);
        assertApproxEqAbs(owed, (eco.emissionBetween(from, block.timestamp) * 980) / 1_980, DUST, "by bond");
        uint256 supply = tok.totalSupply();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.EmissionCredited(worker, 1, owed);
        vm.prank(worker);
        assertEq(eco.claimEmission(), owed, "claimEmission settles the pending emission");
        vm.prank(worker);
        assertEq(eco.withdraw(worker), owed, "withdraw pays it");
        assertEq(tok.totalSupply() - supply, owed, "minted");
        assertEq(eco.emitted(), owed, "emitted");
        vm.prank(worker);
        vm.expectRevert(IEconomyEvents.NothingToWithdraw.selector);
        eco.withdraw(worker);
    }

    /// Rule (v2, round 3): withdraw pays the claimable balance only and no longer settles emission, so a job's own
    /// withdrawal does not pay for minting; claimEmission settles exactly the emission accrued so far into the
    /// claimable balance (minted then), and withdraw pays it afterwards. Only a provider has emission to claim.
    function test_claimEmission_creditsExactlyThePendingEmission_withdrawThenPaysIt() public {
        (address worker, ) = workerAndIdle(1_000 * TOKEN);
        runJob(10 * TOKEN);
        vm.warp(t0 + EPOCH / 2);
        uint256 accrued = pending(worker);
        assertApproxEqAbs(accrued, eco.emissionBetween(t0, block.timestamp) / 2, DUST, "half of the emission so far");
        assertEq(eco.claimable(worker), 9.5e18, "claimable: the fee only");
        uint256 supply = tok.totalSupply();
        // withdraw: the fee, nothing settled or minted.
        vm.recordLogs();
        vm.prank(worker);
        assertEq(eco.withdraw(worker), 9.5e18, "withdraw pays the fee only");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; i++) {
            assertTrue(logs[i].topics[0] != IEconomyEvents.EmissionCredited.selector, "withdraw settles nothing");
        }
        assertEq(pending(worker), accrued, "the emission still accrued, untouched");
        assertEq(eco.emitted(), 0, "nothing credited");
        assertEq(tok.totalSupply(), supply, "nothing minted");
        vm.prank(worker);
        vm.expectRevert(IEconomyEvents.NothingToWithdraw.selector);
        eco.withdraw(worker);
        // claimEmission: exactly what was pending.
        vm.expectEmit(address(eco));
        emit IEconomyEvents.EmissionCredited(worker, 0, accrued);
        vm.prank(worker);
        assertEq(eco.claimEmission(), accrued, "credits exactly the pending emission");
        assertEq(eco.claimable(worker), accrued, "now claimable");
        assertEq(pending(worker), 0, "nothing pending");
        assertEq(eco.emitted(), accrued, "counted as emitted");
        assertEq(tok.totalSupply() - supply, accrued, "minted as credited");
        vm.prank(worker);
        assertEq(eco.claimEmission(), 0, "a second claim in the same second credits nothing");
        uint256 wallet = tok.balanceOf(worker);
        vm.prank(worker);
        assertEq(eco.withdraw(worker), accrued, "withdraw then pays it");
        assertEq(tok.balanceOf(worker) - wallet, accrued, "to the wallet");
        assertEq(eco.claimable(worker), 0, "nothing left");
        // Not a provider: nothing to claim.
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, requester, uint8(0)));
        eco.claimEmission();
    }

    /// Fuzz: whatever providers do (pause, resume, add bond, claim and withdraw, exit) and whenever, the emission
    /// credited never exceeds the schedule's emission since creation, and equals, to the dust, the schedule's emission
    /// over the time some stake was active.
    function testFuzz_emittedNeverExceedsTheSchedule(uint256 seed) public {
        address[3] memory ps;
        for (uint256 i; i < 3; i++) {
            ps[i] = actor("p", 10_000 * TOKEN);
            vm.prank(ps[i]);
            eco.register(bound(uint256(keccak256(abi.encode(seed, "bond", i))), 100, 3_000) * TOKEN, 3, 4);
        }
        uint256 expected;
        uint256 last = block.timestamp;
        for (uint256 step; step < 16; step++) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            vm.warp(block.timestamp + bound(r, 1, 1_200));
            if (eco.stats().activeStake != 0) expected += eco.emissionBetween(last, block.timestamp);
            last = block.timestamp;
            address who = ps[(r >> 32) % 3];
            ProviderStatus st = providerOf(who).status;
            uint256 action = (r >> 64) % 4;
            vm.startPrank(who);
            if (action == 0 && st == ProviderStatus.Active) eco.pause();
            else if (action == 0 && st == ProviderStatus.Paused) eco.resume();
            else if (action == 1 && (st == ProviderStatus.Active || st == ProviderStatus.Paused)) {
                eco.addBond(bound(r >> 128, 1, 500) * TOKEN);
            } else if (action == 2) {
                eco.claimEmission();
                if (eco.claimable(who) != 0) eco.withdraw(who);
            }
            else if (action == 3 && (r >> 96) % 4 == 0 && st != ProviderStatus.Exiting) eco.requestExit();
            vm.stopPrank();
        }
        for (uint256 i; i < 3; i++) {
            vm.prank(ps[i]);
            eco.claimEmission();
            if (eco.claimable(ps[i]) == 0) continue;
            vm.prank(ps[i]);
            eco.withdraw(ps[i]);
        }
        uint256 credited_ = eco.emitted();
        assertLe(credited_, eco.emissionBetween(t0, block.timestamp), "never more than the schedule");
        assertLe(credited_, expected, "never more than the active time's emission");
        assertApproxEqAbs(credited_, expected, DUST, "all of the active time's emission");
        assertEq(tok.totalSupply(), SUPPLY + credited_, "minted exactly what was credited");
    }

    // ─── timeouts ──────────────────────────────────────────────────────────────────────────────────────────────

    /// A timeout's compensation to the requester is capped at fee / maxDeclines (v2, accept step; it was the fee):
    /// a job can time out maxDeclines times before it is refunded, so its compensation in all never exceeds its
    /// fee, and a min-fee job locking the minimum collateral cannot pay its requester many times the fee. The rest
    /// goes to the treasury.
    function test_timeout_requesterShareCappedAtTheFee() public {
        (address worker, ) = workerAndIdle(1_000 * TOKEN);
        uint256 minFee = eco.params().minFee;
        assertEq(minFee, TOKEN / 10, "0.1-token minimum fee");
        assertEq(eco.params().maxDeclines, 3, "three draws per job");
        (uint256 id, ) = assigned(minFee);
        accept(id);
        assertEq(eco.job(id).collateral, 5 * TOKEN, "the minimum collateral, 50 times the fee");
        vm.warp(block.timestamp + DEADLINE + 1);
        // Half of 5 would be 2.5; the requester gets a third of its 0.1 fee, the treasury the rest.
        uint256 c1 = minFee / 3;
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderSlashed(worker, id, 5 * TOKEN, c1, 5 * TOKEN - c1, 0, 0, 0);
        eco.reportTimeout(id);
        assertEq(credited(requester), c1, "requester: a third of the fee");
        assertEq(eco.treasury(), 5 * TOKEN - c1, "treasury: the rest");
        assertEq(providerOf(worker).bond, 995 * TOKEN, "collateral slashed");
        // A 2-token job: collateral 5, half is 2.5, capped at 2 / 3.
        (uint256 id2, ) = assigned(2 * TOKEN);
        accept(id2);
        vm.warp(block.timestamp + DEADLINE + 1);
        uint256 c2 = (2 * TOKEN) / 3;
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderSlashed(worker, id2, 5 * TOKEN, c2, 5 * TOKEN - c2, 0, 0, 0);
        eco.reportTimeout(id2);
        // A 10-token job: collateral 20, half is 10, capped at 10 / 3.
        (uint256 id3, ) = assigned(10 * TOKEN);
        accept(id3);
        vm.warp(block.timestamp + DEADLINE + 1);
        uint256 c3 = (10 * TOKEN) / 3;
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderSlashed(worker, id3, 20 * TOKEN, c3, 20 * TOKEN - c3, 0, 0, 0);
        eco.reportTimeout(id3);
        assertEq(credited(requester), c1 + c2 + c3, "a third of each fee");
        assertEq(eco.treasury(), 30 * TOKEN - c1 - c2 - c3, "the rest of the 5 + 5 + 20 slashed");
        assertEq(providerOf(worker).bond, 970 * TOKEN, "5 + 5 + 20 slashed");
    }

    // ─── fees, treasury and admin ──────────────────────────────────────────────────────────────────────────────

    function test_treasury_adminWithdraws() public {
        workerAndIdle(1_000 * TOKEN);
        runJob(100 * TOKEN);
        assertEq(eco.treasury(), 5 * TOKEN, "5 % of the fee");
        address t = makeAddr("treasury");
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NotAdmin.selector, stranger));
        eco.withdrawTreasury(t, TOKEN);
        vm.expectRevert(IEconomyEvents.ZeroAddress.selector);
        eco.withdrawTreasury(address(0), TOKEN);
        vm.expectRevert(IEconomyEvents.ZeroAmount.selector);
        eco.withdrawTreasury(t, 0);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.TreasuryTooSmall.selector, 5 * TOKEN, 6 * TOKEN));
        eco.withdrawTreasury(t, 6 * TOKEN);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.TreasuryWithdrawn(t, 5 * TOKEN);
        eco.withdrawTreasury(t, 5 * TOKEN);
        assertEq(tok.balanceOf(t), 5 * TOKEN, "paid");
        assertEq(eco.treasury(), 0, "empty");
    }

    function test_admin_transfers() public {
        address next = makeAddr("next");
        vm.prank(next);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NotAdmin.selector, next));
        eco.transferAdmin(next);
        vm.expectRevert(IEconomyEvents.ZeroAddress.selector);
        eco.transferAdmin(address(0));
        vm.expectEmit(address(eco));
        emit IEconomyEvents.AdminTransferred(admin, next);
        eco.transferAdmin(next);
        assertEq(eco.admin(), next, "new admin");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NotAdmin.selector, admin));
        eco.registerModel(keccak256("m"), "u", INFERENCE, argmaxPolicy());
    }

    function test_stats_inOneCall() public {
        (address worker, ) = workerAndIdle(1_000 * TOKEN);
        runJob(10 * TOKEN);
        post(5 * TOKEN);
        newValidator("v", 100 * TOKEN);
        claimAndWithdraw(worker); // settles some emission
        StatsView memory s = eco.stats();
        assertEq(s.providerCount, 2, "providers");
        assertEq(s.activeProviders, 2, "active");
        assertEq(s.jobCount, 2, "jobs");
        assertEq(s.totalBonded, 2_000 * TOKEN, "bonded");
        assertEq(s.treasury, 0.5e18, "treasury");
        assertEq(s.emitted, eco.emitted(), "emitted");
        assertGt(s.emitted, 0, "some emission credited");
        assertEq(s.currentEpoch, 0, "epoch");
        assertEq(s.currentEmission, 2_000 * TOKEN, "emission now");
        assertEq(s.activeStake, 2_000 * TOKEN, "active stake");
        assertEq(s.inferenceWeight, eco.totalWeight(INFERENCE), "inference weight");
        assertEq(s.fineTuneWeight, eco.totalWeight(FINE_TUNE), "fine-tune weight");
        assertEq(s.inferenceWeight, 1_000_000, "the worker's bond in milli-tokens");
        assertEq(s.fineTuneWeight, 1_000_000, "the idle provider's");
        assertEq(s.activeValidators, 1, "validators");
        assertEq(s.validatorStake, 100 * TOKEN, "stake");
    }

    /// @dev Fuzz: whatever the fee, a finalized job splits it exactly between provider and treasury.
    function testFuzz_feeSplitIsExact(uint256 fee) public {
        workerAndIdle(1_000 * TOKEN);
        fee = bound(fee, TOKEN / 10, 400 * TOKEN);
        (, address drawn) = runJob(fee);
        assertEq(credited(drawn) + eco.treasury(), fee, "fee = payout + protocol fee");
        assertEq(eco.treasury(), (fee * 500) / 10_000, "5 %");
    }
}
