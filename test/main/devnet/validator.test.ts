import { join } from 'node:path';
import { createPublicClient, http, type Address, type Hash, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveToken } from '../../../src/main/chain/actions/approveToken';
import { readJob } from '../../../src/main/chain/actions/readJob';
import { registerProvider } from '../../../src/main/chain/actions/registerProvider';
import { registerValidator } from '../../../src/main/chain/actions/registerValidator';
import type { ActionClient } from '../../../src/main/chain/actions/send';
import { submitResult } from '../../../src/main/chain/actions/submitResult';
import { economyAbi } from '../../../src/main/chain/artifacts';
import { readParams } from '../../../src/main/chain/deploy';
import { DevnetActors } from '../../../src/main/devnet/actors';
import { JobBoard } from '../../../src/main/devnet/market/board';
import { validatorCast, VALIDATOR_BOND } from '../../../src/main/devnet/market/cast';
import { JobInfo } from '../../../src/main/devnet/market/jobInfo';
import { SimulatedProviders } from '../../../src/main/devnet/market/simulatedProviders';
import { ReferenceOutputs, type MarketBlobs } from '../../../src/main/devnet/market/references';
import { MarketStore } from '../../../src/main/devnet/market/state';
import { DEMO_VALIDATOR_BUDGETS, DemoValidators } from '../../../src/main/devnet/market/validator';
import type { Engine } from '../../../src/main/engine/engine';
import { asFloat32, readSafetensors, tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { parseEvidence } from '../../../src/main/verification/evidence';
import { compareOutputs } from '../../../src/main/verification/policy';
import { policyOf } from '../../../src/shared/policy';
import { useAnvil } from '../../helpers/anvil';
import { anvilControl } from '../../helpers/chain';
import { actor, deployMarket, TOKEN, type Market } from '../../helpers/market';
import { tempDir } from '../../helpers/tmp';
import { cpuEngine, reference, renderTextLine } from '../engine/helpers';
import { blobsIn, devnetIn, quietLog } from './helpers';

/**
 * The demo market's validators — the node's validator code, one ValidatorService per devnet identity — on a real
 * anvil with the real engine and a real model (PP-OCRv4 recognition, registered with "argmax agreement ≥ 99 %").
 * Two providers are drawn, one job each: the user (an ordinary account whose result comes from "another machine":
 * the right output with its last bits moved, as a GPU gives it) and Babbage, the simulated faulty provider, forced
 * to submit a wrong output every time. Restarts are the validator's own tests' (test/main/validator/crash.test.ts). Rounds are driven once a second, as the market does, and the windows pass in
 * real time (shorter ones than the devnet's): the CPU measured over the rounds is what the devnet spends on them.
 */
const argmax99 = policyOf({ rule: 'argmax', minAgreementBps: 9_900 });

describe('the demo validators', { timeout: 120_000 }, () => {
  const chain = useAnvil({ chainId: 31337, accounts: 11 });
  const temp = tempDir('flywheel-validators-');
  let market: Market;
  let economy: Address;
  let pc: PublicClient;
  /** This machine's engine, which the market's simulated providers and validators share (as in the devnet). */
  let engine: Engine;
  let blobs: MarketBlobs;
  let user: ActionClient & { close(): Promise<void> };
  let babbage: ActionClient;
  let actors: DevnetActors;
  let providers: SimulatedProviders;
  let validators: DemoValidators;
  let board: JobBoard;
  let modelHash: Hash;
  let input: { hash: Hash; uri: string };
  /** The engine's output for the job. */
  let right: Uint8Array;

  async function events(name: string, jobId: bigint) {
    const logs = await pc.getContractEvents({ address: economy, abi: economyAbi, fromBlock: 0n });
    return logs.filter(
      (l) => l.eventName === name && (l.args as { jobId?: bigint }).jobId === jobId,
    ) as unknown as { args: Record<string, unknown> }[];
  }

  /** The right output with every probability moved by a part in a million: another machine's kernels. */
  function fromAnotherMachine(): Uint8Array {
    const [t] = readSafetensors(right).tensors;
    const noisy = Float32Array.from(asFloat32(t!), (x, i) => x * (1 + (i % 2 ? 1e-6 : -1e-6)));
    return writeSafetensors([tensorOf(t!.name, 'F32', t!.shape, noisy)]);
  }

  beforeAll(async () => {
    market = await deployMarket(chain.rpcUrl, {
      params: {
        acceptWindowS: 10,
        minDeadlineS: 30,
        // Shorter than the devnet's (60 s each) so that they pass in real time within the test.
        challengeWindowS: 30,
        voteWindowS: 10,
      },
    });
    economy = market.genesis.economy;
    pc = market.requester.publicClient;
    ({ blobs } = await blobsIn(temp.dir));
    engine = cpuEngine({ maxTensorBytes: 8 * 2 ** 20 });
    const rec = reference('ocr-rec');
    const model = await blobs.put(rec.bytes);
    modelHash = await market.registerModel(economy, rec.bytes, model.uri, 'inference', argmax99);
    input = await blobs.put(await renderTextLine('Flywheel 2026'));

    actors = new DevnetActors(pc, 31337, join(temp.dir, 'actors'), quietLog);
    const store = new MarketStore(join(temp.dir, 'market.json'), quietLog);
    const jobInfo = new JobInfo(pc, market.startBlock);
    const references = new ReferenceOutputs({
      engine,
      blobs,
      store,
      version: 'test',
      log: quietLog,
    });
    right = (
      await references.fetch({
        kind: 'inference',
        modelHash,
        modelUri: model.uri,
        inputHash: input.hash,
        inputUri: input.uri,
      })
    ).bytes;
    expect(compareOutputs(argmax99, { bytes: fromAnotherMachine() }, { bytes: right }).pass).toBe(true);

    // The user's node takes one job at a time: once it holds one, the next is drawn to Babbage, registered then.
    user = await actor(chain.rpcUrl, 4);
    babbage = await actors.get('providerBabbage');
    for (const p of [user, babbage]) {
      await market.fund(market.genesis, p.tx.address, 1_000n * TOKEN);
      await approveToken(p, { token: market.genesis.token, spender: economy });
    }
    await registerProvider(user, { economy, bond: 200n * TOKEN, kinds: ['inference'], capacity: 1 });
    for (const v of validatorCast) {
      const client = await actors.get(v.role);
      await market.fund(market.genesis, client.tx.address, 1_000n * TOKEN);
      await approveToken(client, { token: market.genesis.token, spender: economy });
      await registerValidator(client, { economy, bond: VALIDATOR_BOND });
    }
    // Vote weight counts from the block after the bond.
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });

    providers = new SimulatedProviders({
      actors,
      references,
      blobs,
      jobInfo,
      log: quietLog,
      runSeconds: [0.1, 0.3],
      misbehaviour: { sloppy: 1 },
    });
    validators = await DemoValidators.start({
      actors,
      publicClient: pc,
      factory: market.factory,
      startBlock: market.startBlock,
      engine,
      blobs: blobs.store,
      dir: join(temp.dir, 'validators'),
      log: quietLog,
      sampleRate: 1,
    });
    board = new JobBoard(pc, () => [economy], store);
  }, 90_000);

  afterAll(async () => {
    providers?.close();
    await validators?.close();
    await actors?.close();
    await user?.close();
    await market?.close();
    await engine?.close();
    temp.cleanup();
  });

  it('re-run a sample here, uphold the user’s result and catch the faulty provider’s (challenge → vote → Rejected), within 10 % of one core', async () => {
    const [noether, turing, hopper] = validators.all;

    const post = async () => {
      const { jobId, drawn } = await market.postDrawn({
        economy,
        modelHash,
        inputHash: input.hash,
        inputUri: input.uri,
        deadlineS: 60,
      });
      expect(drawn).toBe(true);
      return { jobId, provider: (await readJob({ publicClient: pc }, { economy, jobId })).provider };
    };
    // The user's result, from a GPU; then Babbage's, always wrong (the simulated providers submit it).
    const u = await post();
    expect(u.provider).toBe(user.tx.address);
    const userJob = u.jobId;
    const { hash, uri } = await blobs.put(fromAnotherMachine());
    await submitResult(user, { economy, jobId: userJob, outputHash: hash, outputUri: uri });
    await registerProvider(babbage, { economy, bond: 200n * TOKEN, kinds: ['inference'], capacity: 4 });
    const b = await post();
    expect(b.provider).toBe(babbage.tx.address);
    const babbageJob = b.jobId;

    // From here on only the market's rounds run: the validators, Babbage submitting, and the board reading the jobs.
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const entry = (v: typeof noether, jobId: bigint) => v!.service.journal.get(economy, jobId);
    const end = Date.now() + 50_000;
    for (;;) {
      const roundStarted = Date.now();
      const round = await board.round();
      providers.see(round, [economy]);
      validators.see(round);
      await validators.idle();
      const done =
        entry(noether, userJob)?.step === 'passed' &&
        [noether, turing, hopper].every((v) => entry(v, babbageJob)?.step === 'settled');
      if (done) break;
      if (Date.now() > end) {
        throw new Error(
          `not done: ${JSON.stringify([noether, turing, hopper].map((v) => [entry(v, userJob)?.step, entry(v, babbageJob)?.step]))}`,
        );
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 1_000 - (Date.now() - roundStarted))));
    }
    const cpu = process.cpuUsage(cpuBefore);
    const wallMs = performance.now() - started;
    // Everything this process did over the rounds (the validators, and Babbage and the board besides).
    const share = (cpu.user + cpu.system) / 1_000 / wallMs;
    expect(
      share,
      `${(share * 100).toFixed(1)} % of one core over ${(wallMs / 1000).toFixed(1)} s`,
    ).toBeLessThanOrEqual(0.1);

    // The user's result: re-run here, within the policy, upheld — never challenged.
    const checked = entry(noether, userJob)!.fields;
    expect(checked).toMatchObject({
      purpose: 'sample',
      provider: user.tx.address,
      pass: true,
      policyText: 'argmax agreement ≥ 99 %',
      executionProvider: 'cpu',
    });
    expect(checked.summary).toMatch(/: valid$/);
    expect(checked.referenceHash).not.toBe(checked.submittedHash); // not the same bytes: judged by the policy
    expect((await readJob({ publicClient: pc }, { economy, jobId: userJob })).status).toBe('Submitted');
    expect(await events('ChallengeCommitted', userJob)).toEqual([]);

    // Babbage's: re-run, failed, challenged with the evidence by the sampler; the others re-ran it before voting.
    const [opened] = await events('ChallengeOpened', babbageJob);
    expect(opened!.args.challenger).toBe(noether!.address);
    const evidenceUri = String(opened!.args.evidenceURI);
    const evidence = parseEvidence(await blobs.read(evidenceUri, evidenceUri.slice(5) as Hash));
    expect(evidence).toMatchObject({
      jobId: String(babbageJob),
      challenger: noether!.address,
      provider: babbage.tx.address,
      policyText: 'argmax agreement ≥ 99 %',
      verdict: { pass: false },
    });
    const votes = await events('VoteCast', babbageJob);
    const voters = votes.map((v) => v.args.validator).filter((v) => v !== noether!.address);
    expect(new Set(voters)).toEqual(new Set([turing!.address, hopper!.address]));
    expect(votes.every((v) => v.args.resultValid === false)).toBe(true);
    for (const v of [turing, hopper]) {
      expect(entry(v, babbageJob)!.fields).toMatchObject({
        purpose: 'vote',
        pass: false,
        resultValid: false,
      });
    }
    expect((await readJob({ publicClient: pc }, { economy, jobId: babbageJob })).status).toBe('Rejected');
    const [slashed] = await events('ProviderSlashed', babbageJob);
    expect(slashed!.args.provider).toBe(babbage.tx.address);
    for (const v of [noether, turing, hopper]) {
      const f = entry(v, babbageJob)!.fields;
      expect(f.outcome).toBe('rejected');
      expect(BigInt(f.reward!)).toBeGreaterThan(0n);
      expect(f.slashed).toBe('0');
    }
    expect(validators.counts).toMatchObject({ challenged: 1, voted: 2, settled: 2 });

    // What a job's page shows of them: the user's result re-run by the sampler and upheld; Babbage's re-run by all
    // three, challenged by one, voted down by the others.
    const userChecks = validators.checksOf(economy, userJob);
    expect(userChecks).toHaveLength(1);
    expect(userChecks[0]).toMatchObject({
      by: 'Noether (devnet validator)',
      validator: noether!.address,
      provider: user.tx.address,
      verdict: 'valid',
      action: 'none',
      outcome: null,
    });
    expect(userChecks[0]!.evidence).toMatchObject({ summary: checked.summary, executionProvider: 'cpu' });
    expect(
      validators.checksOf(economy, babbageJob).map((c) => [c.by, c.verdict, c.action, c.outcome]),
    ).toEqual([
      ['Noether (devnet validator)', 'invalid', 'challenged', 'rejected'],
      ['Turing (devnet validator)', 'invalid', 'voted', 'rejected'],
      ['Hopper (devnet validator)', 'invalid', 'voted', 'rejected'],
    ]);

    // Within each one's budget: the engine's share, and the re-runs an hour.
    for (const [i, v] of [noether, turing, hopper].entries()) {
      const s = await v!.service.state();
      expect(s.config).toEqual(
        i === 0 ? { ...DEMO_VALIDATOR_BUDGETS[0], sampleRate: 1 } : DEMO_VALIDATOR_BUDGETS[i],
      );
      expect(s.stats.engineSharePct).toBeLessThanOrEqual(s.config.maxEngineSharePct);
    }
  });
});

describe('the devnet’s validators', { timeout: 120_000 }, () => {
  const temp = tempDir('flywheel-devnet-validators-');
  afterAll(() => temp.cleanup());

  it('are bonded in every devnet economy, three of them, so that the other two’s honest votes reach the quorum', async () => {
    const devnet = await devnetIn(temp.dir);
    try {
      const endpoint = await devnet.start();
      const pc = createPublicClient({ transport: http(endpoint.rpcUrl) }) as PublicClient;
      const actors = new DevnetActors(pc, endpoint.chainId, join(temp.dir, 'actors'), quietLog);
      const accounts = await Promise.all(
        validatorCast.map(async (v) => (await actors.get(v.role)).tx.address),
      );
      await actors.close();
      expect(new Set(accounts).size).toBe(3);
      for (const e of devnet.book.economies) {
        for (const account of accounts) {
          const v = await pc.readContract({
            address: e.economy,
            abi: economyAbi,
            functionName: 'validatorOf',
            args: [account],
          });
          expect(v).toMatchObject({ status: 1, bond: VALIDATOR_BOND, locked: 0n }); // Active
        }
        const stats = await pc.readContract({ address: e.economy, abi: economyAbi, functionName: 'stats' });
        expect(stats.activeValidators).toBe(3n);
        const { quorumBps } = await readParams(pc, e.economy);
        const quorum = (stats.validatorStake * BigInt(quorumBps)) / 10_000n;
        // The quorum counts voters only (a challenger alone never meets it); the two that did not challenge do.
        expect(quorum).toBeGreaterThan(0n);
        expect(2n * VALIDATOR_BOND).toBeGreaterThanOrEqual(quorum);
      }
    } finally {
      await devnet.stop();
    }
  });
});
