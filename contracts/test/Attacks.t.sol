// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {Economy} from "../src/Economy.sol";
import {EconomyFactory} from "../src/EconomyFactory.sol";
import {IEconomy} from "../src/interfaces/IEconomy.sol";
import {IEconomyEvents} from "../src/interfaces/IEconomyEvents.sol";
import {JobStatus} from "../src/interfaces/EconomyTypes.sol";
import {EconomyParams, ParamOverrides} from "../src/lib/EconomyParams.sol";

/// @notice A token that calls back into a hook on every balance change: stands in for any token with transfer hooks,
/// so that the economy's reentrancy defences are tried for real.
contract HookToken is ERC20 {
    address public hook;
    bool private _inHook;

    constructor() ERC20("Hook", "HOOK") {}

    function setHook(address h) external {
        hook = h;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (hook != address(0) && !_inHook) {
            _inHook = true;
            (bool ok, ) = hook.call(abi.encodeWithSignature("onToken()"));
            ok;
            _inHook = false;
        }
    }
}

/// @notice Re-enters the economy from the token hook with whatever call it was armed with, and records the result.
contract Reenterer {
    IEconomy public eco;
    bytes public payload;
    bool public tried;
    bool public succeeded;
    bytes public revertData;

    function arm(IEconomy e, bytes calldata p) external {
        eco = e;
        payload = p;
        tried = false;
    }

    function onToken() external {
        if (tried || payload.length == 0) return;
        tried = true;
        (succeeded, revertData) = address(eco).call(payload);
    }

    function exec(address target, bytes calldata data) external {
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }
}

/// @notice Attacks tried and refused: reentrancy, steering the draw, dodging slashes, griefing, locking forks,
/// double claims, self-challenge and reward theft.
contract AttacksTest is EconomyFixture {
    uint256 internal constant FEE = 10 * TOKEN;

    // ─── reentrancy (withdraw, bond withdrawal, slash, claim) ──────────────────────────────────────────────────

    HookToken internal hookToken;
    IEconomy internal hooked;
    Reenterer internal attacker;

    function hookedEconomy(bytes32 root) internal {
        hookToken = new HookToken();
        bytes memory args = abi.encodePacked(
            address(hookToken),
            address(0),
            uint64(block.timestamp),
            uint64(0),
            uint64(root == bytes32(0) ? 0 : block.number - 1),
            root,
            EconomyParams.encode(devnetParams())
        );
        hooked = IEconomy(Clones.cloneWithImmutableArgs(address(economyImpl), args));
        hooked.initialize(admin, 0);
        hooked.registerModel(MODEL, "u", INFERENCE);
        attacker = new Reenterer();
        hookToken.mint(address(attacker), 10_000 * TOKEN);
        hookToken.mint(requester, 10_000 * TOKEN);
        attacker.exec(address(hookToken), abi.encodeCall(hookToken.approve, (address(hooked), type(uint256).max)));
        vm.prank(requester);
        hookToken.approve(address(hooked), type(uint256).max);
    }

    function attackerEarns() internal returns (uint256 id) {
        attacker.exec(address(hooked), abi.encodeCall(IEconomy.register, (1_000 * TOKEN, 80, 3, 4)));
        vm.prank(requester);
        id = hooked.postJob(INFERENCE, MODEL, INPUT, "u", FEE, DEADLINE, 0);
        vm.roll(block.number + 1);
        hooked.assign(id);
        attacker.exec(address(hooked), abi.encodeCall(IEconomy.submitResult, (id, OUTPUT, "o")));
    }

    function assertReentrancyRefused() internal view {
        assertTrue(attacker.tried(), "the hook re-entered");
        assertFalse(attacker.succeeded(), "the re-entrant call failed");
        assertEq(
            bytes4(attacker.revertData()),
            ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector,
            "refused by the guard"
        );
    }

    function test_reentrancy_withdrawPaysOnce() public {
        hookedEconomy(bytes32(0));
        uint256 id = attackerEarns();
        vm.warp(block.timestamp + 60);
        hooked.finalize(id);
        uint256 before = hookToken.balanceOf(address(attacker));
        hookToken.setHook(address(attacker));
        attacker.arm(hooked, abi.encodeCall(IEconomy.withdraw, (address(attacker))));
        attacker.exec(address(hooked), abi.encodeCall(IEconomy.withdraw, (address(attacker))));
        assertReentrancyRefused();
        assertEq(hookToken.balanceOf(address(attacker)) - before, 9.5e18, "paid exactly once");
    }

    function test_reentrancy_withdrawBondPaysOnce() public {
        hookedEconomy(bytes32(0));
        attacker.exec(address(hooked), abi.encodeCall(IEconomy.register, (1_000 * TOKEN, 80, 3, 4)));
        attacker.exec(address(hooked), abi.encodeCall(IEconomy.requestExit, ()));
        vm.warp(block.timestamp + 300);
        hookToken.setHook(address(attacker));
        attacker.arm(hooked, abi.encodeCall(IEconomy.withdrawBond, (address(attacker))));
        attacker.exec(address(hooked), abi.encodeCall(IEconomy.withdrawBond, (address(attacker))));
        assertReentrancyRefused();
        assertEq(hookToken.balanceOf(address(hooked)), 0, "the bond left once");
    }

    function test_reentrancy_slashCannotBeReentered() public {
        hookedEconomy(bytes32(0));
        uint256 id = attackerEarns();
        address v = makeAddr("validator");
        hookToken.mint(v, 100 * TOKEN);
        vm.startPrank(v);
        hookToken.approve(address(hooked), type(uint256).max);
        hooked.registerValidator(100 * TOKEN);
        vm.warp(block.timestamp + 1);
        hooked.commitChallenge(keccak256(abi.encode(id, v, bytes32("s"))));
        vm.roll(block.number + 1);
        hooked.challenge(id, "s");
        vm.stopPrank();
        vm.warp(block.timestamp + 60);
        // The slash burns tokens; the hook tries to withdraw mid-slash.
        hookToken.setHook(address(attacker));
        attacker.arm(hooked, abi.encodeCall(IEconomy.withdraw, (address(attacker))));
        hooked.resolveChallenge(id);
        assertReentrancyRefused();
        assertEq(uint256(hooked.job(id).status), uint256(JobStatus.Rejected), "slashed as voted");
        assertEq(hooked.providerOf(address(attacker)).bond, 980 * TOKEN, "collateral taken once");
    }

    function test_reentrancy_claimMintsOnce() public {
        bytes32 leafA = keccak256(bytes.concat(keccak256(abi.encode(address(0xA11), 5 * TOKEN))));
        vm.roll(block.number + 2);
        hookedEconomy(leafA); // a one-leaf tree: the root is the leaf, the proof is empty
        hookToken.setHook(address(attacker));
        attacker.arm(hooked, abi.encodeCall(IEconomy.claimAllocation, (address(0xA11), 5 * TOKEN, new bytes32[](0))));
        hooked.claimAllocation(address(0xA11), 5 * TOKEN, new bytes32[](0));
        assertReentrancyRefused();
        assertEq(hookToken.balanceOf(address(0xA11)), 5 * TOKEN, "minted once");
    }

    // ─── steering the draw ─────────────────────────────────────────────────────────────────────────────────────

    function test_steering_bondAddedAfterThePostNeverWinsThatJob() public {
        address honest = addProvider("honest", 1_000 * TOKEN, 80);
        address cheat = addProvider("cheat", 100 * TOKEN, 80);
        vm.roll(block.number + 1);
        uint256 id = post(FEE);
        // The cheat sees the post block's hash and piles on bond (x50 its weight) before anyone assigns.
        fund(cheat, 5_000 * TOKEN);
        vm.roll(block.number + 1);
        vm.prank(cheat);
        eco.addBond(5_000 * TOKEN);
        assertNeverWins(id, honest, 64);
    }

    /// @dev Over many hashes of the draw block, the job goes to `honest` or to nobody (a miss, retried later): the
    /// weight added after the draw block can delay the job but never win it.
    function assertNeverWins(uint256 id, address honest, uint256 seeds) internal {
        uint256 drawBlock = eco.job(id).drawBlock;
        uint256 assigned;
        for (uint256 s; s < seeds; s++) {
            uint256 snap = vm.snapshotState();
            vm.setBlockhash(drawBlock, keccak256(abi.encode(s)));
            try eco.assign(id) {
                assertEq(eco.job(id).provider, honest, "weight added after the draw block does not count");
                assigned++;
            } catch (bytes memory err) {
                assertEq(bytes4(err), Economy.NoEligibleProvider.selector, "a clean miss");
            }
            vm.revertToState(snap);
        }
        assertGt(assigned, 0, "the honest provider is still drawn");
    }

    function test_steering_providerRegisteredAfterThePostNeverWinsIt() public {
        address honest = addProvider("honest", 100 * TOKEN, 80);
        vm.roll(block.number + 1);
        uint256 id = post(FEE);
        vm.roll(block.number + 1);
        addProvider("newcomer", 1_000 * TOKEN, 100);
        assertNeverWins(id, honest, 32);
    }

    function test_steering_releasingCollateralAfterThePostDoesNotCount() public {
        address a = addProvider("a", 1_000 * TOKEN, 80);
        address b = addProvider("b", 1_000 * TOKEN, 80);
        uint256 earlier = post(FEE);
        address drawn = assignNow(earlier);
        submit(earlier);
        vm.warp(block.timestamp + 60);
        vm.roll(block.number + 1);
        uint256 id = post(FEE);
        vm.roll(block.number + 1);
        eco.finalize(earlier); // the provider frees its collateral after seeing the draw block's hash
        uint256 snap = vm.snapshotState();
        for (uint256 s; s < 16; s++) {
            vm.setBlockhash(eco.job(id).drawBlock, keccak256(abi.encode(s)));
            eco.assign(id);
            assertEq(eco.job(id).provider, drawn == a ? b : a, "an increase after the draw block excludes");
            vm.revertToState(snap);
        }
    }

    function test_steering_requesterCannotRerollByCancelling() public {
        addProvider("p", 1_000 * TOKEN, 80);
        uint256 id = post(FEE);
        vm.roll(block.number + 1);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.CancelTooEarly.selector, id, block.number + 256));
        eco.cancelJob(id);
        eco.assign(id); // anyone (a provider's node) assigns first
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.WrongJobStatus.selector, id, 2));
        eco.cancelJob(id);
    }

    // ─── dodging a slash ───────────────────────────────────────────────────────────────────────────────────────

    function test_cannotDeclineAfterTheAcceptWindowToDodgeATimeout() public {
        address p = addProvider("p", 1_000 * TOKEN, 80);
        uint256 id = post(FEE);
        assignNow(id);
        vm.warp(block.timestamp + DEADLINE + 1);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.AcceptWindowClosed.selector, id, block.timestamp - 41));
        eco.declineJob(id, 9);
        eco.reportTimeout(id);
        assertEq(providerOf(p).bond, 980 * TOKEN, "slashed all the same");
    }

    function test_challengedProviderCannotPullItsCollateral() public {
        address p = addProvider("p", 1_000 * TOKEN, 80);
        address v = newValidator("v", 100 * TOKEN);
        vm.warp(block.timestamp + 1);
        uint256 id = post(FEE);
        assignNow(id);
        submit(id);
        challengeAs(v, id);
        vm.prank(p);
        eco.requestExit(); // front-running the vote
        vm.warp(block.timestamp + 300);
        vm.prank(p);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.CollateralLocked.selector, 20 * TOKEN));
        eco.withdrawBond(p);
        eco.resolveChallenge(id); // nobody voted for the result: rejected
        assertEq(providerOf(p).bond, 980 * TOKEN, "the exiting provider is slashed");
        vm.prank(p);
        assertEq(eco.withdrawBond(p), 980 * TOKEN, "and leaves with the rest");
    }

    // ─── verification games ────────────────────────────────────────────────────────────────────────────────────

    function test_challengeGriefing_costsTheGrieferAndPaysTheProvider() public {
        address p = addProvider("p", 1_000 * TOKEN, 80);
        vm.prank(p);
        eco.updateProfile(80, 3, 64);
        address griefer = newValidator("griefer", 100 * TOKEN);
        address honestV = newValidator("honest validator", 500 * TOKEN);
        vm.warp(block.timestamp + 1);
        vm.roll(block.number + 1);
        uint256 rounds;
        while (eco.validatorOf(griefer).bond - eco.validatorOf(griefer).locked >= 10 * TOKEN) {
            uint256 id = post(FEE);
            assignNow(id);
            submit(id);
            challengeAs(griefer, id);
            vm.prank(honestV);
            eco.vote(id, true);
            vm.warp(block.timestamp + 60);
            eco.resolveChallenge(id);
            assertEq(uint256(status(id)), uint256(JobStatus.Finalized), "the good result stands");
            rounds++;
            vm.roll(block.number + 1);
        }
        assertEq(rounds, 10, "ten challenges and the griefer's bond is gone");
        assertEq(eco.validatorOf(griefer).bond, 0, "griefer slashed to nothing");
        // p is the only provider with work, so every emission is p's too: take it out to see fees and slashes.
        (, uint256 emitted0) = eco.epochTotals(0);
        uint256 emissions = emitted0 + eco.accountOf(p).pendingEmission;
        assertEq(eco.claimable(p) - emissions, rounds * (9.5e18 + 5 * TOKEN), "every fee plus half of each bond");
    }

    function test_selfChallengeThroughAnotherAddressStillLoses() public {
        address p = addProvider("p", 1_000 * TOKEN, 80);
        address puppet = newValidator("puppet of p", 100 * TOKEN);
        vm.warp(block.timestamp + 1);
        uint256 id = post(FEE);
        assignNow(id);
        submit(id); // a bad result; p challenges it itself to take the slash before an honest validator does
        challengeAs(puppet, id);
        vm.warp(block.timestamp + 60);
        eco.resolveChallenge(id);
        uint256 lost = 20 * TOKEN;
        uint256 recovered = eco.claimable(puppet);
        assertEq(providerOf(p).bond, 1_000 * TOKEN - lost, "collateral slashed");
        assertEq(recovered, lost / 2, "the puppet gets only the unburned half");
        assertGt(lost, recovered, "self-challenge is a net loss");
    }

    function test_rewardStealingBotCannotCopyAChallenge() public {
        addProvider("p", 1_000 * TOKEN, 80);
        address v = newValidator("v", 100 * TOKEN);
        address bot = newValidator("bot", 1_000 * TOKEN);
        vm.warp(block.timestamp + 1);
        uint256 id = post(FEE);
        assignNow(id);
        submit(id);
        bytes32 salt = "secret";
        bytes32 commitment = keccak256(abi.encode(id, v, salt));
        vm.prank(v);
        eco.commitChallenge(commitment);
        vm.prank(bot);
        eco.commitChallenge(commitment); // copying the commitment itself is useless: it names v
        vm.roll(block.number + 1);
        // The bot sees v's reveal in the mempool and front-runs it with the same arguments.
        vm.prank(bot);
        vm.expectRevert(
            abi.encodeWithSelector(IEconomyEvents.UnknownCommitment.selector, keccak256(abi.encode(id, bot, salt)))
        );
        eco.challenge(id, salt);
        vm.prank(v);
        eco.challenge(id, salt);
        assertEq(eco.challengeOf(id).challenger, v, "the reward stays with the validator who found the fault");
    }

    // ─── forks that would lock funds; double claims ────────────────────────────────────────────────────────────

    function test_forkParamsThatWouldLockFundsAreRefused() public {
        ParamOverrides memory o;
        o.mask = 1 << 12;
        o.values.unbondingPeriodS = 10 * 365 days; // bonds stuck for a decade
        vm.expectRevert(
            abi.encodeWithSelector(EconomyParams.ParamOutOfRange.selector, 12, 10 * 365 days, 120, 365 days)
        );
        factory.fork(address(eco), o, "Trap", "TRAP", bytes32(0), 0, 0);
        o.mask = 1 << 11;
        o.values.jailCooldownS = type(uint32).max; // jailed forever
        vm.expectRevert(
            abi.encodeWithSelector(EconomyParams.ParamOutOfRange.selector, 11, type(uint32).max, 1, 365 days)
        );
        factory.fork(address(eco), o, "Trap", "TRAP", bytes32(0), 0, 0);
        o.mask = 1 << 7;
        o.values.protocolFeeBps = 10_000; // providers paid nothing
        vm.expectRevert(abi.encodeWithSelector(EconomyParams.ParamOutOfRange.selector, 7, 10_000, 0, 5_000));
        factory.fork(address(eco), o, "Trap", "TRAP", bytes32(0), 0, 0);
        o.mask = 1 << 5;
        o.values.challengeWindowS = 0; // results final before anyone can look
        vm.expectRevert(abi.encodeWithSelector(EconomyParams.ParamOutOfRange.selector, 5, 0, 1, 30 days));
        factory.fork(address(eco), o, "Trap", "TRAP", bytes32(0), 0, 0);
        o.mask = (1 << 3) | (1 << 4);
        o.values.acceptWindowS = 600;
        o.values.minDeadlineS = 60; // a deadline inside the accept window: declines after the deadline
        vm.expectRevert(abi.encodeWithSelector(EconomyParams.ParamOutOfRange.selector, 4, 60, 601, 30 days));
        factory.fork(address(eco), o, "Trap", "TRAP", bytes32(0), 0, 0);
    }

    function test_doubleClaimIsRefused() public {
        bytes32 leafA = keccak256(bytes.concat(keccak256(abi.encode(address(0xA11), 5 * TOKEN))));
        vm.roll(block.number + 2);
        (address f, ) = factory.fork(address(eco), ParamOverrides(0, devnetParams()), "F", "F", leafA, 1, 0);
        IEconomy(f).claimAllocation(address(0xA11), 5 * TOKEN, new bytes32[](0));
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.AlreadyClaimed.selector, address(0xA11)));
        IEconomy(f).claimAllocation(address(0xA11), 5 * TOKEN, new bytes32[](0));
    }

    function test_initialize_refusesNoAdmin() public {
        bytes memory args = abi.encodePacked(
            address(tok),
            address(0),
            uint64(block.timestamp),
            uint64(0),
            uint64(0),
            bytes32(0),
            EconomyParams.encode(devnetParams())
        );
        IEconomy e = IEconomy(Clones.cloneWithImmutableArgs(address(economyImpl), args));
        vm.expectRevert(IEconomyEvents.ZeroAddress.selector);
        e.initialize(address(0), 0);
    }

    function test_factoryRefusesForeignParents() public {
        // A clone made outside the factory cannot be forked into the lineage.
        hookedEconomy(bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(EconomyFactory.UnknownParent.selector, address(hooked)));
        factory.fork(address(hooked), ParamOverrides(0, devnetParams()), "F", "F", bytes32(0), 0, 0);
    }
}
