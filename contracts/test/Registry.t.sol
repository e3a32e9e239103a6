// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {IEconomyEvents} from "../src/interfaces/IEconomyEvents.sol";
import {ProviderStatus, ProviderView} from "../src/interfaces/EconomyTypes.sol";

/// @notice Every provider-registry function, its effects and every way it refuses.
contract RegistryTest is EconomyFixture {
    uint256 internal constant BOND = 1_000 * TOKEN;

    function test_register_bondsAndEntersTheDraw() public {
        address p = actor("p", BOND);
        uint256 before = tok.balanceOf(address(eco));
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderRegistered(p, 1, BOND, 3, 4);
        vm.prank(p);
        uint32 id = eco.register(BOND, 3, 4);
        ProviderView memory v = eco.providerOf(p);
        assertEq(id, 1, "first id");
        assertEq(uint256(v.status), uint256(ProviderStatus.Active), "active");
        assertEq(v.bond, BOND, "bond");
        assertEq(v.free, BOND, "free");
        assertEq(v.locked, 0, "locked");
        assertEq(v.kinds, 3, "kinds");
        assertEq(v.capacity, 4, "capacity");
        assertEq(v.treeWeight, BOND / 1e15, "tree weight = bond in milli-tokens");
        assertEq(v.weight, v.treeWeight, "nothing locked: weight = tree weight");
        assertEq(v.stake, BOND, "the whole bond earns emission");
        assertEq(v.lastIncreaseBlock, block.number, "entering the draw is an increase");
        assertEq(eco.totalWeight(INFERENCE), v.treeWeight, "inference tree total");
        assertEq(eco.totalWeight(FINE_TUNE), v.treeWeight, "fine-tune tree total (serves both)");
        assertEq(tok.balanceOf(address(eco)) - before, BOND, "bond pulled");
        assertEq(eco.totalBonded(), BOND, "total bonded");
        assertEq(eco.activeProviders(), 1, "active count");
        assertEq(eco.providerCount(), 1, "provider count");
        assertEq(eco.providerById(1).account, p, "by id");
        assertEq(eco.treeHeight(), 1, "one level holds four providers");
    }

    function test_register_refusesBadInput() public {
        address p = actor("p", BOND);
        vm.startPrank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.BondTooLow.selector, 99 * TOKEN, 100 * TOKEN));
        eco.register(99 * TOKEN, 3, 4);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidKinds.selector, 0));
        eco.register(BOND, 0, 4);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidKinds.selector, 4));
        eco.register(BOND, 4, 4);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidCapacity.selector, 0));
        eco.register(BOND, 3, 0);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidCapacity.selector, 65));
        eco.register(BOND, 3, 65);
        eco.register(BOND / 2, 3, 4);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 1));
        eco.register(BOND / 2, 3, 4);
        vm.stopPrank();
    }

    function test_addBond_raisesBondWeightAndMarksAnIncrease() public {
        address p = addProvider("p", BOND);
        fund(p, BOND);
        vm.roll(block.number + 7);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.BondAdded(p, 200 * TOKEN, BOND + 200 * TOKEN);
        vm.prank(p);
        eco.addBond(200 * TOKEN);
        ProviderView memory v = providerOf(p);
        assertEq(v.bond, BOND + 200 * TOKEN, "bond");
        assertEq(v.lastIncreaseBlock, block.number, "increase recorded");
        assertEq(v.treeWeight, (BOND + 200 * TOKEN) / 1e15, "weight follows the bond");
        assertEq(eco.totalWeight(INFERENCE), (BOND + 200 * TOKEN) / 1e15, "tree total");
        assertEq(v.stake, BOND + 200 * TOKEN, "stake follows the bond");
        assertEq(eco.totalBonded(), BOND + 200 * TOKEN, "total bonded");
    }

    function test_addBond_refuses() public {
        address stranger = actor("stranger", BOND);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, stranger, 0));
        eco.addBond(TOKEN);
        address p = addProvider("p", BOND);
        vm.prank(p);
        vm.expectRevert(IEconomyEvents.ZeroAmount.selector);
        eco.addBond(0);
        vm.prank(p);
        eco.requestExit();
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 3));
        eco.addBond(TOKEN);
    }

    /// @dev Rule (v2): kinds and capacity change only while Paused (pause → update → resume). A change while Active
    /// that dropped a kind or filled the provider would take its leaves out of draws already seeded and so re-roll
    /// them; resuming is an increase, which draws seeded before it skip.
    function test_updateProfile_onlyWhilePaused() public {
        address p = addProvider("p", BOND);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 1));
        eco.updateProfile(1, 8);
        vm.prank(p);
        eco.pause();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProfileUpdated(p, 1, 8);
        vm.prank(p);
        eco.updateProfile(1, 8);
        ProviderView memory v = providerOf(p);
        assertEq(v.kinds, 1, "kinds");
        assertEq(v.capacity, 8, "capacity");
        assertEq(eco.totalWeight(FINE_TUNE), BOND / 1e15, "the paused provider's old leaves stay until a draw or resume");
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidKinds.selector, 0));
        eco.updateProfile(0, 8);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidCapacity.selector, 65));
        eco.updateProfile(1, 65);
        vm.roll(block.number + 3);
        vm.prank(p);
        eco.resume();
        v = providerOf(p);
        assertEq(eco.totalWeight(INFERENCE), BOND / 1e15, "inference leaf written on resume");
        assertEq(eco.totalWeight(FINE_TUNE), 0, "fine-tune leaf gone with the kind");
        assertEq(v.treeWeight, BOND / 1e15, "weight is the bond, whatever the profile");
        assertEq(v.lastIncreaseBlock, block.number, "resume counts as an increase");
        vm.prank(p);
        eco.requestExit();
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 3));
        eco.updateProfile(3, 8);
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, stranger, 0));
        eco.updateProfile(3, 8);
    }

    /// @dev Rule (v2, lazy leave): pausing takes the provider out of the draw (weight and stake 0, not Active) but
    /// keeps its leaves in the trees until a draw lands on them, so that a provider that pauses after seeing a draw's
    /// seed ends that draw instead of passing the job on (see Draw.t.sol). lastIncreaseBlock becomes the block it left.
    function test_pauseAndResume_leaveAndReenterTheDraw() public {
        address p = addProvider("p", BOND);
        uint256 w = eco.totalWeight(INFERENCE);
        vm.roll(block.number + 5);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderPaused(p);
        vm.prank(p);
        eco.pause();
        ProviderView memory v = providerOf(p);
        assertEq(v.weight, 0, "paused: no chance of being drawn");
        assertEq(v.stake, 0, "paused: no emission");
        assertEq(v.lastIncreaseBlock, block.number, "the block it left");
        assertEq(eco.totalWeight(INFERENCE), w, "its leaves stay until a draw lands on them");
        assertEq(uint256(v.status), uint256(ProviderStatus.Paused), "paused");
        assertEq(eco.activeProviders(), 0, "not active");
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 2));
        eco.pause();
        vm.prank(p);
        eco.resume();
        assertEq(eco.totalWeight(INFERENCE), w, "weight back");
        assertEq(providerOf(p).weight, w, "drawable again");
        assertEq(eco.activeProviders(), 1, "active again");
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 1));
        eco.resume();
    }

    function test_exit_unbondsThenPaysTheBond() public {
        address p = addProvider("p", BOND);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ExitRequested(p, block.timestamp + 300);
        vm.prank(p);
        eco.requestExit();
        ProviderView memory v = providerOf(p);
        assertEq(uint256(v.status), uint256(ProviderStatus.Exiting), "exiting");
        assertEq(v.unbondingEndsAt, block.timestamp + 300, "unbonding end");
        assertEq(v.weight, 0, "out of the draw");
        assertEq(v.stake, 0, "no emission while exiting");
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 3));
        eco.requestExit();
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.StillUnbonding.selector, block.timestamp + 300));
        eco.withdrawBond(p);
        vm.warp(block.timestamp + 300);
        vm.prank(p);
        vm.expectRevert(IEconomyEvents.ZeroAddress.selector);
        eco.withdrawBond(address(0));
        address payout = makeAddr("payout");
        vm.prank(p);
        uint256 paid = eco.withdrawBond(payout);
        assertEq(paid, BOND, "whole bond");
        assertEq(tok.balanceOf(payout), BOND, "paid to the payout address");
        assertEq(uint256(providerOf(p).status), uint256(ProviderStatus.Exited), "exited");
        assertEq(eco.totalBonded(), 0, "nothing bonded");
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 4));
        eco.withdrawBond(p);
        // An exited provider registers again under its old id, with a new profile.
        fund(p, BOND);
        vm.prank(p);
        assertEq(eco.register(BOND, 2, 1), 1, "same id");
        v = providerOf(p);
        assertEq(uint256(v.status), uint256(ProviderStatus.Active), "active again");
        assertEq(v.kinds, 2, "new kinds");
        assertEq(eco.totalWeight(INFERENCE), 0, "no inference leaf any more");
        assertEq(eco.totalWeight(FINE_TUNE), BOND / 1e15, "fine-tune leaf");
        assertEq(eco.providerCount(), 1, "no new provider");
    }

    function test_withdrawBond_refusedWhileCollateralIsLocked() public {
        address p = addProvider("p", BOND);
        uint256 id = post(10 * TOKEN);
        assignNow(id);
        submit(id);
        vm.prank(p);
        eco.requestExit();
        vm.warp(block.timestamp + 300);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.CollateralLocked.selector, 20 * TOKEN));
        eco.withdrawBond(p);
        // Once the result is final the collateral is released and the bond can leave.
        eco.finalize(id);
        vm.prank(p);
        assertEq(eco.withdrawBond(p), BOND, "bond after the job");
    }

    function test_withdrawBond_refusesNonProviders() public {
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, stranger, 0));
        eco.withdrawBond(stranger);
    }

    /// @dev Posts a job, draws `p` (the only drawable provider), has it accept (only an accepted job is slashed on a
    /// timeout; one never accepted is a no-show), lets the deadline pass and reports the timeout.
    function timeOut(address p) internal returns (uint256 id) {
        id = post(10 * TOKEN);
        assertEq(assignNow(id), p, "drawn");
        accept(id);
        vm.warp(block.timestamp + DEADLINE + 1);
        eco.reportTimeout(id);
        vm.roll(block.number + 1);
    }

    function test_jailAfterStrikes_unjailAfterCooldown() public {
        address p = addProvider("p", BOND);
        timeOut(p);
        timeOut(p);
        uint256 id = post(10 * TOKEN);
        assignNow(id);
        accept(id);
        vm.warp(block.timestamp + DEADLINE + 1);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderJailed(p, block.timestamp + 300);
        eco.reportTimeout(id);
        ProviderView memory v = providerOf(p);
        assertEq(uint256(v.status), uint256(ProviderStatus.Jailed), "jailed");
        assertEq(v.strikes, 3, "strikes");
        assertEq(v.jailedUntil, block.timestamp + 300, "jail end");
        assertEq(v.bond, BOND - 60 * TOKEN, "three collaterals slashed");
        // Lazy leave: the jailed provider's leaf stays until a draw lands on it, but it cannot be drawn.
        assertEq(v.weight, 0, "jailed: out of the draw");
        assertEq(v.stake, 0, "jailed: no emission");
        assertEq(eco.totalWeight(INFERENCE), (BOND - 60 * TOKEN) / 1e15, "leaf kept until a draw lands on it");
        assertEq(eco.activeProviders(), 0, "not active");
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.StillJailed.selector, block.timestamp + 300));
        eco.unjail();
        vm.warp(block.timestamp + 300);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderUnjailed(p);
        vm.prank(p);
        eco.unjail();
        v = providerOf(p);
        assertEq(uint256(v.status), uint256(ProviderStatus.Active), "active");
        assertEq(v.strikes, 0, "strikes cleared");
        assertGt(v.weight, 0, "back in the draw");
        assertEq(v.lastIncreaseBlock, block.number, "unjail counts as an increase");
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 1));
        eco.unjail();
    }

    function test_unjail_needsMinBond() public {
        address p = addProvider("p", 150 * TOKEN);
        for (uint256 i; i < 3; i++) timeOut(p);
        vm.warp(block.timestamp + 300);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.BondTooLow.selector, 90 * TOKEN, 100 * TOKEN));
        eco.unjail();
        fund(p, 10 * TOKEN);
        vm.prank(p);
        eco.addBond(10 * TOKEN);
        vm.prank(p);
        eco.unjail();
        assertEq(uint256(providerOf(p).status), uint256(ProviderStatus.Active), "back after topping up");
    }

    /// @dev Rule (v2): a jailed provider may exit, but its exit cannot end before its jail does: unbonding ends at
    /// max(now + unbondingPeriodS, jail end). Validation keeps unbondingPeriodS ≥ jailCooldownS, so even an exit
    /// requested in the very block of the jailing ends no earlier than the jail (here both are 300 s: equal).
    function test_jailedProviderMayExitButNotBeforeTheJailEnds() public {
        address p = addProvider("p", BOND);
        for (uint256 i; i < 3; i++) timeOut(p);
        uint256 jailEnd = providerOf(p).jailedUntil;
        // Exit in the block of the jailing (the timeout above was reported at this timestamp).
        vm.prank(p);
        eco.requestExit();
        ProviderView memory v = providerOf(p);
        assertEq(uint256(v.status), uint256(ProviderStatus.Exiting), "exiting");
        assertGe(v.unbondingEndsAt, jailEnd, "the exit does not end before the jail");
        assertEq(v.unbondingEndsAt, jailEnd, "equal periods, same second");
        vm.warp(jailEnd - 1);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.StillUnbonding.selector, jailEnd));
        eco.withdrawBond(p);
        vm.warp(jailEnd);
        vm.prank(p);
        assertEq(eco.withdrawBond(p), BOND - 60 * TOKEN, "what is left of the bond");
    }

    /// @dev An exit asked for later in the jail ends a full unbonding period after it, past the jail's end.
    function test_exitLateInTheJailUnbondsInFull() public {
        address p = addProvider("p", BOND);
        for (uint256 i; i < 3; i++) timeOut(p);
        uint256 jailEnd = providerOf(p).jailedUntil;
        vm.warp(block.timestamp + 100);
        vm.prank(p);
        eco.requestExit();
        assertEq(providerOf(p).unbondingEndsAt, block.timestamp + 300, "a full unbonding period");
        assertGt(providerOf(p).unbondingEndsAt, jailEnd, "past the jail");
    }

    /// @dev Rule (v2): strikes stay with the provider's id across exit and re-registration, so that exiting and
    /// coming back cannot wash a record of timeouts: a provider that exited with 3 strikes (jailStrikes) comes back
    /// with 3 and is jailed again at its next strike.
    function test_strikesSurviveExitAndReRegistration() public {
        address p = addProvider("p", BOND);
        for (uint256 i; i < 3; i++) timeOut(p);
        vm.prank(p);
        eco.requestExit();
        vm.warp(providerOf(p).unbondingEndsAt);
        vm.prank(p);
        eco.withdrawBond(p);
        assertEq(providerOf(p).strikes, 3, "kept while exited");
        fund(p, BOND);
        vm.prank(p);
        assertEq(eco.register(BOND, 3, 4), 1, "same id");
        ProviderView memory v = providerOf(p);
        assertEq(uint256(v.status), uint256(ProviderStatus.Active), "active");
        assertEq(v.strikes, 3, "strikes kept");
        uint256 id = post(10 * TOKEN);
        assignNow(id);
        accept(id);
        vm.warp(block.timestamp + DEADLINE + 1);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.Strike(p, id, 4);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderJailed(p, block.timestamp + 300);
        eco.reportTimeout(id);
        assertEq(uint256(providerOf(p).status), uint256(ProviderStatus.Jailed), "jailed at the next strike");
        // A new account starts with a clean record.
        address q = addProvider("q", BOND);
        assertEq(providerOf(q).strikes, 0, "new provider: no strikes");
    }

    function test_weightIsZeroBelowMinBond() public {
        address p = addProvider("p", 100 * TOKEN);
        uint256 id = post(10 * TOKEN);
        assignNow(id);
        accept(id);
        vm.warp(block.timestamp + DEADLINE + 1);
        eco.reportTimeout(id);
        assertEq(providerOf(p).treeWeight, 0, "bond 80 < minBond 100: not drawable");
        assertEq(providerOf(p).stake, 0, "and earns no emission");
        assertEq(eco.totalWeight(INFERENCE), 0, "leaf cleared at once (the provider is still Active)");
    }
}
