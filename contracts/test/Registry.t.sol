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
        emit IEconomyEvents.ProviderRegistered(p, 1, BOND, 80, 3, 4);
        vm.prank(p);
        uint32 id = eco.register(BOND, 80, 3, 4);
        ProviderView memory v = eco.providerOf(p);
        assertEq(id, 1, "first id");
        assertEq(uint256(v.status), uint256(ProviderStatus.Active), "active");
        assertEq(v.bond, BOND, "bond");
        assertEq(v.free, BOND, "free");
        assertEq(v.locked, 0, "locked");
        assertEq(v.score, 80, "score");
        assertEq(v.kinds, 3, "kinds");
        assertEq(v.capacity, 4, "capacity");
        assertEq(v.treeWeight, (BOND / 1e15) * 80, "tree weight = bond in milli-tokens x score");
        assertEq(v.weight, v.treeWeight, "nothing locked: weight = tree weight");
        assertEq(eco.totalWeight(), v.treeWeight, "tree total");
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
        eco.register(99 * TOKEN, 80, 3, 4);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidScore.selector, 0));
        eco.register(BOND, 0, 3, 4);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidScore.selector, 1_000_001));
        eco.register(BOND, 1_000_001, 3, 4);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidKinds.selector, 0));
        eco.register(BOND, 80, 0, 4);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidKinds.selector, 4));
        eco.register(BOND, 80, 4, 4);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidCapacity.selector, 0));
        eco.register(BOND, 80, 3, 0);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidCapacity.selector, 65));
        eco.register(BOND, 80, 3, 65);
        eco.register(BOND / 2, 80, 3, 4);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 1));
        eco.register(BOND / 2, 80, 3, 4);
        vm.stopPrank();
    }

    function test_addBond_raisesBondWeightAndMarksAnIncrease() public {
        address p = addProvider("p", BOND, 50);
        fund(p, BOND);
        vm.roll(block.number + 7);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.BondAdded(p, 200 * TOKEN, BOND + 200 * TOKEN);
        vm.prank(p);
        eco.addBond(200 * TOKEN);
        ProviderView memory v = providerOf(p);
        assertEq(v.bond, BOND + 200 * TOKEN, "bond");
        assertEq(v.lastIncreaseBlock, block.number, "increase recorded");
        assertEq(v.treeWeight, ((BOND + 200 * TOKEN) / 1e15) * 50, "weight follows the bond");
        assertEq(eco.totalBonded(), BOND + 200 * TOKEN, "total bonded");
    }

    function test_addBond_refuses() public {
        address stranger = actor("stranger", BOND);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, stranger, 0));
        eco.addBond(TOKEN);
        address p = addProvider("p", BOND, 50);
        vm.prank(p);
        vm.expectRevert(IEconomyEvents.ZeroAmount.selector);
        eco.addBond(0);
        vm.prank(p);
        eco.requestExit();
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 3));
        eco.addBond(TOKEN);
    }

    function test_updateProfile_changesScoreKindsCapacity() public {
        address p = addProvider("p", BOND, 50);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProfileUpdated(p, 90, 1, 8);
        vm.prank(p);
        eco.updateProfile(90, 1, 8);
        ProviderView memory v = providerOf(p);
        assertEq(v.score, 90, "score");
        assertEq(v.kinds, 1, "kinds");
        assertEq(v.capacity, 8, "capacity");
        assertEq(v.treeWeight, (BOND / 1e15) * 90, "weight follows the score");
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidScore.selector, 0));
        eco.updateProfile(0, 1, 8);
        vm.prank(p);
        eco.requestExit();
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 3));
        eco.updateProfile(90, 1, 8);
    }

    function test_pauseAndResume_leaveAndReenterTheDraw() public {
        address p = addProvider("p", BOND, 50);
        uint256 w = eco.totalWeight();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderPaused(p);
        vm.prank(p);
        eco.pause();
        assertEq(eco.totalWeight(), 0, "paused: no weight");
        assertEq(uint256(providerOf(p).status), uint256(ProviderStatus.Paused), "paused");
        assertEq(eco.activeProviders(), 0, "not active");
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 2));
        eco.pause();
        vm.prank(p);
        eco.resume();
        assertEq(eco.totalWeight(), w, "weight back");
        assertEq(eco.activeProviders(), 1, "active again");
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 1));
        eco.resume();
    }

    function test_exit_unbondsThenPaysTheBond() public {
        address p = addProvider("p", BOND, 50);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ExitRequested(p, block.timestamp + 300);
        vm.prank(p);
        eco.requestExit();
        ProviderView memory v = providerOf(p);
        assertEq(uint256(v.status), uint256(ProviderStatus.Exiting), "exiting");
        assertEq(v.unbondingEndsAt, block.timestamp + 300, "unbonding end");
        assertEq(eco.totalWeight(), 0, "out of the draw");
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
        // An exited provider registers again under its old id.
        fund(p, BOND);
        vm.prank(p);
        assertEq(eco.register(BOND, 60, 3, 4), 1, "same id");
    }

    function test_withdrawBond_refusedWhileCollateralIsLocked() public {
        address p = addProvider("p", BOND, 50);
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

    function test_jailAfterStrikes_unjailAfterCooldown() public {
        address p = addProvider("p", BOND, 50);
        for (uint256 i; i < 3; i++) {
            uint256 id = post(10 * TOKEN);
            assignNow(id);
            vm.warp(block.timestamp + DEADLINE + 1);
            if (i == 2) {
                vm.expectEmit(address(eco));
                emit IEconomyEvents.ProviderJailed(p, block.timestamp + 600);
            }
            eco.reportTimeout(id);
            vm.roll(block.number + 1);
        }
        ProviderView memory v = providerOf(p);
        assertEq(uint256(v.status), uint256(ProviderStatus.Jailed), "jailed");
        assertEq(v.strikes, 3, "strikes");
        assertEq(v.jailedUntil, block.timestamp + 600, "jail end");
        assertEq(v.bond, BOND - 60 * TOKEN, "three collaterals slashed");
        assertEq(eco.totalWeight(), 0, "jailed: out of the draw");
        assertEq(eco.activeProviders(), 0, "not active");
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.StillJailed.selector, block.timestamp + 600));
        eco.unjail();
        vm.warp(block.timestamp + 600);
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ProviderUnjailed(p);
        vm.prank(p);
        eco.unjail();
        v = providerOf(p);
        assertEq(uint256(v.status), uint256(ProviderStatus.Active), "active");
        assertEq(v.strikes, 0, "strikes cleared");
        assertGt(eco.totalWeight(), 0, "back in the draw");
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongProviderStatus.selector, p, 1));
        eco.unjail();
    }

    function test_unjail_needsMinBond() public {
        address p = addProvider("p", 150 * TOKEN, 50);
        for (uint256 i; i < 3; i++) {
            uint256 id = post(10 * TOKEN);
            assignNow(id);
            vm.warp(block.timestamp + DEADLINE + 1);
            eco.reportTimeout(id);
            vm.roll(block.number + 1);
        }
        vm.warp(block.timestamp + 600);
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

    function test_jailedProviderMayExit() public {
        address p = addProvider("p", BOND, 50);
        for (uint256 i; i < 3; i++) {
            uint256 id = post(10 * TOKEN);
            assignNow(id);
            vm.warp(block.timestamp + DEADLINE + 1);
            eco.reportTimeout(id);
            vm.roll(block.number + 1);
        }
        vm.prank(p);
        eco.requestExit();
        vm.warp(block.timestamp + 300);
        vm.prank(p);
        assertEq(eco.withdrawBond(p), BOND - 60 * TOKEN, "what is left of the bond");
    }

    function test_weightIsZeroBelowMinBond() public {
        address p = addProvider("p", 100 * TOKEN, 50);
        uint256 id = post(10 * TOKEN);
        assignNow(id);
        vm.warp(block.timestamp + DEADLINE + 1);
        eco.reportTimeout(id);
        assertEq(providerOf(p).treeWeight, 0, "bond 80 < minBond 100: not drawable");
    }
}
