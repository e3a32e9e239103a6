import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Address } from 'viem';
import { startAnvil } from '../src/main/chain/anvil';
import { readJob } from '../src/main/chain/actions/readJob';
import { economyAbi } from '../src/main/chain/artifacts';
import { quickDevnetParams } from '../src/main/chain/presets';
import { DEV_PRIVATE_KEYS } from '../test/helpers/anvil';
import { devAccount } from '../test/helpers/chain';
import { deployMarket, TOKEN, type Market } from '../test/helpers/market';
import { bundleNode } from '../test/helpers/nodeBundle';
import { tinyInput, tinyModel } from '../test/helpers/provider';
import { tempDir } from '../test/helpers/tmp';
import { LocalBlobStore } from '../src/main/blobs/local';
import { LogSink } from '../src/main/log';
import { median, type Benchmark, type Figure } from './lib';

const STARTS = 5;
const MEASURE_S = 60;
const SLOTS = 4;
const quiet = new LogSink({ consoleLevel: 'silent' });

interface Child {
  child: ChildProcess;
  ready: Promise<number>;
  providing: Promise<void>;
}

/** Every node the bench spawned, stopped at the end whatever happened. */
const spawned = new Set<ChildProcess>();

function spawnNode(file: string, dataDir: string, market: Market, join?: Address): Child {
  const endpoint = JSON.stringify(market.endpoint(), (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  );
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [file, dataDir, endpoint], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      FLYWHEEL_BENCH_KEY: DEV_PRIVATE_KEYS[2],
      FLYWHEEL_BENCH_SLOTS: String(SLOTS),
      ...(join ? { FLYWHEEL_BENCH_JOIN: join, FLYWHEEL_BENCH_BOND: (1_000n * TOKEN).toString() } : {}),
    },
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  spawned.add(child);
  let onReady: (ms: number) => void = () => undefined;
  let onProviding: () => void = () => undefined;
  let onExit: (err: Error) => void = () => undefined;
  const exited = new Promise<never>((_, reject) => (onExit = reject));
  // A node that exits before it is ready (or providing) fails the bench instead of leaving it waiting.
  const ready = Promise.race([new Promise<number>((resolve) => (onReady = resolve)), exited]);
  const providing = Promise.race([new Promise<void>((resolve) => (onProviding = resolve)), exited]);
  // Awaited only where needed (a start is never awaited "providing"): an exit afterwards is nobody's error.
  ready.catch(() => undefined);
  providing.catch(() => undefined);
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    if (/^ready /m.test(out)) onReady(performance.now() - spawnedAt);
    if (/^providing$/m.test(out)) onProviding();
  });
  child.once('exit', (code, signal) => {
    spawned.delete(child);
    if (code) process.stderr.write(`bench node exited ${code}: ${err}\n`);
    onExit(new Error(`the bench node exited (${signal ?? code}) before it was ready: ${err}`));
  });
  return { child, ready, providing };
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const stop = (c: ChildProcess) =>
  new Promise<void>((r) => {
    if (c.exitCode !== null) return r();
    c.once('exit', () => r());
    c.kill('SIGTERM');
    setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
  });

const node: Benchmark = {
  name: 'node',
  summary:
    'provider node: jobs finalized per minute by one provider on a devnet-like anvil, start → API ready, idle RSS and CPU',
  async run(log) {
    const anvil = await startAnvil({ chainId: 31337 });
    const dirs: (() => void)[] = [];
    const figures: Figure[] = [];
    let bundleDir: string | undefined;
    let deployed: Market | undefined;
    try {
      const bundle = await bundleNode(join(import.meta.dirname, 'nodeChild.ts'), 'bench-node');
      bundleDir = bundle.dir;
      const market = await deployMarket(anvil.rpcUrl, { params: quickDevnetParams });
      deployed = market;
      const economy = market.genesis.economy;
      await market.fund(market.genesis, devAccount(2).address, 10_000n * TOKEN);

      // 1. Start → API ready (connected to the chain), fresh data folder each time.
      const starts: number[] = [];
      for (let i = 0; i < STARTS; i++) {
        const { dir, cleanup } = tempDir('flywheel-bench-node-');
        dirs.push(cleanup);
        const c = spawnNode(bundle.file, dir, market);
        starts.push(await c.ready);
        await stop(c.child);
        log(`start ${i + 1}: ${starts.at(-1)!.toFixed(0)} ms to an answered node.status, connected`);
      }
      figures.push({
        id: 'node-start-to-api-ready-connected-median',
        value: median(starts),
        unit: 'ms',
        better: 'lower',
        target: 3000,
        note: `spawn of the bundled node → node.status answered with the chain connected; median of ${STARTS}`,
      });

      // 2. Throughput: one provider, the devnet's parameters, a small model, the requester posting as fast as the
      // provider's declared capacity takes jobs (each post drawn at once, as the devnet's market does).
      const { dir, cleanup } = tempDir('flywheel-bench-node-');
      dirs.push(cleanup);
      const store = new LocalBlobStore(join(dir, 'blobs'), quiet.logger('blobs'));
      const model = tinyModel();
      const modelBlob = await store.put(model);
      const inputs = await Promise.all(Array.from({ length: 32 }, (_, i) => store.put(tinyInput(i))));
      await market.registerModel(economy, model, modelBlob.uri);
      const c = spawnNode(bundle.file, dir, market, economy);
      await c.providing;
      const posted: bigint[] = [];
      let undrawable = 0;
      let posting = true;
      const started = performance.now();
      const poster = (async () => {
        for (let i = 0; posting; i++) {
          const open = (
            await Promise.all(posted.slice(-40).map((jobId) => readJob(market.requester, { economy, jobId })))
          ).filter((j) => j.status !== 'Finalized' && j.status !== 'Refunded').length;
          if (open >= 24) {
            await new Promise((r) => setTimeout(r, 100));
            continue;
          }
          const blob = inputs[i % inputs.length]!;
          const { jobId, drawn } = await market.postDrawn({
            economy,
            modelHash: modelBlob.hash,
            inputHash: blob.hash,
            inputUri: blob.uri,
            deadlineS: 30,
          });
          if (drawn) posted.push(jobId);
          else undrawable++;
        }
      })();
      // Warm-up: the first results finalize one challenge window (15 s) after they are submitted.
      const warmupS = quickDevnetParams.challengeWindowS + 10;
      await new Promise((r) => setTimeout(r, warmupS * 1000));
      const finalizedAt = async () => {
        const logs = await market.requester.publicClient.getContractEvents({
          address: economy,
          abi: economyAbi,
          eventName: 'JobFinalized',
          fromBlock: market.startBlock,
        });
        return logs.length;
      };
      const before = await finalizedAt();
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, MEASURE_S * 1000));
      const after = await finalizedAt();
      const perMinute = ((after - before) / ((performance.now() - t0) / 1000)) * 60;
      posting = false;
      await poster;
      log(
        `${after - before} jobs finalized in ${MEASURE_S} s (${perMinute.toFixed(1)}/min); ${posted.length} drawn, ` +
          `${undrawable} nobody could draw, ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
      );
      figures.push({
        id: 'jobs-finalized-per-minute',
        value: perMinute,
        unit: 'jobs/min',
        better: 'higher',
        target: 60,
        note:
          `one provider (${SLOTS} slots), quickDevnetParams (15 s challenge window), tiny ONNX model, ` +
          `automining anvil; the node draws, runs, submits and finalizes; measured over ${MEASURE_S} s after warm-up`,
      });

      // 3. Idle: the same node, providing, once its work is done and nothing arrives.
      const pid = c.child.pid!;
      const waitEnd = Date.now() + 60_000;
      while (Date.now() < waitEnd) {
        const open = (
          await Promise.all(posted.slice(-40).map((jobId) => readJob(market.requester, { economy, jobId })))
        ).filter((j) => j.status !== 'Finalized').length;
        if (open === 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await new Promise((r) => setTimeout(r, 10_000));
      const cpu0 = cpuSeconds(pid);
      const w0 = performance.now();
      await new Promise((r) => setTimeout(r, 30_000));
      const idleCpuPct = ((cpuSeconds(pid) - cpu0) / ((performance.now() - w0) / 1000)) * 100;
      const rss = rssMiB(pid);
      log(`idle: ${idleCpuPct.toFixed(2)} % CPU over 30 s, ${rss.toFixed(0)} MiB RSS`);
      figures.push(
        {
          id: 'idle-cpu',
          value: idleCpuPct,
          unit: '% of a core',
          better: 'lower',
          target: 1,
          note: 'the providing node after its jobs, no new ones: 30 s of /proc utime+stime',
        },
        {
          id: 'idle-rss',
          value: rss,
          unit: 'MiB',
          better: 'lower',
          target: 250,
          note: 'VmRSS of the providing node (engine worker thread with a session loaded) after its jobs',
        },
      );
    } finally {
      await Promise.all([...spawned].map(stop));
      await deployed?.close();
      await anvil.stop();
      for (const d of dirs) d();
      if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
    }
    return figures;
  },
};

export default node;
