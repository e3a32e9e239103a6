// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {Vm} from "./lib/Test.sol";
import {IEconomyEvents} from "../src/interfaces/IEconomyEvents.sol";
import {AccountView} from "../src/interfaces/EconomyTypes.sol";

/// @notice Fees, per-epoch emissions shared pro rata to finalized work, withdrawals, treasury and admin.
contract RewardsTest is EconomyFixture {
    address internal a;
    address internal b;

    function setUp() public override {
        super.setUp();
        a = addProvider("a", 1_000 * TOKEN, 80);
        b = addProvider("b", 1_000 * TOKEN, 80);
    }

    /// @dev Runs a job and makes sure `who` is the one paid (declining when the other is drawn).
    function jobFor(address who, uint256 fee) internal {
        uint256 id = post(fee);
        address drawn = assignNow(id);
        if (drawn != who) {
            vm.prank(drawn);
            eco.declineJob(id, 9);
            drawn = assignNow(id);
        }
        assertEq(drawn, who, "the intended provider");
        submit(id);
        vm.warp(block.timestamp + 60);
        eco.finalize(id);
        vm.roll(block.number + 1);
    }

    function test_emissionSchedule_frontLoadsYoungEconomies() public view {
        assertEq(eco.emissionForEpoch(0), 2_000 * TOKEN, "epoch 0: +100 %");
        assertEq(eco.emissionForEpoch(3), 1_500 * TOKEN, "halfway through the bootstrap: +50 %");
        assertEq(eco.emissionForEpoch(6), 1_000 * TOKEN, "after it: the base");
        assertEq(eco.emissionForEpoch(1_000), 1_000 * TOKEN, "forever after");
        assertEq(eco.currentEpoch(), 0, "epoch 0 at creation");
    }

    function test_emissions_sharedProRataToFinalizedWork() public {
        jobFor(a, 10 * TOKEN);
        jobFor(b, 30 * TOKEN);
        assertEq(eco.stats().currentEpochWork, 40 * TOKEN, "work so far");
        vm.warp(block.timestamp + 600); // epoch 1
        assertEq(eco.currentEpoch(), 1, "epoch 1");
        // The view already counts the closed epoch's share before anyone settles it.
        AccountView memory va = eco.accountOf(a);
        assertEq(va.pendingEmission, 500 * TOKEN, "a: 10/40 of 2,000");
        assertEq(eco.claimable(b), 28.5e18 + 1_500 * TOKEN, "b: fee + 30/40 of 2,000");
        uint256 supply = tok.totalSupply();
        vm.expectEmit(address(eco));
        emit IEconomyEvents.EpochClosed(0, 40 * TOKEN, 2_000 * TOKEN);
        vm.prank(a);
        uint256 paid = eco.withdraw(a);
        assertEq(paid, 9.5e18 + 500 * TOKEN, "fee + emission share");
        assertEq(tok.totalSupply() - supply, 2_000 * TOKEN, "the epoch's emission minted once");
        assertEq(eco.unpaidEmissions(), 1_500 * TOKEN, "b's share waits for b");
        (uint256 work, uint256 emission) = eco.epochTotals(0);
        assertEq(work, 40 * TOKEN, "recorded work");
        assertEq(emission, 2_000 * TOKEN, "recorded emission");
        vm.prank(b);
        eco.withdraw(b);
        assertEq(eco.unpaidEmissions(), 0, "all paid");
    }

    function test_emissions_settleWhenTheProviderWorksAgain() public {
        jobFor(a, 10 * TOKEN);
        vm.warp(block.timestamp + 600);
        vm.recordLogs();
        jobFor(a, 10 * TOKEN); // finalizing in epoch 1 closes epoch 0 and settles a's share
        assertTrue(emitted(IEconomyEvents.EmissionCredited.selector), "emission credited");
        AccountView memory va = eco.accountOf(a);
        assertEq(va.claimable, 19e18 + 2_000 * TOKEN, "two fees + the whole epoch-0 emission");
        assertEq(va.workEpoch, 1, "working in epoch 1");
        assertEq(va.epochWork, 10 * TOKEN, "epoch-1 work");
    }

    function test_emissions_noWorkNoMint() public {
        uint256 supply = tok.totalSupply();
        vm.warp(block.timestamp + 6_000);
        jobFor(a, 10 * TOKEN);
        assertEq(tok.totalSupply(), supply, "empty epochs mint nothing");
        (uint256 work, ) = eco.epochTotals(0);
        assertEq(work, 0, "nothing recorded");
    }

    function test_treasury_adminWithdraws() public {
        jobFor(a, 100 * TOKEN);
        assertEq(eco.treasury(), 5 * TOKEN, "5 % of the fee");
        address t = makeAddr("treasury");
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NotAdmin.selector, a));
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
        eco.registerModel(keccak256("m"), "u", 0);
    }

    function test_stats_inOneCall() public {
        jobFor(a, 10 * TOKEN);
        post(5 * TOKEN);
        newValidator("v", 100 * TOKEN);
        (bool ok, ) = address(eco).staticcall(abi.encodeWithSignature("stats()"));
        assertTrue(ok, "stats readable");
        assertEq(eco.stats().providerCount, 2, "providers");
        assertEq(eco.stats().activeProviders, 2, "active");
        assertEq(eco.stats().jobCount, 2, "jobs");
        assertEq(eco.stats().totalBonded, 2_000 * TOKEN, "bonded");
        assertEq(eco.stats().treasury, 0.5e18, "treasury");
        assertEq(eco.stats().currentEmission, 2_000 * TOKEN, "emission now");
        assertEq(eco.stats().activeValidators, 1, "validators");
        assertEq(eco.stats().validatorStake, 100 * TOKEN, "stake");
        assertEq(eco.stats().totalWeight, eco.totalWeight(), "weight");
    }

    function emitted(bytes32 topic) internal returns (bool) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; i++) if (logs[i].topics[0] == topic) return true;
        return false;
    }

    /// @dev Fuzz: whatever the fees, a finalized job splits its fee exactly between provider and treasury.
    function testFuzz_feeSplitIsExact(uint256 fee) public {
        fee = bound(fee, 1, 400 * TOKEN);
        uint256 treasuryBefore = eco.treasury();
        uint256 id = post(fee);
        address drawn = assignNow(id);
        submit(id);
        vm.warp(block.timestamp + 60);
        eco.finalize(id);
        assertEq(eco.claimable(drawn) + eco.treasury() - treasuryBefore, fee, "fee = payout + protocol fee");
        assertEq(eco.treasury() - treasuryBefore, (fee * 500) / 10_000, "5 %");
    }
}
