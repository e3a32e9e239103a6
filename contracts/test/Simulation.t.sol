// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EconomyFixture} from "./lib/EconomyFixture.sol";
import {AccountView, ChallengeView, JobStatus, ProviderStatus} from "../src/interfaces/EconomyTypes.sol";
import {Params} from "../src/lib/EconomyParams.sol";

/// @dev The one snapshot cheatcode this file needs beyond lib/Test.sol's Vm: revert and drop the snapshot, so that the
/// look-ahead of scenario (f) (thousands of snapshots) does not keep a copy of the whole state per snapshot.
interface VmStateSnapshots {
    function revertToStateAndDelete(uint256 snapshotId) external returns (bool);
}

/// @title SimulationTest
/// @notice An adversarial simulation of Economy v2: one economy with the suggested devnet parameters runs over 1,000
/// jobs (4 epochs of posting at 2 s a block, busy and quiet epochs in turn, then a drain) between honest providers,
/// requesters and validators, and one attacking party per scenario. Each test function is one scenario, run twice
/// from the same state and the same seed: once with the attacking party's addresses playing honestly (the baseline)
/// and once attacking. Every actor's net is measured in tokens (wallet + claimable + emission accrued and not yet
/// settled + provider bond + validator bond, at the end minus at the start), so fees, emission, slashes and rewards are
/// all counted; the attacker's gain is its net
/// minus its baseline net. A scenario fails when an attacker gains, when an honest provider or validator ends below
/// where it started, or when an honest requester is left without a finalized result or its fee back.
/// @dev `forge test --match-path contracts/test/Simulation.t.sol -vv` prints one table per scenario, and a
/// machine-readable `SIM|…` line per actor (lib/Test.sol's Vm declares no file cheatcodes, so logs are the summary).
/// Randomness is keccak of a fixed seed and the block, job or actor it decides, so both runs of a scenario see the same
/// arrivals, fees, block hashes and validator samples; their draws differ only where the attack changed something.
contract SimulationTest is EconomyFixture {
    /// @dev ds-test's log event: forge prints its string under "Logs:" with -vv.
    event log(string);

    // ─── world ─────────────────────────────────────────────────────────────────────────────────────────────────
    /// @dev The world's seed. Another value re-rolls arrivals, fees, block hashes and samples (and with them every
    /// number in the tables); the scenarios' outcomes were also looked at under the values …03 to …06.
    uint256 internal constant SIM_SEED = 0x5eed_f1e1_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0002;
    uint256 internal constant BLOCK_S = 2;
    /// @dev devnet epochLengthS (600 s) in blocks; epochs alternate busy (even) and quiet (odd).
    uint256 internal constant EPOCH_BLOCKS = 300;
    uint256 internal constant POST_BLOCKS = 4 * EPOCH_BLOCKS;
    /// @dev The drain after the last post: longer than any job's remaining life (deadline, challenge, extended vote),
    /// and the same in both runs, so that both accrue the same emission.
    uint256 internal constant END_BLOCKS = POST_BLOCKS + 250;
    uint256 internal constant MIN_JOBS = 1_000;
    /// @dev The economy's CANCEL_DELAY_BLOCKS: an honest requester gives up on a job unassigned this long.
    uint256 internal constant CANCEL_AFTER = 256;
    /// @dev Share of results each honest validator re-runs (a re-run knows whether the result is wrong).
    uint256 internal constant CHECK_PCT = 30;
    /// @dev Share of results the lazy provider of scenario (g) gets wrong.
    uint256 internal constant WRONG_PCT = 20;
    /// @dev Challenges the exhaustion whale (b2) reveals at once: twice the ten concurrent votes a validator's bond
    /// carried when a vote locked voteSlashBps = 10 % of its weight (a vote locks nothing now: see b2).
    uint256 internal constant BATCH = 20;
    bytes32 internal constant WRONG_OUTPUT = keccak256("wrong output");
    uint256 private constant NONE = type(uint256).max;
    uint256 private constant ALL = type(uint256).max - 1;

    // ─── scenarios ─────────────────────────────────────────────────────────────────────────────────────────────
    uint8 internal constant SC_HONEST = 0;
    uint8 internal constant SC_COLLUDE = 1;
    uint8 internal constant SC_WHALE = 2;
    uint8 internal constant SC_EXHAUST = 3;
    uint8 internal constant SC_LIAR = 4;
    uint8 internal constant SC_GRIEF = 5;
    uint8 internal constant SC_WASH_QUIET = 6;
    uint8 internal constant SC_WASH_BUSY = 7;
    uint8 internal constant SC_PAUSER = 8;
    uint8 internal constant SC_LAZY = 9;
    uint8 internal constant SC_LIAR_AFTER = 10;

    // ─── behaviours (0 is honest for every role; a baseline run gives every attacker 0) ─────────────────────────
    uint8 internal constant HONEST = 0;
    uint8 internal constant P_LAZY = 1;
    uint8 internal constant P_LIAR = 2;
    uint8 internal constant P_DECLINER = 3;
    uint8 internal constant P_SLOW = 4;
    uint8 internal constant P_TOGGLER = 5;
    uint8 internal constant P_PAUSER = 6;
    uint8 internal constant P_LIAR_AFTER = 7;
    uint8 internal constant R_COLLUDER = 1;
    uint8 internal constant R_WASH = 2;
    uint8 internal constant V_CHALLENGER = 1;
    uint8 internal constant V_NAIVE = 2;
    uint8 internal constant V_LATE = 3;

    uint8 internal constant ROLE_PROVIDER = 0;
    uint8 internal constant ROLE_REQUESTER = 1;
    uint8 internal constant ROLE_VALIDATOR = 2;

    // ─── the simulation's own view of a job ────────────────────────────────────────────────────────────────────
    uint8 internal constant J_POSTED = 1;
    uint8 internal constant J_ASSIGNED = 2;
    uint8 internal constant J_SUBMITTED = 3;
    uint8 internal constant J_VOTING = 4;
    uint8 internal constant J_DONE = 5;

    // ─── scheduled actions ─────────────────────────────────────────────────────────────────────────────────────
    uint256 internal constant A_SUBMIT = 1;
    uint256 internal constant A_REVEAL = 2;
    uint256 internal constant A_FINALIZE = 3;
    uint256 internal constant A_RESOLVE = 4;
    uint256 internal constant A_TIMEOUT = 5;
    uint256 internal constant A_UNJAIL = 6;
    uint256 internal constant A_RELEASE = 7;

    /// @notice One address of one actor. `behavior` is what it does in this run (honest in the baseline run).
    struct Agent {
        address a;
        string name;
        uint8 role;
        uint8 behavior;
        bool attacker;
        /// Provider: the job kinds it can really run and how many at once (its honest profile).
        uint8 kinds;
        uint8 cap;
        uint256 bond;
        /// Provider: results delivered; requester: jobs posted; validator: challenges opened and votes cast.
        uint256 jobs;
        /// Provider: jobs it holds now.
        uint256 active;
        uint256 start;
    }

    struct SimJob {
        uint32 postBlock;
        /// The block whose hash seeds the next draw while the job waits for one.
        uint32 drawBlock;
        uint32 assignBlock;
        uint32 deadlineS;
        uint16 requester;
        uint16 provider;
        uint8 kind;
        uint8 state;
        bool wrong;
        bool target;
    }

    struct Metrics {
        uint256 posted;
        uint256 served;
        /// Jobs that a provider took on more than 3 blocks after they were posted.
        uint256 late;
        uint256 maxDelay;
        uint256 missed;
        uint256 declined;
        uint256 timedOut;
        uint256 refunded;
        uint256 challenges;
        uint256 rejected;
        uint256 noQuorum;
        /// Challenges on which no honest validator could vote (its bond all locked by other votes).
        uint256 noHonestVote;
        /// Jobs whose honest requester tried to cancel them after waiting 256 blocks unassigned, and was refused.
        uint256 cancelRefused;
        uint256 cancelled;
        uint256 wrongResults;
        uint256 wrongCaught;
        uint256 unfinished;
        /// Jobs of honest requesters that ended neither Finalized nor with the fee refunded.
        uint256 requesterUnserved;
        uint256 attackerJobs;
        uint256 providerJobs;
        uint256 attackerBond;
        uint256 providerBond;
    }

    struct Row {
        string name;
        uint8 role;
        bool attacker;
        uint256 jobs;
        int256 net;
    }

    struct Outcome {
        Row[] rows;
        Metrics m;
    }

    // ─── run state (storage: reverted with the snapshot between the baseline and the attack run) ────────────────
    string internal scName;
    uint8 internal sc;
    bool internal attack;
    uint256 internal whaleBps;
    /// @dev The economy's challenge window and jail cool-down in blocks, and its vote window in seconds.
    uint256 internal windowBlocks;
    uint256 internal jailBlocks;
    uint256 internal voteWindowS;

    Agent[] internal agents;
    mapping(address account => uint256 idxPlusOne) internal agentIdx;
    uint256[] internal providerList;
    uint256[] internal validatorList;
    uint256[] internal honestRequesters;
    uint256[] internal honestValidators;
    uint256 internal honestValidatorMask;
    uint256[] internal attackerProviders;
    uint256 internal colluder;
    uint256 internal washer;
    uint256 internal challenger;
    uint256 internal whaleChallengerBond;

    mapping(uint256 jobId => SimJob) internal sj;
    uint256[] internal pending;
    mapping(uint256 blockNumber => uint256[] actions) internal sched;
    uint256[] internal openCh;
    mapping(uint256 jobId => uint256 mask) internal voted;
    mapping(uint256 jobId => uint256 idxPlusOne) internal challengerOf;
    mapping(uint256 jobId => uint256 at) internal voteEnd;
    uint256[] internal pausedNow;
    uint256[] internal batch;
    uint256 internal batchStart;
    bool internal whaleVoting;
    uint256 internal whaleOpen;
    uint256 internal startBlock;
    Metrics internal m;

    // ─── scenarios ─────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Everyone honest: the reference world (and a check that honest play never loses).
    function test_sim_honestWorld() public {
        _scenario("honest", SC_HONEST, 0);
    }

    /// @notice (a) A validator challenges every correct result of a colluding requester's jobs and votes invalid, so
    /// that the requester would get its fees back for work it received.
    function test_sim_a_colludingValidatorAndRequester() public {
        _scenario("a-collude", SC_COLLUDE, 1_000);
    }

    /// @notice (b) A whale holding 10 % of the validator stake challenges every correct result and votes invalid on
    /// every challenge.
    function test_sim_b_whale10() public {
        _scenario("b-whale10", SC_WHALE, 1_000);
    }

    /// @notice (b) The same whale at 33 % (above the 30 % quorum on its own).
    function test_sim_b_whale33() public {
        _scenario("b-whale33", SC_WHALE, 3_300);
    }

    /// @notice (b) The same whale at 49 %.
    function test_sim_b_whale49() public {
        _scenario("b-whale49", SC_WHALE, 4_900);
    }

    /// @notice (b2) A smarter 33 % whale with a colluding requester: it reveals 20 challenges in one block hoping that
    /// the honest validators' bonds are all locked by the first 10, then votes alone, in the last block of the vote, on
    /// the rest — its stake meets the quorum by itself. The colluding requester posts high-fee jobs so that the
    /// challenges it wins would be worth the decoys it loses. Rule (v2, round 3): a vote locks nothing (what it risks
    /// is slashed at settlement), so the honest validators vote in all 20 and the whale wins none of them.
    function test_sim_b2_whaleVoteLockExhaustion33() public {
        _scenario("b2-exhaust33", SC_EXHAUST, 3_300);
    }

    /// @notice (c) No score any more: a provider that can really run 2 inference jobs at once claims both kinds and 64
    /// slots and re-declares that profile (pause, updateProfile, resume) just before the block's draws whenever it holds
    /// fewer than 2 jobs, to raise its share; it declines what it cannot run.
    function test_sim_c_profileLiarBeforeDraws() public {
        _scenario("c-liar-pre", SC_LIAR, 0);
    }

    /// @notice (c) The same liar re-declaring just after the block's draws (so that re-entering the draw does not skip
    /// it in the draws already seeded).
    function test_sim_c_profileLiarAfterDraws() public {
        _scenario("c-liar-post", SC_LIAR_AFTER, 0);
    }

    /// @notice (d) Ten min-bond providers that try to make jobs unassignable: four serve only fine-tune and decline it
    /// all, three accept one job at a time and hold it until the last seconds of its deadline, three pause before every
    /// block's draws and resume after them.
    function test_sim_d_deadWeightGriefer() public {
        _scenario("d-grief", SC_GRIEF, 0);
    }

    /// @notice (e) A provider posts min-fee jobs from a second address in the quiet epochs, hoping to be drawn for them.
    function test_sim_e_washTraderQuiet() public {
        _scenario("e-wash-quiet", SC_WASH_QUIET, 0);
    }

    /// @notice (e) The same in the busy epochs.
    function test_sim_e_washTraderBusy() public {
        _scenario("e-wash-busy", SC_WASH_BUSY, 0);
    }

    /// @notice (f) A party with k = 4 providers sees each block's hash before the draws run and pauses the providers
    /// whose leaving turns a draw it would lose into a re-draw, resuming them right after.
    function test_sim_f_identityPauser() public {
        _scenario("f-pauser-k4", SC_PAUSER, 0);
    }

    /// @notice (g) A provider that submits a wrong output 20 % of the time.
    function test_sim_g_lazyProvider() public {
        _scenario("g-lazy", SC_LAZY, 0);
    }

    // ─── driver ────────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Runs the baseline, reverts, runs the attack, prints the table and checks the outcome.
    function _scenario(string memory name, uint8 kind, uint256 bps) internal {
        vm.pauseGasMetering();
        scName = name;
        sc = kind;
        whaleBps = bps;
        bool hasBase = kind != SC_HONEST;
        Outcome memory base;
        if (hasBase) {
            uint256 snap = vm.snapshotState();
            attack = false;
            base = _run();
            VmStateSnapshots(address(vm)).revertToStateAndDelete(snap);
        }
        attack = hasBase;
        Outcome memory res = _run();
        _report(res, base, hasBase);
        _check(res, base, hasBase);
    }

    function _run() internal returns (Outcome memory o) {
        _build();
        startBlock = block.number;
        for (uint256 k; k < agents.length; ++k) agents[k].start = _worth(agents[k].a);
        for (uint256 i; i < END_BLOCKS; ++i) {
            _step(i);
            vm.setBlockhash(block.number, bytes32(_rand("blockhash", i, 0)));
            vm.roll(block.number + 1);
            vm.warp(block.timestamp + BLOCK_S);
        }
        o = _collect();
    }

    /// @dev One block: the draws (with the attackers' moves that need the last block's hash just before and after
    /// them) and the scheduled actions (submissions, reveals, finalizations, resolutions, timeouts) in an order the
    /// seed picks — a release that frees a full provider's last slot before a draw that lands on it and would keep it
    /// re-seeds that draw; other releases by finalize, resolve or timeout are no increase —, then votes and new jobs.
    function _step(uint256 i) internal {
        bool drawsFirst = _rand("order", i, 0) & 1 == 0;
        if (drawsFirst) _draws();
        _runScheduled();
        if (!drawsFirst) _draws();
        if (attack && sc == SC_EXHAUST) _whaleBatch();
        _vote();
        if (i < POST_BLOCKS) _posts(i);
    }

    function _draws() internal {
        if (attack) _beforeDraws();
        _drawPending();
        if (attack) _afterDraws();
    }

    // ─── the world ─────────────────────────────────────────────────────────────────────────────────────────────

    function _build() internal {
        Params memory prm = eco.params();
        windowBlocks = prm.challengeWindowS / BLOCK_S;
        jailBlocks = prm.jailCooldownS / BLOCK_S + 1;
        voteWindowS = prm.voteWindowS;
        // Honest providers: varied bonds, capacity growing with the bond, both kinds.
        _provider("hp-100", 100 * TOKEN, 3, 4, HONEST, false);
        _provider("hp-200", 200 * TOKEN, 3, 6, HONEST, false);
        _provider("hp-400", 400 * TOKEN, 3, 8, HONEST, false);
        _provider("hp-800", 800 * TOKEN, 3, 12, HONEST, false);
        _provider("hp-1500", 1_500 * TOKEN, 3, 16, HONEST, false);
        _provider("hp-3000", 3_000 * TOKEN, 3, 24, HONEST, false);
        for (uint256 k; k < 4; ++k) {
            honestRequesters.push(_agent(string.concat("rq-", vm.toString(k + 1)), ROLE_REQUESTER, HONEST, false, 20_000 * TOKEN));
        }
        // Honest validators: 5,000 tokens of stake in all.
        _validator("hv-600", 600 * TOKEN, HONEST, false, 0);
        _validator("hv-800", 800 * TOKEN, HONEST, false, 0);
        _validator("hv-1000", 1_000 * TOKEN, HONEST, false, 0);
        _validator("hv-1200", 1_200 * TOKEN, HONEST, false, 0);
        _validator("hv-1400", 1_400 * TOKEN, HONEST, false, 0);
        for (uint256 k; k < validatorList.length; ++k) {
            honestValidators.push(validatorList[k]);
            honestValidatorMask |= 1 << validatorList[k];
        }
        _buildAttackers();
        for (uint256 k; k < providerList.length; ++k) {
            Agent storage g = agents[providerList[k]];
            m.providerBond += g.bond;
            if (g.attacker) m.attackerBond += g.bond;
        }
    }

    function _buildAttackers() internal {
        uint8 kind = sc;
        if (kind == SC_COLLUDE || kind == SC_WHALE || kind == SC_EXHAUST) {
            // The attacking validator stake W is whaleBps of the total: W = H · bps / (10,000 − bps), H = 5,000.
            uint256 w = (5_000 * TOKEN * whaleBps) / (10_000 - whaleBps);
            uint256 chal = 200 * TOKEN;
            whaleChallengerBond = chal;
            if (kind != SC_WHALE) colluder = _agent("cr", ROLE_REQUESTER, R_COLLUDER, true, 20_000 * TOKEN) + 1;
            string memory tag = kind == SC_COLLUDE ? "cv" : "whale";
            challenger = _validator(string.concat(tag, "-chal"), chal, V_CHALLENGER, true, 3_000 * TOKEN) + 1;
            _validator(string.concat(tag, "-vote"), w - chal, kind == SC_EXHAUST ? V_LATE : V_NAIVE, true, 0);
        } else if (kind == SC_LIAR) {
            _provider("liar-pre", 200 * TOKEN, 1, 2, P_LIAR, true);
        } else if (kind == SC_LIAR_AFTER) {
            _provider("liar-post", 200 * TOKEN, 1, 2, P_LIAR_AFTER, true);
        } else if (kind == SC_GRIEF) {
            for (uint256 k; k < 4; ++k) _provider(string.concat("gd-", vm.toString(k + 1)), 100 * TOKEN, 3, 4, P_DECLINER, true);
            for (uint256 k; k < 3; ++k) _provider(string.concat("gs-", vm.toString(k + 1)), 100 * TOKEN, 3, 4, P_SLOW, true);
            for (uint256 k; k < 3; ++k) _provider(string.concat("gt-", vm.toString(k + 1)), 100 * TOKEN, 3, 4, P_TOGGLER, true);
        } else if (kind == SC_WASH_QUIET || kind == SC_WASH_BUSY) {
            _provider("wash-p200", 200 * TOKEN, 3, 6, HONEST, true);
            washer = _agent("wash-rq", ROLE_REQUESTER, R_WASH, true, 1_000 * TOKEN) + 1;
        } else if (kind == SC_PAUSER) {
            for (uint256 k; k < 4; ++k) _provider(string.concat("pz-", vm.toString(k + 1)), 250 * TOKEN, 3, 6, P_PAUSER, true);
        } else if (kind == SC_LAZY) {
            _provider("lazy-400", 400 * TOKEN, 3, 8, P_LAZY, true);
        }
    }

    /// @dev An agent funded with `funds`; an attacker plays honestly in the baseline run.
    function _agent(string memory name, uint8 role, uint8 behavior, bool attacker, uint256 funds) internal returns (uint256 idx) {
        address a = actor(name, funds);
        idx = agents.length;
        agents.push();
        Agent storage g = agents[idx];
        g.a = a;
        g.name = name;
        g.role = role;
        g.behavior = attacker && !attack ? HONEST : behavior;
        g.attacker = attacker;
        agentIdx[a] = idx + 1;
    }

    function _provider(string memory name, uint256 bond, uint8 kinds, uint8 cap, uint8 behavior, bool attacker) internal returns (uint256 idx) {
        idx = _agent(name, ROLE_PROVIDER, behavior, attacker, bond + 10 * TOKEN);
        Agent storage g = agents[idx];
        g.kinds = kinds;
        g.cap = cap;
        g.bond = bond;
        (uint8 k, uint8 c) = (kinds, cap);
        uint8 b = g.behavior;
        if (b == P_LIAR || b == P_LIAR_AFTER) (k, c) = (3, 64);
        else if (b == P_DECLINER) (k, c) = (2, 1);
        else if (b == P_SLOW) (k, c) = (1, 1);
        vm.prank(g.a);
        eco.register(bond, k, c);
        providerList.push(idx);
        if (attacker) attackerProviders.push(idx);
    }

    function _validator(string memory name, uint256 bond, uint8 behavior, bool attacker, uint256 reserve) internal returns (uint256 idx) {
        idx = _agent(name, ROLE_VALIDATOR, behavior, attacker, bond + reserve);
        agents[idx].bond = bond;
        vm.prank(agents[idx].a);
        eco.registerValidator(bond);
        validatorList.push(idx);
    }

    // ─── posting ───────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Busy epochs: 1.6 jobs a block; quiet ones: 0.3. Inference 80 %, fee 0.2..4 tokens, deadline 1..4 minutes.
    function _posts(uint256 i) internal {
        bool busy = _busy(i);
        uint256 u = _rand("arrivals", i, 0) % 100;
        uint256 count = busy ? (u < 60 ? 2 : 1) : (u < 30 ? 1 : 0);
        for (uint256 k; k < count; ++k) {
            uint256 v = _rand("job", i, k);
            uint256 r = honestRequesters[v % honestRequesters.length];
            uint8 kind = (v >> 16) % 100 < 80 ? INFERENCE : FINE_TUNE;
            uint256 fee = TOKEN / 5 + (((v >> 32) % 381) * TOKEN) / 100;
            _post(r, kind, fee, uint32(60 * (1 + ((v >> 48) % 4))), false);
        }
        if (colluder != 0) {
            uint256 v = _rand("colluder", i, 0);
            if (sc == SC_COLLUDE && v % 100 < 25) {
                _post(colluder - 1, INFERENCE, TOKEN / 5 + (((v >> 32) % 381) * TOKEN) / 100, 60, false);
            } else if (sc == SC_EXHAUST && busy && v % 100 < 25) {
                // High-fee jobs: the collateral a won challenge slashes is twice the fee.
                _post(colluder - 1, INFERENCE, 40 * TOKEN, 60, true);
            }
        }
        if (washer != 0 && attack && busy == (sc == SC_WASH_BUSY)) {
            _post(washer - 1, INFERENCE, TOKEN / 10, 60, false);
        }
    }

    function _post(uint256 r, uint8 kind, uint256 fee, uint32 deadlineS, bool target) internal {
        Agent storage g = agents[r];
        vm.prank(g.a);
        uint256 id = eco.postJob(kind, kind == INFERENCE ? MODEL : FT_MODEL, INPUT, "ipfs://input", fee, deadlineS);
        sj[id] = SimJob({
            postBlock: uint32(block.number),
            drawBlock: uint32(block.number),
            assignBlock: 0,
            deadlineS: deadlineS,
            requester: uint16(r),
            provider: 0,
            kind: kind,
            state: J_POSTED,
            wrong: false,
            target: target
        });
        pending.push(id);
        g.jobs += 1;
        m.posted += 1;
    }

    // ─── draws ─────────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Calls `assign` on every job whose draw block has a hash (as providers' nodes do, in posting order). A
    /// missed draw re-seeds the job from this block; a declined job comes back for the next block.
    function _drawPending() internal {
        uint256 n = pending.length;
        if (n == 0) return;
        uint256[] memory list = pending;
        delete pending;
        for (uint256 k; k < n; ++k) {
            uint256 id = list[k];
            SimJob storage j = sj[id];
            if (block.number > j.postBlock + CANCEL_AFTER && _cancel(id)) continue;
            if (j.drawBlock >= block.number) {
                pending.push(id);
                continue;
            }
            try eco.assign(id) {} catch {
                pending.push(id);
                continue;
            }
            address p = eco.job(id).provider;
            if (p == address(0)) {
                m.missed += 1;
                j.drawBlock = uint32(block.number);
                pending.push(id);
                continue;
            }
            _onAssigned(id, agentIdx[p] - 1);
        }
    }

    /// @dev An honest requester whose job has waited CANCEL_AFTER blocks since it was posted asks for its fee back
    /// (cancelJob counts its delay from the job's draw block, which each missed draw moves to the current block).
    function _cancel(uint256 id) internal returns (bool) {
        SimJob storage j = sj[id];
        Agent storage r = agents[j.requester];
        if (r.attacker) return false;
        vm.prank(r.a);
        try eco.cancelJob(id) {
            j.state = J_DONE;
            m.cancelled += 1;
            return true;
        } catch {
            if (block.number == j.postBlock + CANCEL_AFTER + 1) m.cancelRefused += 1;
            return false;
        }
    }

    function _onAssigned(uint256 id, uint256 pi) internal {
        SimJob storage j = sj[id];
        Agent storage g = agents[pi];
        uint8 b = g.behavior;
        j.provider = uint16(pi);
        j.assignBlock = uint32(block.number);
        j.state = J_ASSIGNED;
        bool liar = b == P_LIAR || b == P_LIAR_AFTER;
        if (b == P_DECLINER || (liar && ((g.kinds >> j.kind) & 1 == 0 || g.active >= g.cap))) {
            _decline(id, pi);
            return;
        }
        // A node accepts once it has the input (a result inside the accept window would do too): from then on a
        // missed deadline is slashed, and until then anyone could report it as a no-show.
        vm.prank(g.a);
        eco.acceptJob(id);
        g.active += 1;
        m.served += 1;
        uint256 delay = block.number - j.postBlock;
        if (delay > 3) m.late += 1;
        if (delay > m.maxDelay) m.maxDelay = delay;
        uint256 d = b == P_SLOW ? j.deadlineS / BLOCK_S - 1 : 1 + (_rand("submit", id, block.number) % 3);
        _at(block.number + d, A_SUBMIT, 0, id);
        _at(block.number + j.deadlineS / BLOCK_S + 1, A_TIMEOUT, block.number, id);
    }

    function _decline(uint256 id, uint256 pi) internal {
        vm.prank(agents[pi].a);
        eco.declineJob(id, 1);
        m.declined += 1;
        _afterRedraw(id);
    }

    function _afterRedraw(uint256 id) internal {
        SimJob storage j = sj[id];
        if (eco.job(id).status == JobStatus.Refunded) {
            j.state = J_DONE;
            m.refunded += 1;
        } else {
            j.state = J_POSTED;
            j.drawBlock = uint32(block.number);
            pending.push(id);
        }
    }

    // ─── attackers around the draws ────────────────────────────────────────────────────────────────────────────

    function _beforeDraws() internal {
        uint8 kind = sc;
        if (kind == SC_GRIEF) {
            for (uint256 k; k < attackerProviders.length; ++k) {
                uint256 pi = attackerProviders[k];
                if (agents[pi].behavior == P_TOGGLER && _pause(pi)) pausedNow.push(pi);
            }
        } else if (kind == SC_LIAR) {
            if (_dueCount() != 0) _redeclare(P_LIAR);
        } else if (kind == SC_PAUSER) {
            _pauserLookahead();
        }
    }

    function _afterDraws() internal {
        if (sc == SC_LIAR_AFTER) _redeclare(P_LIAR_AFTER);
        uint256 n = pausedNow.length;
        for (uint256 k; k < n; ++k) {
            vm.prank(agents[pausedNow[k]].a);
            try eco.resume() {} catch {}
        }
        if (n != 0) delete pausedNow;
    }

    /// @dev (c): a liar holding fewer jobs than it can run re-declares its inflated profile: pause, updateProfile,
    /// resume (a profile changes only while Paused).
    function _redeclare(uint8 behavior) internal {
        for (uint256 k; k < attackerProviders.length; ++k) {
            Agent storage g = agents[attackerProviders[k]];
            if (g.behavior != behavior || g.active >= g.cap || !_pause(attackerProviders[k])) continue;
            vm.prank(g.a);
            eco.updateProfile(3, 64);
            vm.prank(g.a);
            eco.resume();
        }
    }

    function _pause(uint256 pi) internal returns (bool) {
        vm.prank(agents[pi].a);
        try eco.pause() {
            return true;
        } catch {
            return false;
        }
    }

    function _dueCount() internal view returns (uint256 c) {
        for (uint256 k; k < pending.length; ++k) if (sj[pending[k]].drawBlock < block.number) ++c;
    }

    /// @dev (f): with this block's draws known (their seeds are in the last block's hash), try them with nobody
    /// paused, with all four paused and, when that would also cost a won job, with each one paused; pause the ones
    /// whose leaving turns more lost draws into re-draws (worth the party's bond share each) than it costs won ones.
    function _pauserLookahead() internal {
        uint256 c = _dueCount();
        if (c == 0) return;
        uint256[] memory due = new uint256[](c);
        c = 0;
        for (uint256 k; k < pending.length; ++k) if (sj[pending[k]].drawBlock < block.number) due[c++] = pending[k];
        address[] memory none = _simDraws(due, NONE);
        bool wins;
        for (uint256 k; k < c; ++k) if (_isAttacker(none[k])) wins = true;
        int256 share = int256((m.attackerBond * 10_000) / m.providerBond);
        if (!wins) {
            address[] memory all = _simDraws(due, ALL);
            for (uint256 k; k < c; ++k) {
                if (all[k] == address(0) && none[k] != address(0)) {
                    for (uint256 q; q < attackerProviders.length; ++q) if (_pause(attackerProviders[q])) pausedNow.push(attackerProviders[q]);
                    return;
                }
            }
            return;
        }
        uint256[] memory chosen = new uint256[](attackerProviders.length);
        uint256 nChosen;
        for (uint256 q; q < attackerProviders.length; ++q) {
            address[] memory one = _simDraws(due, attackerProviders[q]);
            int256 value;
            for (uint256 k; k < c; ++k) {
                if (one[k] == address(0) && none[k] != address(0)) value += _isAttacker(none[k]) ? share - 10_000 : share;
            }
            if (value > 0) chosen[nChosen++] = attackerProviders[q];
        }
        for (uint256 q; q < nChosen; ++q) if (_pause(chosen[q])) pausedNow.push(chosen[q]);
    }

    /// @dev The providers this block's draws would pick (address(0): missed) with `who` paused first; state restored.
    function _simDraws(uint256[] memory due, uint256 who) internal returns (address[] memory out) {
        uint256 snap = vm.snapshotState();
        if (who == ALL) {
            for (uint256 q; q < attackerProviders.length; ++q) _pause(attackerProviders[q]);
        } else if (who != NONE) {
            _pause(who);
        }
        out = new address[](due.length);
        for (uint256 k; k < due.length; ++k) {
            try eco.assign(due[k]) {
                out[k] = eco.job(due[k]).provider;
            } catch {}
        }
        VmStateSnapshots(address(vm)).revertToStateAndDelete(snap);
    }

    function _isAttacker(address a) internal view returns (bool) {
        uint256 i = agentIdx[a];
        return i != 0 && agents[i - 1].attacker;
    }

    // ─── scheduled actions ─────────────────────────────────────────────────────────────────────────────────────

    function _at(uint256 blockNumber, uint256 action, uint256 aux, uint256 id) internal {
        sched[blockNumber].push((action << 248) | (aux << 128) | id);
    }

    function _runScheduled() internal {
        uint256[] storage list = sched[block.number];
        for (uint256 k; k < list.length; ++k) {
            uint256 e = list[k];
            uint256 action = e >> 248;
            uint256 aux = (e >> 128) & type(uint120).max;
            uint256 id = uint128(e);
            if (action == A_SUBMIT) _submit(id);
            else if (action == A_REVEAL) _reveal(aux, id);
            else if (action == A_FINALIZE) _finalize(id);
            else if (action == A_RESOLVE) _resolve(id);
            else if (action == A_TIMEOUT) _timeout(id, aux);
            else if (action == A_UNJAIL) _unjail(aux);
            else if (action == A_RELEASE) _release(aux, id);
        }
    }

    function _submit(uint256 id) internal {
        SimJob storage j = sj[id];
        if (j.state != J_ASSIGNED) return;
        Agent storage p = agents[j.provider];
        bool wrong = p.behavior == P_LAZY && _rand("wrong", id, 0) % 100 < WRONG_PCT;
        vm.prank(p.a);
        eco.submitResult(id, wrong ? WRONG_OUTPUT : OUTPUT, "ipfs://output");
        j.state = J_SUBMITTED;
        j.wrong = wrong;
        _at(block.number + windowBlocks, A_FINALIZE, 0, id);
        _watch(id);
    }

    /// @dev Validators look at a new result: each honest one re-runs CHECK_PCT % of results and the first that finds
    /// a wrong one challenges it; attacking validators challenge the correct results their strategy aims at.
    function _watch(uint256 id) internal {
        SimJob storage j = sj[id];
        if (j.wrong) {
            m.wrongResults += 1;
            for (uint256 k; k < honestValidators.length; ++k) {
                if (_rand("check", id, k) % 100 < CHECK_PCT) {
                    _commit(honestValidators[k], id, true);
                    return;
                }
            }
            return;
        }
        if (!attack || challenger == 0) return;
        if (sc == SC_COLLUDE) {
            if (j.requester == colluder - 1) _commit(challenger - 1, id, true);
        } else if (sc == SC_WHALE) {
            _commit(challenger - 1, id, true);
        } else if (sc == SC_EXHAUST && !whaleVoting && _busy(block.number - startBlock)) {
            // A batch needs about 13 busy blocks to fill: none is started in the last 20 blocks of a busy epoch.
            if (batch.length == 0 && (block.number - startBlock) % EPOCH_BLOCKS + 20 > EPOCH_BLOCKS) return;
            if (_commit(challenger - 1, id, false)) {
                if (batch.length == 0) batchStart = block.number;
                batch.push(id);
            }
        }
    }

    function _salt(uint256 id, address a) internal pure returns (bytes32) {
        return keccak256(abi.encode(id, a, "salt"));
    }

    function _commit(uint256 v, uint256 id, bool revealNext) internal returns (bool) {
        address a = agents[v].a;
        bytes32 commitment = keccak256(abi.encode(id, a, _salt(id, a)));
        vm.prank(a);
        try eco.commitChallenge(commitment) {
            if (revealNext) _at(block.number + 1, A_REVEAL, v, id);
            return true;
        } catch {
            return false;
        }
    }

    function _reveal(uint256 v, uint256 id) internal returns (bool) {
        address a = agents[v].a;
        vm.prank(a);
        try eco.challenge(id, _salt(id, a), "ipfs://evidence") {
            sj[id].state = J_VOTING;
            openCh.push(id);
            challengerOf[id] = v + 1;
            voted[id] |= 1 << v;
            voteEnd[id] = block.timestamp + voteWindowS;
            agents[v].jobs += 1;
            m.challenges += 1;
            _at(block.number + (voteWindowS + BLOCK_S - 1) / BLOCK_S, A_RESOLVE, 0, id);
            return true;
        } catch {
            _at(block.number + windowBlocks + 1, A_RELEASE, v, id);
            return false;
        }
    }

    function _release(uint256 v, uint256 id) internal {
        address a = agents[v].a;
        vm.prank(a);
        try eco.releaseCommitment(keccak256(abi.encode(id, a, _salt(id, a)))) {} catch {}
    }

    function _finalize(uint256 id) internal {
        SimJob storage j = sj[id];
        if (j.state != J_SUBMITTED) return;
        eco.finalize(id);
        j.state = J_DONE;
        Agent storage p = agents[j.provider];
        p.active -= 1;
        p.jobs += 1;
    }

    /// @dev Resolves a challenge once its vote has ended, and settles every vote cast in it (anyone may).
    function _resolve(uint256 id) internal {
        ChallengeView memory c = eco.challengeOf(id);
        if (block.timestamp < c.voteEndsAt) {
            _at(block.number + (c.voteEndsAt - block.timestamp + BLOCK_S - 1) / BLOCK_S, A_RESOLVE, 0, id);
            return;
        }
        eco.resolveChallenge(id);
        c = eco.challengeOf(id);
        uint256 mask = voted[id];
        uint256 chal = challengerOf[id] - 1;
        if (mask & honestValidatorMask & ~(uint256(1) << chal) == 0) m.noHonestVote += 1;
        for (uint256 k; k < validatorList.length; ++k) {
            uint256 v = validatorList[k];
            if (v != chal && (mask >> v) & 1 == 1) eco.settleVote(id, agents[v].a);
        }
        if (!c.quorumMet) m.noQuorum += 1;
        _removeOpen(id);
        SimJob storage j = sj[id];
        j.state = J_DONE;
        Agent storage p = agents[j.provider];
        p.active -= 1;
        p.jobs += 1;
        if (!c.resultValid) {
            m.rejected += 1;
            if (j.wrong) m.wrongCaught += 1;
            _checkJail(j.provider);
        }
        if (challenger != 0 && chal == challenger - 1 && whaleOpen != 0) whaleOpen -= 1;
    }

    function _removeOpen(uint256 id) internal {
        uint256 n = openCh.length;
        for (uint256 k; k < n; ++k) {
            if (openCh[k] == id) {
                for (uint256 q = k + 1; q < n; ++q) openCh[q - 1] = openCh[q];
                openCh.pop();
                return;
            }
        }
    }

    function _timeout(uint256 id, uint256 assignBlock) internal {
        SimJob storage j = sj[id];
        if (j.state != J_ASSIGNED || j.assignBlock != assignBlock) return;
        vm.prank(agents[j.requester].a);
        eco.reportTimeout(id);
        m.timedOut += 1;
        agents[j.provider].active -= 1;
        _checkJail(j.provider);
        _afterRedraw(id);
    }

    function _checkJail(uint256 pi) internal {
        if (eco.providerOf(agents[pi].a).status == ProviderStatus.Jailed) _at(block.number + jailBlocks, A_UNJAIL, pi, 0);
    }

    function _unjail(uint256 pi) internal {
        vm.prank(agents[pi].a);
        try eco.unjail() {} catch {}
    }

    // ─── votes ─────────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Every block each validator votes on the open challenges it has not voted on, oldest first (a vote locks
    /// nothing, so nothing limits how many). Honest ones vote for the truth; a naive attacker votes invalid at once;
    /// the exhaustion whale votes invalid in the last block of the vote, only where no honest validator voted.
    function _vote() internal {
        uint256 n = openCh.length;
        if (n == 0) return;
        for (uint256 q; q < validatorList.length; ++q) {
            uint256 v = validatorList[q];
            Agent storage g = agents[v];
            uint8 b = g.behavior;
            if (b == V_CHALLENGER) continue;
            for (uint256 k; k < n; ++k) {
                uint256 id = openCh[k];
                if ((voted[id] >> v) & 1 == 1 || block.timestamp >= voteEnd[id]) continue;
                bool side;
                if (b == HONEST) {
                    side = !sj[id].wrong;
                } else if (b == V_NAIVE) {
                    if (sc == SC_COLLUDE && challengerOf[id] != challenger) continue;
                } else {
                    if (challengerOf[id] != challenger || block.timestamp + BLOCK_S < voteEnd[id]) continue;
                    if (eco.challengeOf(id).validWeight != 0) continue;
                }
                vm.prank(g.a);
                try eco.vote(id, side) {
                    voted[id] |= 1 << v;
                    g.jobs += 1;
                } catch {
                    uint256 end = eco.challengeOf(id).voteEndsAt;
                    voteEnd[id] = end;
                    if (block.timestamp < end) break; // (a vote that cannot be cast: none expected, votes lock nothing)
                }
            }
        }
    }

    /// @dev (b2): commitments gathered in a busy epoch are revealed together once there are BATCH of them (or, when
    /// the oldest is about to leave its challenge window, if there are more than ten), the colluder's high-fee jobs
    /// last; otherwise they are released. The next batch starts once every challenge of the last is resolved, with
    /// the challenger's bond topped up from its wallet.
    function _whaleBatch() internal {
        uint256 v = challenger - 1;
        if (whaleVoting) {
            if (whaleOpen == 0) {
                whaleVoting = false;
                uint256 bond = eco.validatorOf(agents[v].a).bond;
                if (bond < whaleChallengerBond) {
                    vm.prank(agents[v].a);
                    eco.addValidatorBond(whaleChallengerBond - bond);
                }
            }
            return;
        }
        uint256 n = batch.length;
        if (n == 0) return;
        if (n < BATCH && block.number < batchStart + windowBlocks - 3) return;
        if (n > 10) {
            for (uint256 pass; pass < 2; ++pass) {
                for (uint256 k; k < n; ++k) {
                    uint256 id = batch[k];
                    if (sj[id].target == (pass == 1) && _reveal(v, id)) whaleOpen += 1;
                }
            }
            whaleVoting = true;
        } else {
            for (uint256 k; k < n; ++k) _at(block.number + windowBlocks + 1, A_RELEASE, v, batch[k]);
        }
        delete batch;
    }

    // ─── outcome ───────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Everything `a` holds in the economy's token. Rule (v2, round 3): accountOf's claimable no longer counts the
    /// emission accrued to a provider's bond and not yet settled (withdraw does not settle it; claimEmission, a stake
    /// change, a pause or a resume does), so pendingEmission is added apart: without it a provider that pauses and
    /// resumes (settling its emission into claimable) would look richer than the same provider that never did.
    function _worth(address a) internal view returns (uint256) {
        AccountView memory acc = eco.accountOf(a);
        return tok.balanceOf(a) + acc.claimable + acc.pendingEmission + eco.providerOf(a).bond +
            eco.validatorOf(a).bond;
    }

    function _collect() internal returns (Outcome memory o) {
        uint256 jobs = eco.jobCount();
        for (uint256 id = 1; id <= jobs; ++id) {
            SimJob storage j = sj[id];
            if (j.state != J_DONE) m.unfinished += 1;
            Agent storage r = agents[j.requester];
            if (!r.attacker) {
                JobStatus s = eco.job(id).status;
                if (s != JobStatus.Finalized && s != JobStatus.Rejected && s != JobStatus.Refunded) m.requesterUnserved += 1;
            }
        }
        uint256 n = agents.length;
        o.rows = new Row[](n);
        for (uint256 k; k < n; ++k) {
            Agent storage g = agents[k];
            o.rows[k] = Row(g.name, g.role, g.attacker, g.jobs, int256(_worth(g.a)) - int256(g.start));
            if (g.role == ROLE_PROVIDER) {
                m.providerJobs += g.jobs;
                if (g.attacker) m.attackerJobs += g.jobs;
            }
        }
        o.m = m;
    }

    function _report(Outcome memory res, Outcome memory base, bool hasBase) internal {
        string memory tag = string.concat("[", scName, "] ");
        string memory head = string.concat(tag, _pad("actor", 12), _pad("role", 11), _lpad("jobs", 6));
        emit log(string.concat(head, _lpad("net", 12), _lpad("baseline", 12), _lpad("gain", 12)));
        int256 atkNet;
        int256 atkBase;
        uint256 atkJobs;
        for (uint256 k; k < res.rows.length; ++k) {
            Row memory r = res.rows[k];
            int256 b = hasBase ? base.rows[k].net : int256(0);
            _row(tag, r.name, _roleName(r.role, r.attacker), r.jobs, r.net, b, hasBase);
            if (r.attacker) {
                atkNet += r.net;
                atkBase += b;
                atkJobs += r.jobs;
            }
        }
        if (hasBase) _row(tag, "ATTACKER", "total", atkJobs, atkNet, atkBase, true);
        _metrics(tag, res.m, base.m, hasBase);
    }

    /// @dev One table row, and its machine-readable twin: SIM|scenario|actor|role|jobs|net wei|baseline wei|.
    function _row(string memory tag, string memory name, string memory role, uint256 jobs, int256 net, int256 b, bool hasBase) internal {
        string memory cells = string.concat(_pad(name, 12), _pad(role, 11), _lpad(vm.toString(jobs), 6), _lpad(_tok(net), 12));
        cells = string.concat(cells, _lpad(hasBase ? _tok(b) : "-", 12), _lpad(hasBase ? _tok(net - b) : "-", 12));
        emit log(string.concat(tag, cells));
        string memory sim = string.concat("SIM|", scName, "|", name, "|");
        sim = string.concat(sim, role, "|", vm.toString(jobs), "|");
        emit log(string.concat(sim, _int(net), "|", hasBase ? _int(b) : "", "|"));
    }

    function _metrics(string memory tag, Metrics memory mm, Metrics memory bm, bool hasBase) internal {
        string memory line = string.concat(tag, "jobs posted ", vm.toString(mm.posted), ", taken on >3 blocks after posting ", vm.toString(mm.late));
        if (hasBase) line = string.concat(line, " (playing honestly: ", vm.toString(bm.late), ")");
        line = string.concat(line, " (max delay ", vm.toString(mm.maxDelay), " blocks), missed draws ", vm.toString(mm.missed));
        line = string.concat(line, ", declines ", vm.toString(mm.declined), ", timeouts ", vm.toString(mm.timedOut));
        line = string.concat(line, ", refunded ", vm.toString(mm.refunded), ", cancelled ", vm.toString(mm.cancelled));
        emit log(string.concat(line, ", cancel refused after 256 blocks unassigned ", vm.toString(mm.cancelRefused)));
        line = string.concat(tag, "challenges ", vm.toString(mm.challenges), ", rejected ", vm.toString(mm.rejected));
        line = string.concat(line, ", without quorum ", vm.toString(mm.noQuorum), ", without an honest vote ", vm.toString(mm.noHonestVote));
        line = string.concat(line, ", wrong results ", vm.toString(mm.wrongResults));
        emit log(string.concat(line, " (caught ", vm.toString(mm.wrongCaught), ")"));
        if (mm.attackerBond != 0) {
            line = string.concat(tag, "attacker providers: job share ", _bps(mm.attackerJobs, mm.providerJobs));
            if (hasBase) line = string.concat(line, " (playing honestly: ", _bps(bm.attackerJobs, bm.providerJobs), ")");
            emit log(string.concat(line, " vs bond share ", _bps(mm.attackerBond, mm.providerBond)));
        }
    }

    function _check(Outcome memory res, Outcome memory base, bool hasBase) internal view {
        string memory tag = string.concat("[", scName, "] ");
        string memory failures;
        Metrics memory mm = res.m;
        if (mm.posted < MIN_JOBS) failures = string.concat(failures, tag, "fewer than 1,000 jobs; ");
        if (mm.unfinished != 0) failures = string.concat(failures, tag, vm.toString(mm.unfinished), " jobs unfinished at the end; ");
        if (mm.requesterUnserved != 0) failures = string.concat(failures, tag, vm.toString(mm.requesterUnserved), " honest requesters' jobs neither finalized nor refunded; ");
        // Griefers must not make jobs unassignable: none waits beyond 10 blocks, and at most 2 % of jobs more than in
        // the same world played honestly wait beyond 3 (a freed last slot or a decline re-seeds draws seeded before it
        // that would keep that provider, so a few always do; each griefer type adds a block or two to some draws).
        if (sc == SC_GRIEF && (mm.late > base.m.late + mm.served / 50 || mm.maxDelay > 10)) {
            failures = string.concat(failures, tag, "griefers delayed jobs beyond 3 blocks; ");
        }
        int256 atkNet;
        int256 atkBase;
        for (uint256 k; k < res.rows.length; ++k) {
            Row memory r = res.rows[k];
            if (r.attacker) {
                atkNet += r.net;
                atkBase += hasBase ? base.rows[k].net : int256(0);
            } else if (r.role != ROLE_REQUESTER && r.net < 0) {
                failures = string.concat(failures, tag, "honest ", r.name);
                failures = string.concat(failures, " lost ", _tok(r.net), "; ");
            }
        }
        if (hasBase && atkNet > atkBase) failures = string.concat(failures, tag, "attacker gained ", _tok(atkNet - atkBase), " over playing honestly; ");
        assertTrue(bytes(failures).length == 0, failures);
    }

    // ─── helpers ───────────────────────────────────────────────────────────────────────────────────────────────

    function _busy(uint256 i) internal pure returns (bool) {
        return (i / EPOCH_BLOCKS) % 2 == 0;
    }

    /// @dev keccak(seed, tag, a, b) in scratch memory (no allocation: the simulation makes millions of these calls).
    function _rand(bytes32 tag, uint256 a, uint256 b) internal pure returns (uint256 r) {
        uint256 seed = SIM_SEED;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, seed)
            mstore(add(p, 0x20), tag)
            mstore(add(p, 0x40), a)
            mstore(add(p, 0x60), b)
            r := keccak256(p, 0x80)
        }
    }

    function _roleName(uint8 role, bool attacker) internal pure returns (string memory) {
        string memory r = role == ROLE_PROVIDER ? "provider" : role == ROLE_REQUESTER ? "requester" : "validator";
        return attacker ? string.concat("*", r) : r;
    }

    /// @dev Tokens with 2 decimals and a sign, rounded half away from zero.
    function _tok(int256 v) internal pure returns (string memory) {
        bool neg = v < 0;
        uint256 cents = ((neg ? uint256(-v) : uint256(v)) + 5e15) / 1e16;
        string memory frac = string.concat(cents % 100 < 10 ? "0" : "", vm.toString(cents % 100));
        return string.concat(neg ? "-" : "+", vm.toString(cents / 100), ".", frac);
    }

    function _int(int256 v) internal pure returns (string memory) {
        return v < 0 ? string.concat("-", vm.toString(uint256(-v))) : vm.toString(uint256(v));
    }

    function _bps(uint256 a, uint256 b) internal pure returns (string memory) {
        if (b == 0) return "n/a";
        uint256 x = (a * 10_000) / b;
        string memory frac = string.concat(x % 100 < 10 ? "0" : "", vm.toString(x % 100));
        return string.concat(vm.toString(x / 100), ".", frac, " %");
    }

    function _pad(string memory s, uint256 width) internal pure returns (string memory) {
        uint256 n = bytes(s).length;
        if (n >= width) return string.concat(s, " ");
        bytes memory sp = new bytes(width - n);
        for (uint256 k; k < sp.length; ++k) sp[k] = " ";
        return string.concat(s, string(sp));
    }

    function _lpad(string memory s, uint256 width) internal pure returns (string memory) {
        uint256 n = bytes(s).length;
        if (n >= width) return string.concat(" ", s);
        bytes memory sp = new bytes(width - n);
        for (uint256 k; k < sp.length; ++k) sp[k] = " ";
        return string.concat(string(sp), s);
    }
}
