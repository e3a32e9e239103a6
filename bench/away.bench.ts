/**
 * Being away costs nothing, played for real: a devnet served by its own process (`flywheel devnet up`, with its demo
 * market posting, drawing, validating), the user's provider as the built headless shell in the same data folder,
 * and for FLYWHEEL_AWAY_MINUTES (default 30) the shell is stopped FLYWHEEL_AWAY_RESTARTS times (default 20) at
 * random: Ctrl-C (SIGINT), SIGTERM, or kill -9, then started again, its wallet left locked for a random while (up to
 * 60 s) before it is unlocked. Measured from the chain afterwards: the provider's slashes, strikes and jails (target
 * 0), jobs drawn to it while it was away after an orderly stop (target 0), no-shows after kills (allowed: they cost
 * nothing), and requester fees stuck in jobs nobody will run (target 0).
 *
 *   npm run bench -- away
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createPublicClient,
  getAddress,
  http,
  parseAbiItem,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem';
import { economyAbi } from '../src/main/chain/artifacts';
import { readJob } from '../src/main/chain/actions/readJob';
import { readProvider } from '../src/main/chain/actions/readProvider';
import { readBook } from '../src/main/devnet/book';
import { stopDevnet } from '../src/main/devnet/control';
import { devnetLayout } from '../src/main/devnet/layout';
import { startHeadless, type HeadlessProcess } from '../test/helpers/headless';
import { tempDir } from '../test/helpers/tmp';
import { buildApp, type Benchmark, type Figure } from './lib';

const ROOT = join(import.meta.dirname, '..');
const MINUTES = Number(process.env.FLYWHEEL_AWAY_MINUTES ?? 30);
const RESTARTS = Number(process.env.FLYWHEEL_AWAY_RESTARTS ?? 20);
const PASSPHRASE = 'away bench passphrase';
/** A job still Posted this many blocks after it was posted is stuck (the requester may cancel at 256). */
const STUCK_AFTER_BLOCKS = 256n + 64n;

type Stop = 'SIGINT' | 'SIGTERM' | 'SIGKILL';

interface Away {
  stop: Stop;
  fromBlock: bigint;
  toBlock: bigint;
  lockedS: number;
}

async function call<T>(shell: HeadlessProcess, name: string, params: object = {}): Promise<T> {
  const res = await fetch(`${shell.origin}/api/call/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shell.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const envelope = (await res.json()) as { ok: boolean; result?: T; error?: { shortMessage: string } };
  if (!envelope.ok) throw new Error(`${name}: ${envelope.error?.shortMessage}`);
  return envelope.result as T;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

function devnetUp(dataDir: string): Promise<{ child: ChildProcess; rpcUrl: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/main/cli/main.ts'), 'devnet', 'up', '--json', '--data-dir', dataDir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Its anvil, if it got that far, is stopped by stopHost from the devnet's running.json.
      child.kill('SIGTERM');
      reject(new Error(`devnet up did not start:\n${out}`));
    }, 180_000);
    child.stdout!.on('data', () => {
      const m = /"rpcUrl":\s*"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, rpcUrl: m[1]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`devnet up exited ${code}:\n${out}`)));
  });
}

/**
 * Stops `flywheel devnet up` the way `flywheel devnet down` does (SIGTERM, it stops its market and anvil). One that
 * will not stop is killed, and the anvil it leaves behind (in its own process group) stopped the same way.
 */
async function stopHost(child: ChildProcess | undefined, dataDir: string): Promise<void> {
  await stopDevnet(dataDir, 30_000).catch(() => undefined);
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => {
      child.once('exit', r);
      setTimeout(r, 5_000).unref();
    });
    child.kill('SIGKILL');
    await exited;
    await stopDevnet(dataDir, 30_000).catch(() => undefined);
  }
}

async function startShell(dataDir: string): Promise<HeadlessProcess> {
  return startHeadless({ dataDir, waitFor: /Devnet ready\./, timeoutMs: 120_000 });
}

async function stopShell(shell: HeadlessProcess, signal: Stop): Promise<void> {
  const exited = new Promise((r) => shell.child.once('exit', r));
  shell.child.kill(signal);
  const timer = setTimeout(() => shell.child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

const away: Benchmark = {
  name: 'away',
  summary: `${MINUTES} min devnet run, ${RESTARTS} random Ctrl-C / SIGTERM / kill -9 restarts with the wallet locked up to 60 s: the provider is never slashed, no fee stays stuck`,
  async run(log) {
    await buildApp();
    const data = tempDir('flywheel-away-');
    let host: { child: ChildProcess; rpcUrl: string } | undefined;
    const figures: Figure[] = [];
    try {
      host = await devnetUp(data.dir);
      const client = createPublicClient({ transport: http(host.rpcUrl) }) as PublicClient;
      const rd = { publicClient: client };
      log(`devnet served by process ${host.child.pid} at ${host.rpcUrl}`);
      // The book says ready once anvil has saved a state holding the deployment: only then may another process join.
      const bookFile = devnetLayout(data.dir).bookFile;
      await until('the devnet book says ready', async () => readBook(bookFile)?.status === 'ready', 60_000);
      let shell = await startShell(data.dir);
      try {
        await call(shell, 'wallet.create', { passphrase: PASSPHRASE });
        const wallet = await call<{ address: Address }>(shell, 'wallet.get');
        const me = getAddress(wallet.address);
        log(`provider wallet ${me}`);
        type Econ = {
          economy: Address;
          name: string;
          params: { minBond: string };
          membership: { walletBalance?: string };
        };
        await until(
          'welcome tokens',
          async () =>
            (await call<Econ[]>(shell, 'economies.list')).every(
              (e) => BigInt(e.membership.walletBalance ?? '0') > 0n,
            ),
          60_000,
        );
        const economies = await call<Econ[]>(shell, 'economies.list');
        for (const e of economies) {
          await call(shell, 'provider.join', {
            economy: e.economy,
            bond: (2n * BigInt(e.params.minBond)).toString(),
          });
        }
        await call(shell, 'provider.start');
        for (const e of economies) {
          await until(
            `active in ${e.name}`,
            async () => (await readProvider(rd, { economy: e.economy, account: me })).status === 'Active',
            60_000,
          );
        }
        const bonds = new Map<Address, bigint>();
        for (const e of economies)
          bonds.set(e.economy, (await readProvider(rd, { economy: e.economy, account: me })).bond);
        const startBlock = await client.getBlockNumber();
        log(`providing in ${economies.map((e) => e.name).join(', ')} from block ${startBlock}`);

        const started = Date.now();
        const endAt = started + MINUTES * 60_000;
        const aways: Away[] = [];
        for (let i = 0; i < RESTARTS; i++) {
          // Spread the restarts over the run, each at a random point of its share.
          const share = (endAt - Date.now() - 60_000) / (RESTARTS - i);
          await sleep(Math.max(5_000, Math.random() * share));
          const stop = pick<Stop>(['SIGINT', 'SIGINT', 'SIGTERM', 'SIGKILL', 'SIGKILL']);
          const fromBlock = await client.getBlockNumber();
          await stopShell(shell, stop);
          await sleep(1_000 + Math.random() * 9_000);
          shell = await startShell(data.dir);
          // After a kill -9 the provider is still active on-chain: keep the wallet locked a realistic while.
          const lockedS = Math.round(Math.random() * 60);
          await sleep(lockedS * 1000);
          await call(shell, 'wallet.unlock', { passphrase: PASSPHRASE });
          for (const e of economies) {
            await until(
              `resumed in ${e.name}`,
              async () => {
                const p = await readProvider(rd, { economy: e.economy, account: me });
                return p.status === 'Active';
              },
              90_000,
            );
          }
          const toBlock = await client.getBlockNumber();
          aways.push({ stop, fromBlock, toBlock, lockedS });
          log(
            `restart ${i + 1}/${RESTARTS}: ${stop}, locked ${lockedS} s, away blocks ${fromBlock}–${toBlock}, ${Math.round((Date.now() - started) / 1000)} s in`,
          );
        }
        await sleep(Math.max(0, endAt - Date.now()));
        const endBlock = await client.getBlockNumber();

        // Read what happened to the provider and to every requester's fee, from the chain.
        const events = async (item: string, economy: Address) =>
          client.getLogs({
            address: economy,
            event: parseAbiItem(item) as never,
            fromBlock: startBlock,
            toBlock: endBlock,
          });
        let slashes = 0;
        let strikes = 0;
        let jails = 0;
        let noShows = 0;
        let assignedAwayOrderly = 0;
        let assigned = 0;
        let finalized = 0;
        let stuckFees = 0;
        let stuckJobs = 0;
        let refunded = 0;
        let posted = 0;
        for (const e of economies) {
          const mine = (logs: { args: unknown }[]) =>
            logs.filter((l) => getAddress((l.args as { provider: Hex }).provider) === me);
          slashes += mine(
            await client.getContractEvents({
              address: e.economy,
              abi: economyAbi,
              eventName: 'ProviderSlashed',
              fromBlock: startBlock,
              toBlock: endBlock,
            }),
          ).length;
          strikes += mine(
            await events(
              'event Strike(address indexed provider, uint256 indexed jobId, uint8 strikes)',
              e.economy,
            ),
          ).length;
          jails += mine(
            await events('event ProviderJailed(address indexed provider, uint256 jailedUntil)', e.economy),
          ).length;
          noShows += mine(
            await events(
              'event JobNoShow(uint256 indexed jobId, address indexed provider, uint8 noShows)',
              e.economy,
            ),
          ).length;
          const drawn = mine(
            await events(
              'event JobAssigned(uint256 indexed jobId, address indexed provider, uint256 collateral, uint256 deadline)',
              e.economy,
            ),
          ) as unknown as { blockNumber: bigint }[];
          assigned += drawn.length;
          assignedAwayOrderly += drawn.filter((d) =>
            aways.some(
              (a) =>
                a.stop !== 'SIGKILL' && d.blockNumber > a.fromBlock + 2n && d.blockNumber < a.toBlock - 2n,
            ),
          ).length;
          finalized += mine(
            await events(
              'event JobFinalized(uint256 indexed jobId, address indexed provider, uint256 payout, uint256 protocolFee)',
              e.economy,
            ),
          ).length;
          const posts = (await client.getContractEvents({
            address: e.economy,
            abi: economyAbi,
            eventName: 'JobPosted',
            fromBlock: 0n,
            toBlock: endBlock,
          })) as unknown as { blockNumber: bigint; args: { jobId: bigint } }[];
          posted += posts.length;
          for (const p of posts) {
            const job = await readJob(rd, { economy: e.economy, jobId: p.args.jobId });
            if (job.status === 'Refunded') refunded++;
            if (job.status === 'Posted' && endBlock - p.blockNumber > STUCK_AFTER_BLOCKS) {
              stuckJobs++;
              stuckFees++;
            }
          }
          const now = await readProvider(rd, { economy: e.economy, account: me });
          log(
            `${e.name}: status ${now.status}, bond ${now.bond} (was ${bonds.get(e.economy)}), strikes ${now.strikes}`,
          );
        }
        const bondLoss = (
          await Promise.all(
            economies.map(
              async (e) =>
                bonds.get(e.economy)! - (await readProvider(rd, { economy: e.economy, account: me })).bond,
            ),
          )
        ).reduce((a, b) => a + (b > 0n ? b : 0n), 0n);
        const kills = aways.filter((a) => a.stop === 'SIGKILL').length;
        const note = `${aways.length} restarts (${aways.length - kills} orderly, ${kills} kill -9) over ${MINUTES} min; ${assigned} jobs drawn to the provider, ${finalized} finalized; ${posted} jobs posted in all, ${refunded} refunded`;
        log(note);
        figures.push(
          { id: 'restarts', value: aways.length, unit: 'restarts', better: 'higher', target: RESTARTS, note },
          { id: 'provider-slashes', value: slashes, unit: 'slashes', better: 'lower', target: 0 },
          { id: 'provider-strikes', value: strikes, unit: 'strikes', better: 'lower', target: 0 },
          { id: 'provider-jails', value: jails, unit: 'jails', better: 'lower', target: 0 },
          { id: 'provider-bond-lost', value: Number(bondLoss), unit: 'wei', better: 'lower', target: 0 },
          {
            id: 'jobs-drawn-while-away-after-orderly-stop',
            value: assignedAwayOrderly,
            unit: 'jobs',
            better: 'lower',
            target: 0,
            note: 'JobAssigned to the provider strictly inside a Ctrl-C/SIGTERM absence (2 blocks margin each side)',
          },
          {
            id: 'no-shows-after-kills',
            value: noShows,
            unit: 'no-shows',
            better: 'lower',
            note: 'jobs drawn while a killed node was down or locked: re-drawn, no slash (no target: they cost nothing)',
          },
          { id: 'jobs-finalized-for-provider', value: finalized, unit: 'jobs', better: 'higher' },
          {
            id: 'requester-fees-stuck',
            value: stuckFees,
            unit: 'jobs',
            better: 'lower',
            target: 0,
            note: `jobs still Posted more than ${STUCK_AFTER_BLOCKS} blocks after posting (${stuckJobs})`,
          },
        );
        writeFileSync(
          join(data.dir, 'aways.json'),
          JSON.stringify(aways, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2),
        );
      } finally {
        await shell.stop().catch(() => undefined);
      }
    } finally {
      await stopHost(host?.child, data.dir);
      data.cleanup();
    }
    return figures;
  },
};

export default away;
