// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "./Test.sol";
import {Economy} from "../../src/Economy.sol";
import {EconomyModule} from "../../src/EconomyModule.sol";
import {EconomyViews} from "../../src/EconomyViews.sol";
import {EconomyToken} from "../../src/EconomyToken.sol";
import {EconomyFactory} from "../../src/EconomyFactory.sol";
import {IEconomy} from "../../src/interfaces/IEconomy.sol";
import {JobStatus, JobView, ProviderView, VerificationPolicy} from "../../src/interfaces/EconomyTypes.sol";
import {Params} from "../../src/lib/EconomyParams.sol";

/// @notice Deploys the implementations and the factory, creates a genesis economy with the suggested devnet
/// parameters and registers a model of each kind; helpers fund actors, register providers and walk jobs through their
/// states.
abstract contract EconomyFixture is Test {
    uint256 internal constant TOKEN = 1e18;
    uint256 internal constant SUPPLY = 1_000_000_000 * TOKEN;
    bytes32 internal constant MODEL = keccak256("model: PP-OCRv4 recognition");
    bytes32 internal constant FT_MODEL = keccak256("model: adapter training step");
    bytes32 internal constant INPUT = keccak256("input");
    bytes32 internal constant OUTPUT = keccak256("output");
    uint32 internal constant DEADLINE = 60;
    uint8 internal constant INFERENCE = 0;
    uint8 internal constant FINE_TUNE = 1;

    EconomyViews internal views;
    EconomyModule internal module;
    Economy internal economyImpl;
    EconomyToken internal tokenImpl;
    EconomyFactory internal factory;
    IEconomy internal eco;
    EconomyToken internal tok;
    address internal admin;
    address internal requester;
    uint256 private _actors;

    function setUp() public virtual {
        vm.warp(1_800_000_000);
        vm.roll(100);
        admin = address(this);
        views = new EconomyViews();
        module = new EconomyModule(address(views));
        economyImpl = new Economy(address(module));
        tokenImpl = new EconomyToken();
        factory = new EconomyFactory(address(economyImpl), address(tokenImpl));
        (address e, address t) = factory.createGenesis(devnetParams(), "Flywheel", "FLY", SUPPLY);
        eco = IEconomy(e);
        tok = EconomyToken(t);
        eco.registerModel(MODEL, "ipfs://ocr", INFERENCE, argmaxPolicy());
        eco.registerModel(FT_MODEL, "ipfs://ft", FINE_TUNE, tolerancePolicy());
        requester = actor("requester", 1_000_000 * TOKEN);
    }

    /// @notice The suggested devnet parameters, as `devnetParams` in src/main/chain/deploy.ts (README, Contracts,
    /// "Parameters").
    function devnetParams() internal pure returns (Params memory p) {
        p.minBond = uint96(100 * TOKEN);
        p.minCollateral = uint96(5 * TOKEN);
        p.collateralFeeMultipleBps = 20_000;
        p.acceptWindowS = 20;
        p.minDeadlineS = 30;
        p.challengeWindowS = 60;
        p.voteWindowS = 60;
        p.protocolFeeBps = 500;
        p.requesterSlashShareBps = 5_000;
        p.slashBurnBps = 5_000;
        p.jailStrikes = 3;
        // unbondingPeriodS must be at least max(2 × voteWindowS, jailCooldownS) (an exit cannot cut a jail short).
        p.jailCooldownS = 300;
        p.unbondingPeriodS = 300;
        p.epochLengthS = 600;
        p.emissionPerEpoch = uint96(1_000 * TOKEN);
        p.bootstrapEpochs = 6;
        p.bootstrapBonusBps = 10_000;
        p.maxDeclines = 3;
        p.validatorMinBond = uint96(100 * TOKEN);
        p.challengeBond = uint96(10 * TOKEN);
        p.minFee = uint96(TOKEN / 10);
        p.quorumBps = 3_000;
        p.voteSlashBps = 1_000;
        p.winnerShareBps = 5_000;
        p.commitFeeBps = 2_000;
    }

    /// @notice Argmax agreement on 99 % of rows (classifiers and CTC decoders).
    function argmaxPolicy() internal pure returns (VerificationPolicy memory) {
        return VerificationPolicy({rule: 2, maxAbsErrorE9: 0, maxRelErrorE9: 0, minAgreementBps: 9_900});
    }

    /// @notice Every tensor within 1e-4 absolute or relative.
    function tolerancePolicy() internal pure returns (VerificationPolicy memory) {
        return VerificationPolicy({rule: 1, maxAbsErrorE9: 100_000, maxRelErrorE9: 100_000, minAgreementBps: 0});
    }

    /// @notice A labelled address holding `amount` tokens and approving the economy for all of them.
    function actor(string memory name, uint256 amount) internal returns (address a) {
        a = makeAddr(string.concat(name, "#", vm.toString(++_actors)));
        fund(a, amount);
    }

    function fund(address a, uint256 amount) internal {
        if (amount != 0) tok.transfer(a, amount);
        vm.prank(a);
        tok.approve(address(eco), type(uint256).max);
    }

    function addProvider(string memory name, uint256 bond) internal returns (address p) {
        return addProvider(name, bond, 3, 4);
    }

    function addProvider(string memory name, uint256 bond, uint8 kinds, uint8 capacity) internal returns (address p) {
        p = actor(name, bond + 10 * TOKEN);
        vm.prank(p);
        eco.register(bond, kinds, capacity);
    }

    function post(uint256 fee) internal returns (uint256) {
        return post(requester, INFERENCE, fee);
    }

    function post(address who, uint8 kind, uint256 fee) internal returns (uint256 jobId) {
        vm.prank(who);
        jobId = eco.postJob(kind, kind == INFERENCE ? MODEL : FT_MODEL, INPUT, "ipfs://input", fee, DEADLINE);
    }

    /// @notice Moves to the next block, gives the draw block a hash, assigns, returns the provider drawn.
    function assignWith(uint256 jobId, bytes32 seed) internal returns (address) {
        JobView memory j = eco.job(jobId);
        vm.setBlockhash(j.drawBlock, seed);
        vm.roll(j.drawBlock + 1);
        eco.assign(jobId);
        return eco.job(jobId).provider;
    }

    function assignNow(uint256 jobId) internal returns (address) {
        return assignWith(jobId, keccak256(abi.encode("seed", jobId, eco.job(jobId).drawBlock)));
    }

    /// @notice The assigned provider accepts the job (from then on a missed deadline is slashed).
    function accept(uint256 jobId) internal {
        vm.prank(eco.job(jobId).provider);
        eco.acceptJob(jobId);
    }

    function submit(uint256 jobId) internal {
        vm.prank(eco.job(jobId).provider);
        eco.submitResult(jobId, OUTPUT, "ipfs://output");
    }

    /// @notice post → assign → submit → wait out the challenge window → finalize; returns the provider paid.
    function runJob(uint256 fee) internal returns (uint256 jobId, address provider) {
        jobId = post(fee);
        provider = assignNow(jobId);
        submit(jobId);
        vm.warp(block.timestamp + devnetParams().challengeWindowS);
        eco.finalize(jobId);
    }

    function status(uint256 jobId) internal view returns (JobStatus) {
        return eco.job(jobId).status;
    }

    function providerOf(address p) internal view returns (ProviderView memory) {
        return eco.providerOf(p);
    }

    function newValidator(string memory name, uint256 bond) internal returns (address v) {
        v = actor(name, bond);
        vm.prank(v);
        eco.registerValidator(bond);
    }

    /// @notice Commits in this block and reveals in the next: a validator's whole challenge.
    function challengeAs(address validator, uint256 jobId) internal {
        bytes32 salt = keccak256(abi.encode(validator, jobId));
        vm.prank(validator);
        eco.commitChallenge(keccak256(abi.encode(jobId, validator, salt)));
        vm.roll(block.number + 1);
        vm.prank(validator);
        eco.challenge(jobId, salt, "ipfs://evidence");
    }
}
