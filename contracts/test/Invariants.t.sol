// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {Console, EconomySlots, InvariantHandler, VmExtra} from "./lib/InvariantHandler.sol";
import {EconomyToken} from "../src/EconomyToken.sol";
import {IEconomy} from "../src/interfaces/IEconomy.sol";
import {
    ChallengeView,
    JobStatus,
    JobView,
    ProviderStatus,
    ProviderView,
    StatsView,
    ValidatorStatus,
    ValidatorView,
    VoteView
} from "../src/interfaces/EconomyTypes.sol";
import {ParamOverrides, Params} from "../src/lib/EconomyParams.sol";

/// @notice The economy's invariants under random sequences of every external function (CI: 256 runs × 32 calls;
/// `npm run test:deep`: 1,000 × 100). Three genesis economies are built in setUp from three parameter sets (the
/// devnet's, a strict one at the lower bounds of {EconomyParams-validate}, a generous one at the upper bounds) and
/// each run works on one of them, picked by its first call; a fork with a four-leaf allocation tree is claimed from.
/// @dev forge runs one campaign per invariant, each checking only its own invariant after every call, so the suite
/// costs (number of invariants) × runs × depth handler calls: the handler and the invariants read storage directly
/// (EconomySlots, checked against the views in setUp) where a scan would otherwise call a view per job, and the
/// handler learns what changed from the events of each call instead of re-reading every job and provider.
contract InvariantsTest is EconomyFixture {
    VmExtra private constant vmx = VmExtra(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant ACTOR_FUNDS = 1_000_000 * TOKEN;
    uint256 internal constant FORK_SUPPLY = 1_000 * TOKEN;
    uint256 internal constant WEIGHT_UNIT = 1e15;
    /// A path that never succeeded fails the suite once this many runs (over every campaign of this process: the
    /// default profile makes 9 × 256) have been added up; fewer runs (one campaign alone, or a lower `runs`) only
    /// log the counts.
    uint256 internal constant MIN_RUNS_FOR_COVERAGE = 1_000;
    string internal constant ENV_PREFIX = "FLYWHEEL_INVARIANTS_";

    InvariantHandler internal handler;
    IEconomy[3] internal genesis;

    function setUp() public override {
        super.setUp();
        genesis[0] = eco;
        genesis[1] = _genesis(strictParams());
        genesis[2] = _genesis(generousParams());

        address[] memory ps = _actors("provider", 6);
        address[] memory vs = _actors("validator", 5);
        address[] memory rs = _actors("requester", 2);

        address[4] memory accounts = [makeAddr("snapshot#1"), makeAddr("snapshot#2"), makeAddr("snapshot#3"), makeAddr("snapshot#4")];
        uint256[4] memory amounts = [uint256(700 * TOKEN), 1, 35 * TOKEN + 7, 12_345 * TOKEN];
        bytes32[4] memory leaves;
        for (uint256 i; i < 4; i++) leaves[i] = keccak256(bytes.concat(keccak256(abi.encode(accounts[i], amounts[i]))));
        bytes32 root = _pair(_pair(leaves[0], leaves[1]), _pair(leaves[2], leaves[3]));
        ParamOverrides memory none;
        (address f, ) = factory.fork(address(eco), none, "Fork", "FRK", root, uint64(block.number - 1), FORK_SUPPLY);

        handler = new InvariantHandler(genesis, IEconomy(f), address(this), ps, vs, rs, accounts, amounts);
        for (uint256 i; i < 3; i++) handler.prepare(i, 0);
        // Longest windows first, shortest (a four-second vote, a one-second accept window) last.
        handler.prepare(2, 1);
        handler.prepare(0, 1);
        handler.prepare(1, 1);
        // FLYWHEEL_INVARIANT_SET=0|1|2 runs every run on one parameter set (devnet, strict, generous).
        handler.startRun(vmx.envOr("FLYWHEEL_INVARIANT_SET", uint256(3)));
        for (uint256 i; i < 3; i++) _checkStorageReads(genesis[i], ps, vs, rs);
        assertEq(handler.proofOf(0)[1], _pair(leaves[2], leaves[3]), "handler builds the same tree");

        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](handler.PATHS());
        selectors[0] = InvariantHandler.register.selector;
        selectors[1] = InvariantHandler.addBond.selector;
        selectors[2] = InvariantHandler.updateProfile.selector;
        selectors[3] = InvariantHandler.pause.selector;
        selectors[4] = InvariantHandler.resume.selector;
        selectors[5] = InvariantHandler.requestExit.selector;
        selectors[6] = InvariantHandler.withdrawBond.selector;
        selectors[7] = InvariantHandler.unjail.selector;
        selectors[8] = InvariantHandler.postJob.selector;
        selectors[9] = InvariantHandler.assign.selector;
        selectors[10] = InvariantHandler.declineJob.selector;
        selectors[11] = InvariantHandler.submitResult.selector;
        selectors[12] = InvariantHandler.reportTimeout.selector;
        selectors[13] = InvariantHandler.finalize.selector;
        selectors[14] = InvariantHandler.withdraw.selector;
        selectors[15] = InvariantHandler.cancelJob.selector;
        selectors[16] = InvariantHandler.registerValidator.selector;
        selectors[17] = InvariantHandler.addValidatorBond.selector;
        selectors[18] = InvariantHandler.requestValidatorExit.selector;
        selectors[19] = InvariantHandler.withdrawValidatorBond.selector;
        selectors[20] = InvariantHandler.commitChallenge.selector;
        selectors[21] = InvariantHandler.releaseCommitment.selector;
        selectors[22] = InvariantHandler.challenge.selector;
        selectors[23] = InvariantHandler.vote.selector;
        selectors[24] = InvariantHandler.resolveChallenge.selector;
        selectors[25] = InvariantHandler.settleVote.selector;
        selectors[26] = InvariantHandler.withdrawTreasury.selector;
        selectors[27] = InvariantHandler.claimAllocation.selector;
        selectors[28] = InvariantHandler.warp.selector;
        selectors[29] = InvariantHandler.acceptJob.selector;
        selectors[30] = InvariantHandler.claimEmission.selector;
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    // ─── parameter sets ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Lower bounds: collateral = the floor, one-second accept window, four-second vote, everything slashed
    /// is burned, one strike jails, one decline refunds, 10 % quorum, no emission bonus.
    function strictParams() internal pure returns (Params memory p) {
        p.minBond = uint96(50 * TOKEN);
        p.minCollateral = uint96(2 * TOKEN);
        p.collateralFeeMultipleBps = 0;
        p.acceptWindowS = 1;
        p.minDeadlineS = 2;
        p.challengeWindowS = 30;
        p.voteWindowS = 4;
        p.protocolFeeBps = 0;
        p.requesterSlashShareBps = 10_000;
        p.slashBurnBps = 10_000;
        p.jailStrikes = 1;
        p.jailCooldownS = 50;
        p.unbondingPeriodS = 50;
        p.epochLengthS = 60;
        p.emissionPerEpoch = uint96(10 * TOKEN);
        p.bootstrapEpochs = 0;
        p.bootstrapBonusBps = 0;
        p.maxDeclines = 1;
        p.validatorMinBond = uint96(TOKEN);
        p.challengeBond = uint96(TOKEN);
        p.minFee = uint96(1e15);
        p.quorumBps = 1_000;
        p.voteSlashBps = 100;
        p.winnerShareBps = 0;
        p.commitFeeBps = 10_000;
    }

    /// @notice Upper bounds: collateral 5 × fee, long windows, half of each fee to the treasury, nothing burned, the
    /// winner takes the whole slash, a vote risks the voter's whole weight, 50 % quorum, a 1,000-epoch bootstrap
    /// at +1,000 %.
    function generousParams() internal pure returns (Params memory p) {
        p.minBond = uint96(1_000 * TOKEN);
        p.minCollateral = uint96(100 * TOKEN);
        p.collateralFeeMultipleBps = 50_000;
        p.acceptWindowS = 600;
        p.minDeadlineS = 601;
        p.challengeWindowS = 3_600;
        p.voteWindowS = 1_800;
        p.protocolFeeBps = 5_000;
        p.requesterSlashShareBps = 0;
        p.slashBurnBps = 0;
        p.jailStrikes = 2;
        p.jailCooldownS = 7_200;
        p.unbondingPeriodS = 7_200;
        p.epochLengthS = 3_600;
        p.emissionPerEpoch = uint96(1_000_000 * TOKEN);
        p.bootstrapEpochs = 1_000;
        p.bootstrapBonusBps = 100_000;
        p.maxDeclines = 5;
        p.validatorMinBond = uint96(500 * TOKEN);
        p.challengeBond = uint96(50 * TOKEN);
        p.minFee = uint96(TOKEN);
        p.quorumBps = 5_000;
        p.voteSlashBps = 10_000;
        p.winnerShareBps = 10_000;
        p.commitFeeBps = 100;
    }

    function _genesis(Params memory p) internal returns (IEconomy e) {
        (address a, ) = factory.createGenesis(p, "Flywheel", "FLY", SUPPLY);
        e = IEconomy(a);
        e.registerModel(MODEL, "ipfs://ocr", INFERENCE, argmaxPolicy());
        e.registerModel(FT_MODEL, "ipfs://ft", FINE_TUNE, tolerancePolicy());
    }

    /// @dev Labelled actors funded in every genesis economy, each approving that economy for everything.
    function _actors(string memory name, uint256 n) internal returns (address[] memory list) {
        list = new address[](n);
        for (uint256 i; i < n; i++) {
            address a = makeAddr(string.concat(name, "#", vm.toString(i)));
            list[i] = a;
            for (uint256 k; k < 3; k++) {
                EconomyToken t = EconomyToken(genesis[k].token());
                t.transfer(a, ACTOR_FUNDS);
                vm.prank(a);
                t.approve(address(genesis[k]), type(uint256).max);
            }
        }
    }

    function _pair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    // ─── invariants ─────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice A provider's locked bond is exactly the collateral of its open jobs (Assigned, Submitted, Voting), and
    /// its activeJobs their number; locked never exceeds the bond.
    function invariant_providerCollateralMatchesOpenJobs() public view {
        IEconomy e = handler.eco();
        Params memory prm = e.params();
        uint256 count = e.providerCount();
        uint256[] memory locked = new uint256[](count + 1);
        uint256[] memory open = new uint256[](count + 1);
        uint256 n = e.jobCount();
        for (uint256 id = 1; id <= n; id++) {
            EconomySlots.RawJob memory j = EconomySlots.job(address(e), id);
            if (j.status < uint8(JobStatus.Assigned) || j.status > uint8(JobStatus.Voting)) continue;
            locked[j.providerId] += _collateral(j.fee, prm);
            open[j.providerId]++;
        }
        assertEq(locked[0], 0, "an open job without a provider");
        for (uint32 id = 1; id <= count; id++) {
            ProviderView memory pv = e.providerById(id);
            assertEq(pv.locked, locked[id], "provider locked = sum of the collateral of its open jobs");
            assertEq(pv.activeJobs, open[id], "provider activeJobs = number of its open jobs");
            assertLe(pv.locked, pv.bond, "provider locked <= bond");
        }
    }

    /// @notice A validator's locked bond is challengeBond per open commitment and per challenge it holds open (a
    /// vote locks nothing), and its openVotes the number of its votes not yet settled; locked never exceeds the bond.
    function invariant_validatorLocksMatchCommitmentsChallengesAndVotes() public view {
        IEconomy e = handler.eco();
        uint256 challengeBond = e.params().challengeBond;
        uint256 n = e.jobCount();
        address[] memory vs = handler.validatorList();
        uint256[] memory locked = new uint256[](vs.length);
        uint256[] memory votes = new uint256[](vs.length);
        for (uint256 i; i < vs.length; i++) locked[i] = challengeBond * handler.openCommitments(vs[i]);
        for (uint256 id = 1; id <= n; id++) {
            // Only a job that was challenged has a challenger and votes.
            address challenger = EconomySlots.challenger(address(e), id);
            if (challenger == address(0)) continue;
            bool voting = EconomySlots.jobStatus(address(e), id) == uint8(JobStatus.Voting);
            for (uint256 i; i < vs.length; i++) {
                if (voting && vs[i] == challenger) locked[i] += challengeBond;
                VoteView memory vo = e.voteOf(id, vs[i]);
                if (vo.cast && !vo.settled) votes[i]++;
            }
        }
        for (uint256 i; i < vs.length; i++) {
            ValidatorView memory vv = e.validatorOf(vs[i]);
            assertEq(vv.locked, locked[i], "validator locked = challengeBond x (open commitments + open challenges)");
            assertEq(vv.openVotes, votes[i], "validator openVotes = its votes not yet settled");
            // No `locked <= bond` here: a losing vote is slashed from the whole bond (locked part included, so bond
            // parked in commitments shields no vote), and `locked` counts challenge bonds owed by commitments.
        }
    }

    /// @notice Each kind's tree holds, for an Active provider, bond in milli-tokens when it serves the kind, has at
    /// least minBond and a free slot (else 0); for a provider that left, the leaves it left with or 0 (pruned by a
    /// draw); the root is the sum of the leaves.
    function invariant_drawTreesMatchProviders() public view {
        IEconomy e = handler.eco();
        uint256 minBond = e.params().minBond;
        uint256 count = e.providerCount();
        uint256[2] memory sums;
        for (uint32 id = 1; id <= count; id++) {
            ProviderView memory pv = e.providerById(id);
            uint256[2] memory leaf = [EconomySlots.leaf(address(e), 0, id), EconomySlots.leaf(address(e), 1, id)];
            if (pv.status == ProviderStatus.Active) {
                uint256 w = pv.bond >= minBond && pv.activeJobs < pv.capacity ? pv.bond / WEIGHT_UNIT : 0;
                assertEq(leaf[0], pv.kinds & 1 != 0 ? w : 0, "active provider's inference leaf");
                assertEq(leaf[1], pv.kinds & 2 != 0 ? w : 0, "active provider's fine-tune leaf");
            } else {
                (uint256 left0, uint256 left1) = handler.leftWith(id);
                bool pruned = leaf[0] == 0 && leaf[1] == 0;
                bool kept = leaf[0] == left0 && leaf[1] == left1;
                assertTrue(pruned || kept, "a provider that left keeps the leaves it left with, or none");
            }
            assertEq(pv.treeWeight, pv.kinds & 1 != 0 ? leaf[0] : leaf[1], "ProviderView.treeWeight is its leaf");
            sums[0] += leaf[0];
            sums[1] += leaf[1];
        }
        StatsView memory s = e.stats();
        for (uint8 kind; kind < 2; kind++) {
            assertEq(EconomySlots.treeTotal(address(e), kind), sums[kind], "tree root = sum of its leaves");
            assertEq(e.totalWeight(kind), sums[kind], "totalWeight(kind) = sum of its leaves");
        }
        assertEq(s.inferenceWeight, sums[0], "stats.inferenceWeight");
        assertEq(s.fineTuneWeight, sums[1], "stats.fineTuneWeight");
    }

    /// @notice The economy's counters agree with its providers and validators.
    function invariant_countersMatchActors() public view {
        IEconomy e = handler.eco();
        uint256 minBond = e.params().minBond;
        address[] memory ps = handler.providerList();
        (uint256 registered, uint256 active, uint256 bonded, uint256 stake) = (0, 0, 0, 0);
        for (uint256 i; i < ps.length; i++) {
            ProviderView memory pv = e.providerOf(ps[i]);
            if (pv.id != 0) registered++;
            bonded += pv.bond;
            bool earning = pv.status == ProviderStatus.Active && pv.bond >= minBond;
            if (pv.status == ProviderStatus.Active) active++;
            if (earning) stake += pv.bond;
            assertEq(pv.stake, earning ? pv.bond : 0, "ProviderView.stake = bond while Active and >= minBond");
        }
        address[] memory vs = handler.validatorList();
        (uint256 activeValidators, uint256 validatorStake) = (0, 0);
        for (uint256 i; i < vs.length; i++) {
            ValidatorView memory vv = e.validatorOf(vs[i]);
            if (vv.status != ValidatorStatus.Active) continue;
            activeValidators++;
            validatorStake += vv.bond;
            assertEq(vv.stake, vv.bond, "an Active validator's vote weight is its bond");
        }
        StatsView memory s = e.stats();
        assertEq(s.providerCount, registered, "providerCount = providers registered");
        assertEq(s.activeProviders, active, "activeProviders = number of Active providers");
        assertEq(s.totalBonded, bonded, "totalBonded = sum of provider bonds");
        assertEq(s.activeStake, stake, "activeStake = bonds of Active providers at or above minBond");
        assertEq(s.activeValidators, activeValidators, "activeValidators = number of Active validators");
        assertEq(s.validatorStake, validatorStake, "validatorStake = sum of Active validators' bonds");
    }

    /// @notice Emission is minted exactly as credited (supply = creator supply + emitted − burned), and what was
    /// credited plus what is still pending never exceeds the emission of the time since creation.
    function invariant_emissionWithinSchedule() public view {
        IEconomy e = handler.eco();
        EconomyToken t = handler.tok();
        uint256 emitted = e.emitted();
        assertEq(t.totalSupply(), SUPPLY + emitted - handler.burned(), "token supply = creator supply + emitted - burned");
        uint256 schedule = e.emissionBetween(e.lineage().createdAt, block.timestamp);
        assertLe(emitted, schedule, "emitted <= emissionBetween(createdAt, now)");
        uint256 pending;
        address[] memory ps = handler.providerList();
        for (uint256 i; i < ps.length; i++) pending += e.accountOf(ps[i]).pendingEmission;
        assertLe(emitted + pending, schedule, "emitted + pending <= emissionBetween(createdAt, now)");
    }

    /// @notice Solvency: the economy holds what it owes — claimable balances, provider and validator bonds, fees of
    /// open jobs and the treasury — and exactly that plus what the voter pots of resolved challenges still owe to
    /// voters who have not settled (rounding dust of settled pots included).
    function invariant_solvency() public view {
        IEconomy e = handler.eco();
        address[] memory all = handler.everyone();
        address[] memory vs = handler.validatorList();
        uint256 owed = e.treasury() + e.totalBonded();
        for (uint256 i; i < all.length; i++) owed += EconomySlots.claimable(address(e), all[i]);
        for (uint256 i; i < vs.length; i++) owed += e.validatorOf(vs[i]).bond;
        (uint256 escrow, uint256 unpaidPots) = _jobLedger(e, vs);
        owed += escrow;
        uint256 balance = handler.tok().balanceOf(address(e));
        assertGe(balance, owed, "balance >= claimables + bonds + validator bonds + escrow + treasury");
        assertEq(balance, owed + unpaidPots, "balance = what is owed + voter pots not yet paid");
    }

    /// @notice A job that reached Finalized, Rejected or Refunded never changes status again.
    function invariant_finishedJobsStayFinished() public view {
        assertEq(handler.finishedJobChanged(), 0, "a finished job changed status (or finished without a final status)");
        IEconomy e = handler.eco();
        uint256 n = e.jobCount();
        for (uint256 id = 1; id <= n; id++) {
            uint8 recorded = handler.finalStatusOf(id);
            if (recorded != 0) assertEq(EconomySlots.jobStatus(address(e), id), recorded, "a finished job changed status");
        }
    }

    /// @notice Fork claims mint at most their leaf, once: each snapshot account holds its amount exactly when it
    /// has claimed, and the fork's supply is the creator's plus the claimed leaves.
    function invariant_forkClaimsMintAtMostTheirLeaf() public view {
        IEconomy f = handler.fork();
        EconomyToken t = handler.forkTok();
        uint256 claimed;
        for (uint256 i; i < 4; i++) {
            address a = handler.snapshotAccounts(i);
            uint256 amount = handler.snapshotAmounts(i);
            uint256 held = t.balanceOf(a);
            assertLe(held, amount, "a claim mints at most its leaf");
            assertEq(held, f.allocationClaimed(a) ? amount : 0, "a claimed leaf is minted whole, once");
            claimed += held;
        }
        assertEq(t.totalSupply(), FORK_SUPPLY + claimed, "fork supply = creator supply + claimed leaves");
        assertEq(handler.claimsAboveLeaf(), 0, "a tampered claim minted");
    }

    /// @notice Every assignment went to a provider eligible at the draw block: Active, serving the kind, at least
    /// minBond, free bond for the collateral, a free slot, no increase after the draw block, not excluded from the
    /// job, not its requester.
    function invariant_drawsOnlyEligibleProviders() public view {
        assertEq(handler.ineligibleDraws(), 0, "assigned to an ineligible provider");
    }

    /// @notice Adds this run's per-path counts to the campaign's (kept in the environment, the only state forge does
    /// not roll back between runs), logs them, and fails once enough runs are in if a path never succeeded.
    function afterInvariant() public {
        uint256 runs = vmx.envOr(string.concat(ENV_PREFIX, "RUNS"), uint256(0)) + 1;
        vmx.setEnv(string.concat(ENV_PREFIX, "RUNS"), vm.toString(runs));
        string memory never;
        uint256 paths = handler.PATHS();
        Console.log(string.concat("handler paths (", vm.toString(runs), " runs): name: calls / successes"));
        for (uint256 p; p < paths; p++) {
            string memory name = handler.pathName(p);
            uint256 calls = _accumulate(string.concat(ENV_PREFIX, "CALLS_", name), handler.calls(p));
            uint256 oks = _accumulate(string.concat(ENV_PREFIX, "OKS_", name), handler.oks(p));
            Console.log(string.concat("  ", name, ": ", vm.toString(calls), " / ", vm.toString(oks)));
            if (oks == 0) never = string.concat(never, " ", name);
        }
        Console.log("branches reached: name: times");
        for (uint256 b; b < handler.BRANCHES(); b++) {
            string memory name = handler.branchName(b);
            uint256 hits = _accumulate(string.concat(ENV_PREFIX, "BRANCH_", vm.toString(b)), handler.branches(b));
            Console.log(string.concat("  ", name, ": ", vm.toString(hits)));
            if (hits == 0) never = string.concat(never, " [", name, "]");
        }
        if (runs >= MIN_RUNS_FOR_COVERAGE) {
            assertEq(bytes(never).length, 0, string.concat("handler paths or branches never reached:", never));
        }
    }

    function _accumulate(string memory key, uint256 add) internal returns (uint256 total) {
        total = vmx.envOr(key, uint256(0)) + add;
        vmx.setEnv(key, vm.toString(total));
    }

    // ─── helpers ────────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Fees escrowed by open jobs, and what the voter pots of resolved challenges still owe: pot − rewards
    /// already credited to settled winners.
    function _jobLedger(IEconomy e, address[] memory vs) internal view returns (uint256 escrow, uint256 unpaidPots) {
        uint256 n = e.jobCount();
        for (uint256 id = 1; id <= n; id++) {
            EconomySlots.RawJob memory jb = EconomySlots.job(address(e), id);
            if (jb.status >= uint8(JobStatus.Posted) && jb.status <= uint8(JobStatus.Voting)) {
                escrow += jb.fee;
                continue;
            }
            if (EconomySlots.challenger(address(e), id) == address(0)) continue;
            ChallengeView memory c = e.challengeOf(id);
            if (!c.resolved || !c.quorumMet || c.voterPot == 0) continue;
            unpaidPots += c.voterPot;
            for (uint256 i; i < vs.length; i++) {
                VoteView memory vo = e.voteOf(id, vs[i]);
                if (vo.cast && vo.settled && vo.resultValid == c.resultValid && c.winningVoterWeight != 0) {
                    unpaidPots -= (c.voterPot * vo.weight) / c.winningVoterWeight;
                }
            }
        }
    }

    function _collateral(uint256 fee, Params memory prm) internal pure returns (uint256 c) {
        c = (fee * prm.collateralFeeMultipleBps) / 10_000;
        if (c < prm.minCollateral) c = prm.minCollateral;
    }

    /// @dev The raw storage reads the invariants rely on agree with the economy's views (a layout change in
    /// {EconomyBase} fails here, in setUp, instead of as a confusing invariant).
    function _checkStorageReads(
        IEconomy e,
        address[] memory ps,
        address[] memory vs,
        address[] memory rs
    ) internal view {
        address a = address(e);
        assertEq(EconomySlots.jobCount(a), e.jobCount(), "raw job count");
        assertEq(EconomySlots.providerCount(a), e.providerCount(), "raw provider count");
        for (uint256 id = 1; id <= e.jobCount(); id++) {
            JobView memory v = e.job(id);
            EconomySlots.RawJob memory r = EconomySlots.job(a, id);
            assertEq(r.status, uint8(v.status), "raw job status");
            assertEq(r.fee, v.fee, "raw job fee");
            if (v.status == JobStatus.Posted) assertEq(r.stamp, v.drawBlock, "raw job stamp (draw block)");
            if (v.status == JobStatus.Assigned) assertEq(r.stamp, v.assignedAt, "raw job stamp (assignment)");
            if (v.status >= JobStatus.Submitted && v.status <= JobStatus.Voting) {
                assertEq(r.stamp, v.submittedAt, "raw job stamp (submission)");
            }
            assertEq(r.providerId == 0 ? address(0) : e.providerById(r.providerId).account, v.provider, "raw job provider");
            assertEq(EconomySlots.challenger(a, id), e.challengeOf(id).challenger, "raw challenger");
            for (uint256 i; i < ps.length; i++) {
                uint32 pid = EconomySlots.providerId(a, ps[i]);
                if (pid != 0) assertEq(EconomySlots.excluded(a, id, pid), e.isExcluded(id, ps[i]), "raw exclusion");
            }
        }
        for (uint256 i; i < ps.length; i++) {
            ProviderView memory v = e.providerOf(ps[i]);
            assertEq(EconomySlots.providerId(a, ps[i]), v.id, "raw provider id");
            assertEq(EconomySlots.providerStatus(a, ps[i]), uint8(v.status), "raw provider status");
            if (v.id == 0) continue;
            EconomySlots.RawProvider memory r = EconomySlots.provider(a, v.id);
            assertEq(r.bond, v.bond, "raw bond");
            assertEq(r.locked, v.locked, "raw locked");
            assertEq(r.capacity, v.capacity, "raw capacity");
            assertEq(r.activeJobs, v.activeJobs, "raw activeJobs");
            assertEq(r.lastIncreaseBlock, v.lastIncreaseBlock, "raw lastIncreaseBlock");
            assertEq(r.account, v.account, "raw account");
            assertEq(r.kinds, v.kinds, "raw kinds");
            assertEq(EconomySlots.leaf(a, v.kinds & 1 != 0 ? 0 : 1, v.id), v.treeWeight, "raw leaf");
        }
        for (uint256 i; i < vs.length; i++) {
            assertEq(EconomySlots.validatorStatus(a, vs[i]), uint8(e.validatorOf(vs[i]).status), "raw validator status");
        }
        for (uint256 i; i < rs.length + ps.length; i++) {
            address who = i < rs.length ? rs[i] : ps[i - rs.length];
            assertEq(EconomySlots.claimable(a, who), e.accountOf(who).claimable, "raw claimable");
        }
        assertEq(EconomySlots.treeTotal(a, 0), e.totalWeight(0), "raw tree total");
    }
}
