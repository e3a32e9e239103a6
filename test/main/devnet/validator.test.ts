import { join } from 'node:path';
import { createPublicClient, http, type Address, type Hash, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveToken } from '../../../src/main/chain/actions/approveToken';
import { challengeCommitment, commitChallenge } from '../../../src/main/chain/actions/commitChallenge';
import { readChallenge } from '../../../src/main/chain/actions/readChallenge';
import { readJob } from '../../../src/main/chain/actions/readJob';
import { registerProvider } from '../../../src/main/chain/actions/registerProvider';
import { registerValidator } from '../../../src/main/chain/actions/registerValidator';
import { resolveChallenge } from '../../../src/main/chain/actions/resolveChallenge';
import type { ActionClient } from '../../../src/main/chain/actions/send';
import { submitResult } from '../../../src/main/chain/actions/submitResult';
import { economyAbi } from '../../../src/main/chain/artifacts';
import { devnetParams, readParams } from '../../../src/main/chain/deploy';
import { DevnetActors } from '../../../src/main/devnet/actors';
import { JobBoard } from '../../../src/main/devnet/market/board';
import { validatorCast, VALIDATOR_BOND } from '../../../src/main/devnet/market/cast';
import { JobInfo } from '../../../src/main/devnet/market/jobInfo';
import { ReferenceOutputs, type MarketBlobs } from '../../../src/main/devnet/market/references';
import { MarketStore } from '../../../src/main/devnet/market/state';
import { DemoValidators } from '../../../src/main/devnet/market/validator';
import type { Engine } from '../../../src/main/engine/engine';
import { asFloat32, readSafetensors, tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { buildEvidence, encodeEvidence, parseEvidence } from '../../../src/main/verification/evidence';
import { falsifyOutput } from '../../../src/main/verification/falsify';
import { compareOutputs } from '../../../src/main/verification/policy';
import { policyOf } from '../../../src/shared/policy';
import { useAnvil } from '../../helpers/anvil';
import { anvilControl } from '../../helpers/chain';
import { actor, deployMarket, TOKEN, type Market } from '../../helpers/market';
import { tempDir } from '../../helpers/tmp';
import { cpuEngine, reference, renderTextLine } from '../engine/helpers';
import { blobsIn, devnetIn, quietLog } from './helpers';

/**
 * The demo market's three validators on a real anvil with the real engine and a real model (PP-OCRv4 recognition,
 * registered with "argmax agreement ≥ 99 %"). The provider is an ordinary account — not one of the simulated ones
 * — whose results are checked like anyone's. Rounds are driven by hand; chain time is moved with anvil.
 */
const argmax99 = policyOf({ rule: 'argmax', minAgreementBps: 9_900 });
const CHALLENGE_WINDOW_S = 30;
const VOTE_WINDOW_S = 10;

describe('the demo validators', { timeout: 180_000 }, () => {
  const chain = useAnvil({ chainId: 31337, accounts: 11 });
  const temp = tempDir('flywheel-validators-');
  let market: Market;
  let economy: Address;
  let pc: PublicClient;
  let engine: Engine;
  let blobs: MarketBlobs;
  let provider: ActionClient & { close(): Promise<void> };
  let actors: DevnetActors;
  let store: MarketStore;
  let validators: DemoValidators;
  let board: JobBoard;
  let jobInfo: JobInfo;
  let references: ReferenceOutputs;
  let modelHash: Hash;
  let input: { hash: Hash; uri: string };
  /** The engine's output for the job, as a validator's re-run gives it. */
  let right: Uint8Array;
  const addresses = () => validators.all.map((v) => v.address);

  async function startValidators(options: { sampleRate?: number } = {}) {
    actors = new DevnetActors(pc, 31337, join(temp.dir, 'actors'), quietLog);
    store = new MarketStore(join(temp.dir, 'market.json'), quietLog);
    jobInfo = new JobInfo(pc, market.startBlock);
    references = new ReferenceOutputs({ engine, blobs, store, version: 'test', log: quietLog });
    validators = await DemoValidators.start({
      actors,
      references,
      blobs,
      jobInfo,
      store,
      log: quietLog,
      sampleRate: options.sampleRate ?? 1,
      upkeepMs: 0,
    });
    board = new JobBoard(pc, () => [economy], store);
  }

  /** One market round for the validators, waiting for what it started. */
  async function round(): Promise<void> {
    validators.see(await board.round());
    await validators.idle();
  }

  async function later(seconds: number): Promise<void> {
    await anvilControl(chain.rpcUrl).increaseTime({ seconds });
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
  }

  /** Posts a job, draws the provider, and submits `output` as its result. */
  async function submitted(output: Uint8Array): Promise<bigint> {
    const { jobId, drawn } = await market.postDrawn({
      economy,
      modelHash,
      inputHash: input.hash,
      inputUri: input.uri,
      deadlineS: 60,
    });
    expect(drawn).toBe(true);
    const { hash, uri } = await blobs.put(output);
    await submitResult(provider, { economy, jobId, outputHash: hash, outputUri: uri });
    return jobId;
  }

  async function events(name: string, jobId: bigint) {
    const logs = await pc.getContractEvents({ address: economy, abi: economyAbi, fromBlock: 0n });
    return logs.filter(
      (l) => l.eventName === name && (l.args as { jobId?: bigint }).jobId === jobId,
    ) as unknown as { args: Record<string, unknown> }[];
  }

  const validatorOf = (account: Address) =>
    pc.readContract({ address: economy, abi: economyAbi, functionName: 'validatorOf', args: [account] });

  beforeAll(async () => {
    market = await deployMarket(chain.rpcUrl, {
      params: {
        acceptWindowS: 10,
        minDeadlineS: 30,
        challengeWindowS: CHALLENGE_WINDOW_S,
        voteWindowS: VOTE_WINDOW_S,
      },
    });
    economy = market.genesis.economy;
    pc = market.requester.publicClient;
    ({ blobs } = await blobsIn(temp.dir));
    engine = cpuEngine({ maxTensorBytes: 8 * 2 ** 20 });
    const rec = reference('ocr-rec');
    const model = await blobs.put(rec.bytes);
    modelHash = await market.registerModel(economy, rec.bytes, model.uri, 'inference', argmax99);
    const line = await renderTextLine('Flywheel 2026');
    input = await blobs.put(line);
    right = (await engine.runJob({ kind: 'inference', modelHash, model: rec.bytes, input: line })).output;

    provider = await actor(chain.rpcUrl, 4);
    await market.fund(market.genesis, provider.tx.address, 1_000n * TOKEN);
    await approveToken(provider, { token: market.genesis.token, spender: economy });
    await registerProvider(provider, { economy, bond: 200n * TOKEN, kinds: ['inference'], capacity: 4 });

    await startValidators();
    for (const v of validatorCast) {
      const client = await actors.get(v.role);
      await market.fund(market.genesis, client.tx.address, 1_000n * TOKEN);
      await approveToken(client, { token: market.genesis.token, spender: economy });
      await registerValidator(client, { economy, bond: VALIDATOR_BOND });
    }
    // Vote weight counts from the block after the bond.
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
  }, 120_000);

  afterAll(async () => {
    validators?.close();
    await actors?.close();
    await provider?.close();
    await market?.close();
    await engine?.close();
    temp.cleanup();
  });

  it('passes a right result whose last bits differ (another machine’s), and challenges nothing', async () => {
    // Another machine's kernels: every probability moved by a part in a million.
    const [t] = readSafetensors(right).tensors;
    const noisy = Float32Array.from(asFloat32(t!), (x, i) => x * (1 + (i % 2 ? 1e-6 : -1e-6)));
    const output = writeSafetensors([tensorOf(t!.name, 'F32', t!.shape, noisy)]);
    expect(compareOutputs(argmax99, { bytes: output }, { bytes: right }).pass).toBe(true);
    const jobId = await submitted(output);
    await round();
    expect(validators.counts).toMatchObject({ checked: 3, passed: 3, challenged: 0 });
    expect((await readJob(provider, { economy, jobId })).status).toBe('Submitted');
    expect(await events('ChallengeCommitted', jobId)).toEqual([]);
  });

  it('challenges a wrong result with its evidence, the others vote after checking it, and each settles its vote', async () => {
    const before = { ...validators.counts };
    const commitments = async () =>
      (
        await pc.getContractEvents({
          address: economy,
          abi: economyAbi,
          eventName: 'ChallengeCommitted',
          fromBlock: 0n,
        })
      ).length;
    const committedBefore = await commitments();
    const jobId = await submitted(falsifyOutput(right, argmax99));
    await round(); // all three check; one commits and reveals, the others (the same operator) leave it to it
    const c = await readChallenge(provider, { economy, jobId });
    expect(c).not.toBeNull();
    const challenger = c!.challenger;
    expect(addresses()).toContain(challenger);
    expect(validators.counts.challenged - before.challenged).toBe(1);
    expect(validators.counts.checked - before.checked).toBe(3);
    expect((await commitments()) - committedBefore).toBe(1);

    // The evidence: a blob: URI whose JSON says which policy failed, by how much.
    const [opened] = await events('ChallengeOpened', jobId);
    const evidenceUri = String(opened!.args.evidenceURI);
    expect(evidenceUri).toMatch(/^blob:0x[0-9a-f]{64}$/);
    const evidence = parseEvidence(await blobs.read(evidenceUri, evidenceUri.slice(5) as Hash));
    expect(evidence).toMatchObject({
      jobId: String(jobId),
      challenger,
      provider: provider.tx.address,
      policy: argmax99,
      policyText: 'argmax agreement ≥ 99 %',
      verdict: { pass: false },
    });
    expect(evidence.verdict.summary).toMatch(/^agreement \d+(\.\d)? % < 99 % \(\d+ of \d+ rows differ\)$/);
    expect(evidence.verdict.detail).toMatch(/^first differing row softmax_11\.tmp_0\[0, \d+\]/);

    await round(); // the other two vote
    const votes = await events('VoteCast', jobId);
    const voters = votes.map((v) => String(v.args.validator)).filter((v) => v !== challenger);
    expect(new Set(voters)).toEqual(new Set(addresses().filter((a) => a !== challenger)));
    expect(votes.every((v) => v.args.resultValid === false)).toBe(true);

    await later(VOTE_WINDOW_S + 1);
    await resolveChallenge(market.requester, { economy, jobId });
    expect((await readJob(provider, { economy, jobId })).status).toBe('Rejected');
    const [slashed] = await events('ProviderSlashed', jobId);
    expect(slashed!.args.toVoters).toBeGreaterThan(0n);
    await round(); // settles the votes
    const settled = await events('VoteSettled', jobId);
    expect(new Set(settled.map((s) => String(s.args.validator)))).toEqual(new Set(voters));
    expect(settled.every((s) => (s.args.reward as bigint) > 0n && s.args.slashed === 0n)).toBe(true);
    for (const v of addresses()) expect((await validatorOf(v)).locked).toBe(0n);
    expect(store.state.votes).toEqual({});
    expect(store.state.commits).toEqual({});
  });

  /** Writes a commitment down and sends it, as a validator does before it reveals; its evidence is published. */
  async function committed(who: number, jobId: bigint, salt: Hash): Promise<string> {
    const v = validators.all[who]!;
    const verdict = compareOutputs(argmax99, { bytes: falsifyOutput(right, argmax99) }, { bytes: right });
    const job = {
      economy,
      jobId,
      provider: provider.tx.address,
      challenger: v.address,
      modelHash,
      inputHash: input.hash,
      submittedUri: null,
      referenceUri: null,
    };
    const { uri: evidenceUri } = await blobs.put(encodeEvidence(buildEvidence(job, verdict)));
    store.state.commits[`${v.address.toLowerCase()}:${economy}:${jobId}`] = { salt, evidenceUri };
    store.flush();
    await commitChallenge(v.client, { economy, jobId, salt });
    return evidenceUri;
  }

  /** The validators stop (as a killed node does) and start again on the same records and senders' queues. */
  async function restart(): Promise<void> {
    validators.close();
    await actors.close();
    await startValidators({ sampleRate: 0 });
  }

  it('after a restart, releases a commitment that can no longer be revealed, once its window has passed', async () => {
    const turing = validators.all[1]!;
    const jobId = await submitted(falsifyOutput(right, argmax99));
    const salt = `0x${'22'.repeat(32)}` as Hash;
    await committed(1, jobId, salt);
    expect((await validatorOf(turing.address)).locked).toBe(devnetParams.challengeBond);
    await later(CHALLENGE_WINDOW_S + 1); // the result's window, and the commitment's, pass while it is down
    await restart();
    await round();
    const [released] = await pc.getContractEvents({
      address: economy,
      abi: economyAbi,
      eventName: 'CommitmentReleased',
      fromBlock: 0n,
    });
    const fee = (devnetParams.challengeBond * BigInt(devnetParams.commitFeeBps)) / 10_000n;
    expect(released!.args).toMatchObject({
      validator: turing.address,
      commitment: challengeCommitment(jobId, turing.address, salt),
      forfeited: fee,
    });
    expect(validators.counts.released).toBe(1);
    expect(await validatorOf(turing.address)).toMatchObject({ locked: 0n, bond: VALIDATOR_BOND - fee });
    expect(store.state.commits).toEqual({});
    expect(await events('ChallengeOpened', jobId)).toEqual([]);
  });

  it('after a restart, reveals a commitment that was sent but not yet revealed, with its written-down evidence', async () => {
    const noether = validators.all[0]!;
    const jobId = await submitted(falsifyOutput(right, argmax99));
    const evidenceUri = await committed(0, jobId, `0x${'77'.repeat(32)}`);
    await restart();
    await round(); // reveals
    const [opened] = await events('ChallengeOpened', jobId);
    expect(opened!.args).toMatchObject({ challenger: noether.address, evidenceURI: evidenceUri });
    expect(store.state.commits).toEqual({});
    await round(); // the others vote, having checked the result themselves
    const votes = await events('VoteCast', jobId);
    expect(votes.map((v) => v.args.resultValid)).toEqual([false, false, false]);
    expect(Object.keys(store.state.votes)).toHaveLength(2);

    // Down again while the challenge is resolved: back, the votes written down are settled.
    validators.close();
    await later(VOTE_WINDOW_S + 1);
    await resolveChallenge(market.requester, { economy, jobId });
    await restart();
    await round();
    expect(await events('VoteSettled', jobId)).toHaveLength(2);
    expect(store.state.votes).toEqual({});
    for (const v of addresses()) expect((await validatorOf(v)).locked).toBe(0n);
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
            address: e.id,
            abi: economyAbi,
            functionName: 'validatorOf',
            args: [account],
          });
          expect(v).toMatchObject({ status: 1, bond: VALIDATOR_BOND, locked: 0n }); // Active
        }
        const stats = await pc.readContract({ address: e.id, abi: economyAbi, functionName: 'stats' });
        expect(stats.activeValidators).toBe(3n);
        const { quorumBps } = await readParams(pc, e.id);
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
