// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {EconomyFactory} from "../src/EconomyFactory.sol";
import {EconomyToken} from "../src/EconomyToken.sol";
import {IEconomy} from "../src/interfaces/IEconomy.sol";
import {IEconomyEvents} from "../src/interfaces/IEconomyEvents.sol";
import {LineageView, ModelView, VerificationPolicy} from "../src/interfaces/EconomyTypes.sol";
import {EconomyParams, Params, ParamOverrides} from "../src/lib/EconomyParams.sol";

/// @notice The factory and lineage: genesis, forks with overrides, inherited models, and fork allocations by proof.
contract LineageTest is EconomyFixture {
    function noOverrides() internal pure returns (ParamOverrides memory o) {}

    function forkOf(address parent, ParamOverrides memory o, bytes32 root, uint64 snap) internal returns (IEconomy) {
        (address e, ) = factory.fork(parent, o, "Flywheel Turbo", "FLYT", root, snap, 1_000 * TOKEN);
        return IEconomy(e);
    }

    function test_createGenesis_recordsAndInitializes() public view {
        assertEq(factory.economyCount(), 1, "one economy");
        assertEq(factory.economyAt(0), address(eco), "listed");
        assertTrue(factory.isEconomy(address(eco)), "known");
        EconomyFactory.EconomyRecord memory r = factory.recordOf(address(eco));
        assertEq(r.token, address(tok), "token");
        assertEq(r.parent, address(0), "no parent");
        assertEq(r.forkBlock, 0, "no fork block");
        assertEq(r.depth, 0, "depth 0");
        assertEq(r.createdAt, block.timestamp, "created at");
        assertEq(tok.name(), "Flywheel", "name");
        assertEq(tok.symbol(), "FLY", "symbol");
        assertEq(tok.decimals(), 18, "decimals");
        assertEq(tok.economy(), address(eco), "minter");
        assertEq(tok.totalSupply(), SUPPLY, "creator supply");
        assertEq(eco.admin(), admin, "creator is admin");
        assertEq(eco.token(), address(tok), "economy's token");
        assertEq(keccak256(abi.encode(eco.params())), keccak256(abi.encode(devnetParams())), "params round-trip");
        LineageView memory l = eco.lineage();
        assertEq(l.parent, address(0), "lineage parent");
        assertEq(l.allocationRoot, bytes32(0), "no allocation");
    }

    function test_createGenesis_refusesBadNamesAndParams() public {
        vm.expectRevert(EconomyFactory.InvalidName.selector);
        factory.createGenesis(devnetParams(), "", "X", 0);
        vm.expectRevert(EconomyFactory.InvalidName.selector);
        factory.createGenesis(devnetParams(), "X", "SEVENTEEN-LETTERS", 0);
        Params memory bad = devnetParams();
        bad.protocolFeeBps = 5_001;
        vm.expectRevert(abi.encodeWithSelector(EconomyParams.ParamOutOfRange.selector, 7, 5_001, 0, 5_000));
        factory.createGenesis(bad, "X", "X", 0);
    }

    function test_fork_copiesParamsAppliesOverridesRecordsLineage() public {
        vm.roll(block.number + 10);
        ParamOverrides memory o;
        o.mask = (1 << 7) | (1 << 14); // protocolFeeBps, emissionPerEpoch
        o.values.protocolFeeBps = 300;
        o.values.emissionPerEpoch = uint96(5_000 * TOKEN);
        o.values.minBond = 1; // not in the mask: ignored
        address parent = address(eco);
        IEconomy f = forkOf(parent, o, bytes32(0), 0);
        Params memory expected = devnetParams();
        expected.protocolFeeBps = 300;
        expected.emissionPerEpoch = uint96(5_000 * TOKEN);
        assertEq(keccak256(abi.encode(f.params())), keccak256(abi.encode(expected)), "parent's params + overrides");
        EconomyFactory.EconomyRecord memory r = factory.recordOf(address(f));
        assertEq(r.parent, parent, "parent");
        assertEq(r.forkBlock, block.number, "fork block");
        assertEq(r.depth, 1, "depth 1");
        assertEq(f.lineage().forkBlock, block.number, "fork block in the economy too");
        assertEq(f.admin(), admin, "forker is admin");
        assertEq(EconomyToken(f.token()).balanceOf(admin), 1_000 * TOKEN, "creator supply");
        assertEq(EconomyToken(f.token()).name(), "Flywheel Turbo", "own token");
        // A fork of the fork.
        IEconomy g = forkOf(address(f), noOverrides(), bytes32(0), 0);
        assertEq(factory.recordOf(address(g)).depth, 2, "depth 2");
        assertEq(g.params().protocolFeeBps, 300, "inherits the fork's params");
        EconomyFactory.EconomyRecord[] memory all = factory.listEconomies(0, 10);
        assertEq(all.length, 3, "three economies");
        assertEq(all[2].parent, address(f), "the tree: g under f");
        assertEq(factory.listEconomies(2, 10).length, 1, "paged");
        assertEq(factory.listEconomies(5, 10).length, 0, "past the end");
        assertEq(factory.economies().length, 3, "all addresses");
    }

    function test_fork_refuses() public {
        address stranger = makeAddr("not an economy");
        vm.expectRevert(abi.encodeWithSelector(EconomyFactory.UnknownParent.selector, stranger));
        factory.fork(stranger, noOverrides(), "X", "X", bytes32(0), 0, 0);
        vm.expectRevert(abi.encodeWithSelector(EconomyFactory.InvalidSnapshot.selector, bytes32("r"), 0));
        factory.fork(address(eco), noOverrides(), "X", "X", bytes32("r"), 0, 0);
        vm.expectRevert(abi.encodeWithSelector(EconomyFactory.InvalidSnapshot.selector, bytes32(0), 5));
        factory.fork(address(eco), noOverrides(), "X", "X", bytes32(0), 5, 0);
        uint64 future = uint64(block.number);
        vm.expectRevert(abi.encodeWithSelector(EconomyFactory.InvalidSnapshot.selector, bytes32("r"), future));
        factory.fork(address(eco), noOverrides(), "X", "X", bytes32("r"), future, 0);
        // 25 fields: bit 25 names nothing.
        ParamOverrides memory o;
        o.mask = 1 << 25;
        vm.expectRevert(abi.encodeWithSelector(EconomyParams.UnknownOverrideFields.selector, 1 << 25));
        factory.fork(address(eco), o, "X", "X", bytes32(0), 0, 0);
        // Overrides are validated again: a quorum above half of the stake is refused in a fork too.
        o.mask = 1 << 21;
        o.values.quorumBps = 5_001;
        vm.expectRevert(abi.encodeWithSelector(EconomyParams.ParamOutOfRange.selector, 21, 5_001, 1_000, 5_000));
        factory.fork(address(eco), o, "X", "X", bytes32(0), 0, 0);
        // And so is a combination: a longer jail than the parent's unbonding period (an exit would cut it short).
        o.mask = 1 << 11;
        o.values.jailCooldownS = 301;
        vm.expectRevert(abi.encodeWithSelector(EconomyParams.ParamOutOfRange.selector, 12, 300, 301, 365 days));
        factory.fork(address(eco), o, "X", "X", bytes32(0), 0, 0);
    }

    /// @dev The five v2 fields (mask bits 20..24) are forkable like the rest, and the fork's hot path reads its own
    /// minFee (from its clone arguments).
    function test_fork_overridesTheNewFields() public {
        ParamOverrides memory o;
        o.mask = uint32(0x1f << 20);
        o.values.minFee = uint96(2 * TOKEN);
        o.values.quorumBps = 4_000;
        o.values.voteSlashBps = 500;
        o.values.winnerShareBps = 7_000;
        o.values.commitFeeBps = 300;
        IEconomy f = forkOf(address(eco), o, bytes32(0), 0);
        Params memory expected = devnetParams();
        expected.minFee = uint96(2 * TOKEN);
        expected.quorumBps = 4_000;
        expected.voteSlashBps = 500;
        expected.winnerShareBps = 7_000;
        expected.commitFeeBps = 300;
        assertEq(keccak256(abi.encode(f.params())), keccak256(abi.encode(expected)), "parent's params + overrides");
        EconomyToken ft = EconomyToken(f.token());
        ft.approve(address(f), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.FeeTooLow.selector, TOKEN, 2 * TOKEN));
        f.postJob(INFERENCE, MODEL, INPUT, "u", TOKEN, DEADLINE);
        f.postJob(INFERENCE, MODEL, INPUT, "u", 2 * TOKEN, DEADLINE);
        // The parent still takes a 1-token job (its minFee is 0.1).
        vm.prank(requester);
        eco.postJob(INFERENCE, MODEL, INPUT, "u", TOKEN, DEADLINE);
    }

    function test_models_forkSeesParentModelsAsOfTheForkBlock() public {
        bytes32 before = keccak256("registered before the fork");
        VerificationPolicy memory logprob = VerificationPolicy({
            rule: 3,
            maxAbsErrorE9: 50_000_000,
            maxRelErrorE9: 0,
            minAgreementBps: 0
        });
        eco.registerModel(before, "ipfs://before", INFERENCE, logprob);
        vm.roll(block.number + 1);
        IEconomy f = forkOf(address(eco), noOverrides(), bytes32(0), 0);
        vm.roll(block.number + 1);
        bytes32 afterFork = keccak256("registered after the fork");
        eco.registerModel(afterFork, "ipfs://after", INFERENCE, argmaxPolicy());
        ModelView memory m = f.model(before);
        assertTrue(m.found, "inherited");
        assertEq(m.registeredIn, address(eco), "from the parent");
        assertEq(m.uri, "ipfs://before", "uri");
        // The policy a result is judged by comes with the model: a fork cannot judge an inherited model differently.
        assertEq(keccak256(abi.encode(m.policy)), keccak256(abi.encode(logprob)), "policy inherited");
        assertFalse(f.model(afterFork).found, "the parent's later models are not the fork's");
        assertTrue(eco.model(afterFork).found, "but the parent has it");
        // The fork may register its own, and a grandchild sees both generations.
        bytes32 own = keccak256("fork's own");
        f.registerModel(own, "ipfs://own", FINE_TUNE, tolerancePolicy());
        vm.roll(block.number + 1);
        IEconomy g = forkOf(address(f), noOverrides(), bytes32(0), 0);
        assertTrue(g.model(own).found, "grandchild sees the fork's model");
        assertTrue(g.model(before).found, "and the genesis model");
        assertEq(g.model(MODEL).registeredIn, address(eco), "registered in genesis");
        assertEq(g.model(own).policy.rule, 1, "grandchild sees the fork's policy");
        assertEq(g.model(before).policy.rule, 3, "and the genesis policy");
        // Jobs in the fork can use inherited models.
        EconomyToken ft = EconomyToken(f.token());
        ft.approve(address(f), type(uint256).max);
        f.postJob(INFERENCE, before, INPUT, "u", TOKEN, DEADLINE);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.UnknownModel.selector, afterFork));
        f.postJob(INFERENCE, afterFork, INPUT, "u", TOKEN, DEADLINE);
    }

    function test_registerModel_refuses() public {
        VerificationPolicy memory exact;
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.ModelAlreadyRegistered.selector, MODEL));
        eco.registerModel(MODEL, "u", INFERENCE, exact);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidKind.selector, 2));
        eco.registerModel(keccak256("x"), "u", 2, exact);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.UnknownModel.selector, bytes32(0)));
        eco.registerModel(bytes32(0), "u", 0, exact);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.NotAdmin.selector, requester));
        eco.registerModel(keccak256("x"), "u", 0, exact);
    }

    /// @dev A policy that could never reject anything (or names no rule) is refused: tolerance needs a bound,
    /// argmax an agreement share in (0, 100 %], logprob a bound on the gap.
    function test_registerModel_refusesEmptyPolicies() public {
        bytes32 m = keccak256("x");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidPolicy.selector, 4));
        eco.registerModel(m, "u", 0, VerificationPolicy(4, 1, 1, 1));
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidPolicy.selector, 1));
        eco.registerModel(m, "u", 0, VerificationPolicy(1, 0, 0, 0));
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidPolicy.selector, 2));
        eco.registerModel(m, "u", 0, VerificationPolicy(2, 0, 0, 0));
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidPolicy.selector, 2));
        eco.registerModel(m, "u", 0, VerificationPolicy(2, 0, 0, 10_001));
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.InvalidPolicy.selector, 3));
        eco.registerModel(m, "u", 0, VerificationPolicy(3, 0, 1, 0));
        vm.expectEmit(address(eco));
        emit IEconomyEvents.ModelRegistered(m, 0, "u", 1, 0, 7, 0);
        eco.registerModel(m, "u", 0, VerificationPolicy(1, 0, 7, 0)); // a relative bound alone is enough
        assertEq(eco.model(m).policy.maxRelErrorE9, 7, "stored");
    }

    // ─── fork allocation by Merkle proof ───────────────────────────────────────────────────────────────────────

    function leaf(address account, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
    }

    function test_claimAllocation_byProofOnce() public {
        address a = makeAddr("a");
        address b = makeAddr("b");
        address c = makeAddr("c");
        bytes32 la = leaf(a, 100 * TOKEN);
        bytes32 lb = leaf(b, 250 * TOKEN);
        bytes32 lc = leaf(c, 40 * TOKEN);
        bytes32 ab = Hashes.commutativeKeccak256(la, lb);
        bytes32 root = Hashes.commutativeKeccak256(ab, lc);
        vm.roll(block.number + 5);
        IEconomy f = forkOf(address(eco), noOverrides(), root, uint64(block.number - 1));
        assertEq(f.lineage().allocationRoot, root, "root recorded");
        assertEq(f.lineage().snapshotBlock, block.number - 1, "snapshot block recorded");
        EconomyToken ft = EconomyToken(f.token());
        bytes32[] memory proofA = new bytes32[](2);
        proofA[0] = lb;
        proofA[1] = lc;
        vm.expectEmit(address(f));
        emit IEconomyEvents.AllocationClaimed(a, 100 * TOKEN);
        vm.prank(makeAddr("relayer"));
        f.claimAllocation(a, 100 * TOKEN, proofA); // anyone may submit; the tokens go to the account
        assertEq(ft.balanceOf(a), 100 * TOKEN, "minted to the account");
        assertTrue(f.allocationClaimed(a), "claimed");
        vm.expectRevert(abi.encodeWithSelector(IEconomyEvents.AlreadyClaimed.selector, a));
        f.claimAllocation(a, 100 * TOKEN, proofA);
        bytes32[] memory proofC = new bytes32[](1);
        proofC[0] = ab;
        vm.expectRevert(IEconomyEvents.InvalidProof.selector);
        f.claimAllocation(c, 41 * TOKEN, proofC); // wrong amount
        vm.expectRevert(IEconomyEvents.InvalidProof.selector);
        f.claimAllocation(b, 100 * TOKEN, proofA); // someone else's proof
        f.claimAllocation(c, 40 * TOKEN, proofC);
        assertEq(ft.balanceOf(c), 40 * TOKEN, "c claimed");
        vm.expectRevert(IEconomyEvents.NoAllocation.selector);
        eco.claimAllocation(a, 1, proofA); // the genesis economy has no snapshot
    }

    // ─── initializers and implementations ──────────────────────────────────────────────────────────────────────

    function test_initializersRunOnce() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        eco.initialize(admin, 1);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        tok.initialize("X", "X", admin);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        tokenImpl.initialize("X", "X", admin);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        economyImpl.initialize(admin, 1);
    }

    function test_implementationsRefuseDirectUse() public {
        vm.expectRevert(IEconomyEvents.NotAnEconomy.selector);
        IEconomy(address(economyImpl)).params();
        vm.expectRevert(IEconomyEvents.NotAnEconomy.selector);
        IEconomy(address(module)).params();
        vm.expectRevert(IEconomyEvents.NotAnEconomy.selector);
        IEconomy(address(views)).params();
        vm.expectRevert(IEconomyEvents.NotAnEconomy.selector);
        IEconomy(address(economyImpl)).register(100 * TOKEN, 1, 1);
    }

    function test_factory_refusesMissingImplementations() public {
        vm.expectRevert(EconomyFactory.ZeroImplementation.selector);
        new EconomyFactory(address(0), address(tokenImpl));
    }
}
