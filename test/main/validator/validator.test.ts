import { erc20Abi, keccak256, type Address, type Hash, type PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveToken } from '../../../src/main/chain/actions/approveToken';
import { readJob } from '../../../src/main/chain/actions/readJob';
import { readValidator } from '../../../src/main/chain/actions/readValidator';
import { registerProvider } from '../../../src/main/chain/actions/registerProvider';
import type { ActionClient } from '../../../src/main/chain/actions/send';
import { submitResult } from '../../../src/main/chain/actions/submitResult';
import { economyAbi } from '../../../src/main/chain/artifacts';
import { createEngine, cpuDevice, type Engine } from '../../../src/main/engine/engine';
import { asFloat32, readSafetensors, tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { LogSink } from '../../../src/main/log';
import { falsifyOutput } from '../../../src/main/verification/falsify';
import type { JobDetail } from '../../../src/shared/api/jobs';
import type { ValidatorLifecycleResult, ValidatorState } from '../../../src/shared/api/validator';
import { useAnvil } from '../../helpers/anvil';
import { anvilControl, until } from '../../helpers/chain';
import { actor, deployMarket, TEST_POLICY, TOKEN, type Market } from '../../helpers/market';
import { startProviderNode, tinyInput, tinyModel, type ProviderNode } from '../../helpers/provider';

/**
 * Two validator nodes (the real node: createNode, its engine, wallet, journal) on a real anvil with the real
 * contracts. The provider is a scripted account, so a test decides what it submits. Node A samples every result;
 * node B samples none and only votes in challenges, after checking the result itself.
 */
const quiet = new LogSink({ consoleLevel: 'silent' });

describe('a validator node', { timeout: 180_000 }, () => {
  const chain = useAnvil({ chainId: 31337, accounts: 10 });
  let market: Market;
  let economy: Address;
  let pc: PublicClient;
  let engine: Engine;
  let provider: ActionClient & { close(): Promise<void> };
  let a: ProviderNode;
  let b: ProviderNode;
  let model: Uint8Array;
  let modelHash: Hash;
  let input: Uint8Array;
  let right: Uint8Array;

  /** Puts bytes in both validators' blob stores (the devnet's stores are on this machine too). */
  async function share(bytes: Uint8Array): Promise<{ hash: Hash; uri: string }> {
    const stored = await a.put(bytes);
    await b.put(bytes);
    return stored;
  }

  async function submitted(output: Uint8Array): Promise<bigint> {
    const inputBlob = await share(input);
    const { jobId, drawn } = await market.postDrawn({
      economy,
      modelHash,
      inputHash: inputBlob.hash,
      inputUri: inputBlob.uri,
      deadlineS: 60,
    });
    expect(drawn).toBe(true);
    const out = await share(output);
    await submitResult(provider, { economy, jobId, outputHash: out.hash, outputUri: out.uri });
    return jobId;
  }

  async function events(name: string, jobId: bigint) {
    const logs = await pc.getContractEvents({
      address: economy,
      abi: economyAbi,
      fromBlock: market.startBlock,
    });
    return logs.filter(
      (l) => l.eventName === name && (l.args as { jobId?: bigint }).jobId === jobId,
    ) as unknown as {
      args: Record<string, unknown>;
      transactionHash: Hash;
    }[];
  }

  const check = async (node: ProviderNode, jobId: bigint) =>
    (await node.call<ValidatorState>('validator.get')).checks.find((c) => c.jobId === String(jobId));

  beforeAll(async () => {
    market = await deployMarket(chain.rpcUrl, {
      params: {
        acceptWindowS: 10,
        minDeadlineS: 30,
        challengeWindowS: 20,
        voteWindowS: 6,
        jailCooldownS: 10,
        unbondingPeriodS: 12,
        quorumBps: 1_000,
      },
    });
    economy = market.genesis.economy;
    pc = market.requester.publicClient;
    model = tinyModel();
    input = tinyInput(3);
    engine = createEngine({ devices: [cpuDevice()], log: quiet.logger('engine') });
    right = (await engine.runJob({ kind: 'inference', modelHash: keccak256(model), model, input })).output;

    provider = await actor(chain.rpcUrl, 7);
    await market.fund(market.genesis, provider.tx.address, 1_000n * TOKEN);
    await approveToken(provider, { token: market.genesis.token, spender: economy });
    await registerProvider(provider, { economy, bond: 200n * TOKEN, kinds: ['inference'], capacity: 4 });

    [a, b] = await Promise.all([
      startProviderNode({ endpoint: market.endpoint(), keyIndex: 3 }),
      startProviderNode({ endpoint: market.endpoint(), keyIndex: 4 }),
    ]);
    const modelBlob = await share(model);
    modelHash = await market.registerModel(economy, model, modelBlob.uri, 'inference', TEST_POLICY);
    for (const [node, rate] of [
      [a, 1],
      [b, 0],
    ] as const) {
      await market.fund(market.genesis, node.address, 1_000n * TOKEN);
      await node.call('validator.join', { economy, bond: (200n * TOKEN).toString() });
      await node.call('validator.configure', {
        sampleRate: rate,
        jobsPerHour: 1_000,
        maxEngineSharePct: 100,
      });
      await node.call('validator.start');
    }
    // Vote weight counts from the block after the bond.
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
  }, 120_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await provider?.close();
    await market?.close();
    await engine?.close();
  });

  it('shows its standing and the risk of a wrong vote before anything is checked', async () => {
    const s = await a.call<ValidatorState>('validator.get');
    expect(s.on).toBe(true);
    expect(s.status).toBe('validating');
    expect(s.economies).toHaveLength(1);
    expect(s.economies[0]).toMatchObject({
      standing: 'active',
      bond: (200n * TOKEN).toString(),
      locked: '0',
    });
    expect(s.economies[0]!.risk.lines[0]).toMatch(
      /^A vote against the outcome costs 10 % of the vote's weight: 20 FLY/,
    );
  });

  it('upholds a right result whose last bits differ (another execution provider) and challenges nothing', async () => {
    const [t] = readSafetensors(right).tensors;
    const noisy = Float32Array.from(asFloat32(t!), (x, i) => x * (1 + (i % 2 ? 3e-7 : -3e-7)));
    const output = writeSafetensors([tensorOf(t!.name, 'F32', t!.shape, noisy)]);
    expect(keccak256(output)).not.toBe(keccak256(right));
    const jobId = await submitted(output);
    await until(
      'node A checked the result',
      async () => (await check(a, jobId))?.verdict === 'valid',
      30_000,
    );
    const c = (await check(a, jobId))!;
    expect(c.evidence!.summary).toMatch(
      /^all 8 elements within tolerance \(max \|Δ\| [\d.e-]+ ≤ 1e-4, .*\): valid$/,
    );
    expect(c.evidence).toMatchObject({ device: 'cpu', executionProvider: 'cpu', compared: 8, failed: 0 });
    expect(c.action).toBe('none');
    expect(await check(b, jobId)).toBeUndefined(); // B samples nothing
    expect(await events('ChallengeCommitted', jobId)).toEqual([]);
    expect((await readJob(provider, { economy, jobId })).status).toBe('Submitted');
  });

  it('catches a wrong result: A challenges with its evidence, B votes after checking, the result is rejected and both are paid', async () => {
    const providerBond = async () =>
      (
        await pc.readContract({
          address: economy,
          abi: economyAbi,
          functionName: 'providerOf',
          args: [provider.tx.address],
        })
      ).bond;
    const bondBefore = await providerBond();
    const jobId = await submitted(falsifyOutput(right, TEST_POLICY));
    await until('A challenged', async () => (await events('ChallengeOpened', jobId)).length === 1, 30_000);
    const [opened] = await events('ChallengeOpened', jobId);
    expect(opened!.args.challenger).toBe(a.address);
    expect(String(opened!.args.evidenceURI)).toMatch(/^blob:0x/);
    await until('B voted', async () => (await events('VoteCast', jobId)).length === 2, 30_000);
    const votes = await events('VoteCast', jobId);
    expect(votes.map((v) => [v.args.validator, v.args.resultValid])).toEqual([
      [a.address, false],
      [b.address, false],
    ]);
    // Let the vote end (chain time), then the nodes resolve and settle by themselves.
    await anvilControl(chain.rpcUrl).increaseTime({ seconds: 10 });
    await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
    await until(
      'rejected',
      async () => (await readJob(provider, { economy, jobId })).status === 'Rejected',
      30_000,
    );
    await until(
      'both settled',
      async () => {
        const [ca, cb] = await Promise.all([check(a, jobId), check(b, jobId)]);
        return (
          ca?.reward !== null && ca?.reward !== undefined && cb?.reward !== null && cb?.reward !== undefined
        );
      },
      30_000,
    );
    const [ca, cb] = await Promise.all([check(a, jobId), check(b, jobId)]);
    expect(ca).toMatchObject({ verdict: 'invalid', action: 'challenged', outcome: 'rejected' });
    expect(cb).toMatchObject({
      verdict: 'invalid',
      action: 'voted',
      vote: false,
      outcome: 'rejected',
      purpose: 'vote',
    });
    expect(BigInt(ca!.reward!)).toBeGreaterThan(0n);
    expect(BigInt(cb!.reward!)).toBeGreaterThan(0n);
    expect(ca!.evidence!.summary).toMatch(/outside tolerance.*: invalid$/);
    const slashed = await events('ProviderSlashed', jobId);
    expect(slashed).toHaveLength(1);
    // Each check's steps as the page shows them: A's commit → reveal, B's vote; the votes and the provider's loss.
    expect(ca!.steps.map((x) => x.step)).toEqual([
      'picked',
      'checked',
      'committing',
      'challenged',
      'resolved',
      'settled',
    ]);
    const [commitTx, revealTx] = ['committing', 'challenged'].map(
      (step) => ca!.steps.find((x) => x.step === step)!.txHash,
    );
    expect(commitTx).toMatch(/^0x[0-9a-f]{64}$/);
    expect(revealTx).toBe(opened!.transactionHash);
    expect(cb!.steps.map((x) => x.step)).toEqual([
      'picked',
      'checked',
      'voting',
      'voted',
      'resolved',
      'settled',
    ]);
    for (const c of [ca!, cb!]) {
      expect(c.votes).toEqual({ valid: 0, invalid: 2 });
      expect(c.providerSlashed).toBe(String(slashed[0]!.args.amount));
    }
    const bondAfter = await providerBond();
    expect(bondAfter).toBeLessThan(bondBefore);
    // The job's page on A: its history from the chain (a slash and a strike name the job second: read too), and
    // A's own check of the result.
    const detail = await a.call<JobDetail>('jobs.get', { key: `${economy}:${jobId}` });
    expect(detail.timeline.map((t) => t.label)).toEqual(
      expect.arrayContaining([
        'Challenged',
        'Vote',
        'Challenge won: result rejected',
        'Rejected',
        'Provider slashed',
        'Strike',
      ]),
    );
    expect(detail.checks).toEqual([
      expect.objectContaining({
        by: 'this node',
        validator: a.address,
        verdict: 'invalid',
        action: 'challenged',
        outcome: 'rejected',
      }),
    ]);
    const s = await a.call<ValidatorState>('validator.get');
    expect(BigInt(s.economies[0]!.earned)).toBe(BigInt(ca!.reward!));
    expect(s.economies[0]!.locked).toBe('0');
  });

  it('leaves and comes back: stop validating, withdraw the bond, bond again, and leave again', async () => {
    const standing = async () =>
      (await b.call<ValidatorState>('validator.get')).economies.find((e) => e.economy === economy);
    const pass = async () => {
      // Chain time past the unbonding period (the node reads the chain's clock), then withdraw.
      await anvilControl(chain.rpcUrl).increaseTime({ seconds: 13 });
      await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
      await until(
        'the node sees the unbonding over',
        async () => {
          try {
            await b.call('validator.withdrawBond', { economy: economy });
            return true;
          } catch (err) {
            if (/unbonding until/.test((err as Error).message)) return false;
            throw err;
          }
        },
        15_000,
      );
    };
    const balance = () =>
      pc.readContract({
        address: market.genesis.token,
        abi: erc20Abi,
        functionName: 'balanceOf',
        args: [b.address],
      });
    // The same bond as the first time: each exit and registration is a new one all the same.
    const bond = 200n * TOKEN;
    for (const round of [1, 2]) {
      const exit = await b.call<ValidatorLifecycleResult>('validator.exit', { economy: economy });
      expect(
        exit.txs.map((t) => t.label),
        `exit ${round}`,
      ).toEqual(['Stop validating (start unbonding)']);
      expect(exit.economy.standing).toBe('exiting');
      const before = await balance();
      const bonded = BigInt((await standing())!.bond);
      await pass();
      expect((await standing())!.standing).toBe('exited');
      expect((await balance()) - before, `bond paid back ${round}`).toBe(bonded);
      // Bond again: a new registration, sent even though this wallet registered before.
      const join = await b.call<ValidatorLifecycleResult>('validator.join', {
        economy: economy,
        bond: bond.toString(),
      });
      expect(
        join.txs.map((t) => t.label),
        `join ${round}`,
      ).toContain('Bond as a validator');
      expect(join.economy).toMatchObject({ standing: 'active', bond: bond.toString(), locked: '0' });
      const v = await readValidator(provider, { economy, account: b.address });
      expect(v).toMatchObject({ status: 'Active', bond });
    }
  });
});
