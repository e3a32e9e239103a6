import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFunctionData, keccak256, type Address, type Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { economyAbi } from '../../../src/main/chain/artifacts';
import { readJob } from '../../../src/main/chain/actions/readJob';
import { createEngine, cpuDevice } from '../../../src/main/engine/engine';
import { Journal } from '../../../src/main/jobs/journal';
import { LocalBlobStore } from '../../../src/main/blobs/local';
import { LogSink } from '../../../src/main/log';
import { DEV_PRIVATE_KEYS, useAnvil } from '../../helpers/anvil';
import { devAccount } from '../../helpers/chain';
import { spawnChildNode, type ChildRun } from '../../helpers/crashChild';
import { deployMarket, TOKEN, type Market, testWindows } from '../../helpers/market';
import { bundleNode } from '../../helpers/nodeBundle';
import { tinyInput, tinyModel } from '../../helpers/provider';
import { xorshift32 } from '../../helpers/random';
import { tempDir } from '../../helpers/tmp';

const JOBS = 30;
const INPUTS = 12;
const quiet = new LogSink({ consoleLevel: 'silent' });

describe('kill -9 of the provider node at random moments over many jobs', { timeout: 240_000 }, () => {
  const chain = useAnvil({ chainId: 31337 });
  const { dir: dataDir, cleanup } = tempDir('flywheel-crash-');
  let market: Market;
  let bundle: { dir: string; file: string };
  const provider = devAccount(2).address;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    [market, bundle] = await Promise.all([
      deployMarket(chain.rpcUrl, {
        params: testWindows({ acceptWindowS: 10, minDeadlineS: 30 }),
      }),
      bundleNode(join(import.meta.dirname, 'crashNode.ts'), 'crash'),
    ]);
    await market.fund(market.genesis, provider, 1_000n * TOKEN);
  }, 120_000);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await market?.close();
    cleanup();
    if (bundle) rmSync(bundle.dir, { recursive: true, force: true });
  });

  function start(): ChildRun {
    return spawnChildNode({
      file: bundle.file,
      dataDir,
      endpoint: market.endpoint(),
      seal,
      privateKey: DEV_PRIVATE_KEYS[2],
      env: {
        FLYWHEEL_TEST_JOIN: market.genesis.economy,
        FLYWHEEL_TEST_BOND: (300n * TOKEN).toString(),
      },
    });
  }
  const seal = randomBytes(32).toString('hex');

  it('loses no result, submits nothing twice and misses no deadline of its own making', async () => {
    const random = xorshift32(Number(process.env.FLYWHEEL_CRASH_SEED ?? 0xc0ffee));
    // The model and every input live in the node's blob store, put there before the node runs (as the devnet
    // does), so nothing here writes to its folder while it starts and dies.
    const model = tinyModel();
    const store = new LocalBlobStore(join(dataDir, 'blobs'), quiet.logger('blobs'));
    const modelBlob = await store.put(model);
    const inputs = await Promise.all(Array.from({ length: INPUTS }, (_, i) => store.put(tinyInput(i))));
    await market.registerModel(market.genesis.economy, model, modelBlob.uri);
    // The first run sets the node up (wallet, join, switch on) in peace.
    let run = start();
    child = run.child;
    await run.ready;

    // What each job's output must be: the same engine computes it here.
    const engine = createEngine({ devices: [cpuDevice()], log: quiet.logger('engine') });
    const expected = new Map<string, Hash>();
    for (let i = 0; i < inputs.length; i++) {
      const { outputHash } = await engine.runJob({
        kind: 'inference',
        modelHash: keccak256(model),
        model,
        input: tinyInput(i),
      });
      expected.set(inputs[i]!.hash, outputHash);
    }
    await engine.close();
    const inputOf = new Map<string, Hash>();
    const posted: bigint[] = [];
    /** Jobs nobody could draw: posted before a release of this (only) provider's collateral (README "The draw"). */
    const undrawable: bigint[] = [];
    let kills = 0;
    const economy = market.genesis.economy;
    const poster = (async () => {
      for (let i = 0; posted.length < JOBS; i++) {
        // A few jobs in flight at a time, so the provider's declared capacity is never what stops a draw.
        for (;;) {
          const open = await Promise.all(
            posted.map((jobId) => readJob(market.requester, { economy, jobId })),
          );
          if (open.filter((j) => j.status !== 'Finalized').length < 3) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        const blob = inputs[i % inputs.length]!;
        const jobId = await market.post({
          economy,
          modelHash: keccak256(model),
          inputHash: blob.hash,
          inputUri: blob.uri,
          deadlineS: 45,
        });
        inputOf.set(String(jobId), blob.hash);
        // The requester draws at once (the node may be down: then the job is assigned while it is away).
        try {
          await market.assign(economy, jobId);
          posted.push(jobId);
        } catch {
          const job = await readJob(market.requester, { economy, jobId });
          if (job.status === 'Posted') undrawable.push(jobId);
          else posted.push(jobId);
        }
        await new Promise((r) => setTimeout(r, 100 + random() * 400));
      }
    })();
    const done = async () => {
      if (posted.length < JOBS) return false;
      const states = await Promise.all(
        posted.map((jobId) => readJob(market.requester, { economy: market.genesis.economy, jobId })),
      );
      return states.every((s) => s.status === 'Finalized');
    };
    // Kill and restart at random moments (during start-up too) until every job is final.
    const t0 = Date.now();
    const report = setInterval(async () => {
      const states = await Promise.all(
        posted.map((jobId) => readJob(market.requester, { economy: market.genesis.economy, jobId })),
      );
      const count: Record<string, number> = {};
      for (const st of states) count[st.status] = (count[st.status] ?? 0) + 1;
      if (process.env.FLYWHEEL_CRASH_LOG)
        appendFileSync(
          process.env.FLYWHEEL_CRASH_LOG,
          `### ${Math.round((Date.now() - t0) / 1000)}s kills=${kills} ${JSON.stringify(count)}\n`,
        );
    }, 5_000);
    while (!(await done())) {
      // Most kills land at a random moment after the start (during start-up too); every third run gets to work
      // for a while first, so jobs move between kills.
      if (kills % 3 === 2) await run.ready.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500 + random() * 3_500));
      child.kill('SIGKILL');
      await run.exited;
      kills++;
      run = start();
      child = run.child;
      if (kills > 300) throw new Error('the jobs did not finish');
    }
    clearInterval(report);
    await poster;
    await run.ready.catch(() => undefined);

    // The chain's own record: every job finalized by this provider, with the output the engine gives.
    // Jobs nobody could draw go back to their requester after 256 blocks; none was ever this node's.
    await market.cancelUndrawable(economy, undrawable, chain.rpcUrl);
    expect(undrawable.length).toBeLessThan(JOBS / 4);

    const logs = await market.requester.publicClient.getContractEvents({
      address: market.genesis.economy,
      abi: economyAbi,
      fromBlock: market.startBlock,
    });
    const submitted = logs.filter((l) => l.eventName === 'ResultSubmitted');
    for (const jobId of posted) {
      const mine = submitted.filter((l) => (l.args as { jobId: bigint }).jobId === jobId);
      expect(mine, `job ${jobId}`).toHaveLength(1);
      expect((mine[0]!.args as { outputHash: Hash }).outputHash).toBe(
        expected.get(inputOf.get(String(jobId))!),
      );
      expect((mine[0]!.args as { provider: Address }).provider).toBe(provider);
    }
    expect(logs.filter((l) => l.eventName === 'JobTimedOut')).toEqual([]);
    expect(logs.filter((l) => l.eventName === 'ProviderSlashed')).toEqual([]);

    // No double submit even in transactions that reverted: one submitResult transaction per job, ever.
    const head = await market.requester.publicClient.getBlockNumber();
    const submits = new Map<string, number>();
    for (let b = market.startBlock; b <= head; b++) {
      const block = await market.requester.publicClient.getBlock({
        blockNumber: b,
        includeTransactions: true,
      });
      for (const tx of block.transactions) {
        if (
          tx.from.toLowerCase() !== provider.toLowerCase() ||
          tx.to?.toLowerCase() !== market.genesis.economy.toLowerCase()
        )
          continue;
        const call = decodeFunctionData({ abi: economyAbi, data: tx.input });
        if (call.functionName === 'submitResult') {
          const key = String(call.args[0]);
          submits.set(key, (submits.get(key) ?? 0) + 1);
        }
      }
    }
    expect([...submits.values()].every((n) => n === 1)).toBe(true);
    expect([...submits.keys()].sort()).toEqual(posted.map(String).sort());

    // The journal agrees once a last run has caught up: every job submitted or finalized, none left half-done.
    await new Promise((r) => setTimeout(r, 5_000));
    child.kill('SIGKILL');
    await run.exited;
    const journal = Journal.open(Journal.path(dataDir), { log: quiet.logger('journal') });
    const steps = new Map(journal.jobs().map((j) => [j.jobId, j.step]));
    journal.close();
    for (const jobId of posted)
      expect(['submitted', 'finalized'], `job ${jobId}`).toContain(steps.get(String(jobId)));
    expect(kills).toBeGreaterThanOrEqual(10);
    console.log(
      `crash test: ${JOBS} jobs, ${kills} kills, ${undrawable.length} posted jobs nobody could draw`,
    );
  });
});
