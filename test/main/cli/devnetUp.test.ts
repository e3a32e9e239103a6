import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { devnetLayout } from '../../../src/main/devnet/layout';
import { readRunning } from '../../../src/main/devnet/running';
import { tempDir } from '../../helpers/tmp';
import { flywheel } from './helpers';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

interface Up {
  child: ChildProcess;
  /** What it printed to stdout (its --json result) once it said it runs. */
  started: Promise<{ rpcUrl: string; chainId: number; factory: string; economies: string[] }>;
  exited: Promise<number | null>;
}

/** `flywheel devnet up --no-market --json` in the foreground, as a user runs it in a terminal. */
function devnetUp(dataDir: string): Up {
  const child = spawn(
    process.execPath,
    [TSX, join(ROOT, 'src/main/cli/main.ts'), 'devnet', 'up', '--no-market', '--json', '--data-dir', dataDir],
    // Its own process group: tsx runs the CLI in a child, which starts anvil; a failed test kills them all.
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const started = new Promise<Up['started'] extends Promise<infer T> ? T : never>((resolve, reject) => {
    child.stderr!.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (/The devnet is running\./.test(stderr)) resolve(JSON.parse(stdout));
    });
    void exited.then((code) => reject(new Error(`devnet up exited ${code}:\n${stdout}\n${stderr}`)));
  });
  return { child, started, exited };
}

/**
 * `flywheel devnet up | status | reset | down` as their own processes on one data folder: up deploys and serves,
 * status sees it, reset is refused while it runs, down stops it (state saved), and the next up loads the same chain.
 */
describe('flywheel devnet up and down', { timeout: 180_000 }, () => {
  const { dir, cleanup } = tempDir('flywheel-devnet-up-');
  const ups: Up[] = [];
  afterAll(async () => {
    for (const up of ups) {
      try {
        process.kill(-up.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    cleanup();
  });

  it('serves the devnet until down stops it, then starts again from the saved chain', async () => {
    const first = devnetUp(dir);
    ups.push(first);
    const served = await first.started;
    expect(served.economies).toHaveLength(3);

    const status = await flywheel(['devnet', 'status', '--data-dir', dir, '--json']);
    expect(status.json()).toMatchObject({
      running: true,
      rpcUrl: served.rpcUrl,
      factory: served.factory,
    });
    // `flywheel status` finds the running devnet, in human units and, with --json, raw (the test environment turns
    // the node's devnet off; a user's CLI joins by default).
    const joinDevnet = { FLYWHEEL_DEVNET: 'join' };
    const node = await flywheel(['status', '--data-dir', dir], joinDevnet);
    expect(node.code, node.stderr).toBe(0);
    expect(node.stdout).toContain(`Connected    yes, ${served.rpcUrl}, chain ${served.chainId}`);
    expect(node.stdout).toMatch(/^Started +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(up \d+ s, pid \d+\)$/m);
    const raw = await flywheel(['status', '--data-dir', dir, '--json'], joinDevnet);
    expect(raw.json<{ network: { connected: boolean }; startedAt: number }>()).toMatchObject({
      network: { connected: true },
      startedAt: expect.any(Number),
    });
    const servedBy = status.json<{ pid: number }>().pid; // the `up` process (tsx runs it in a child of its own)
    expect(servedBy).toBeGreaterThan(0);
    const reset = await flywheel(['devnet', 'reset', '--data-dir', dir]);
    expect(reset.code).toBe(1);
    expect(reset.stderr).toMatch(/running/i);

    const down = await flywheel(['devnet', 'down', '--data-dir', dir, '--json']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.json()).toMatchObject({ stopped: true, pid: servedBy });
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dir, 'devnet', 'anvil-state.json'))).toBe(true);
    const after = await flywheel(['devnet', 'status', '--data-dir', dir, '--json']);
    expect(after.json()).toMatchObject({ running: false, factory: served.factory });
    const again = await flywheel(['devnet', 'down', '--data-dir', dir, '--json']);
    expect(again.json()).toEqual({ stopped: false });

    // The saved chain comes back: same chain id, same factory and economies, nothing deployed again.
    const second = devnetUp(dir);
    ups.push(second);
    const restarted = await second.started;
    expect(restarted).toMatchObject({
      chainId: served.chainId,
      factory: served.factory,
      economies: served.economies,
    });
    await flywheel(['devnet', 'down', '--data-dir', dir]);
    expect(await second.exited).toBe(0);
  });

  it('after a kill -9 of the process and its anvil, the next up has what was written before the last interval', async () => {
    const up = devnetUp(dir);
    ups.push(up);
    const served = await up.started;
    // A state change, then more than the 3 s --state-interval: it is on disk when the kill comes.
    const address = `0x${'5a'.repeat(20)}`;
    await rpc(served.rpcUrl, 'anvil_setBalance', [address, '0x3039']);
    await rpc(served.rpcUrl, 'evm_mine', []);
    const block = BigInt((await rpc(served.rpcUrl, 'eth_blockNumber', [])) as string);
    await new Promise((r) => setTimeout(r, 4_000));
    const running = readRunning(devnetLayout(dir).runningFile)!;
    process.kill(running.anvilPid, 'SIGKILL');
    process.kill(running.pid, 'SIGKILL');
    await up.exited;

    const again = devnetUp(dir);
    ups.push(again);
    const restarted = await again.started;
    expect(restarted.factory).toBe(served.factory);
    expect(await rpc(restarted.rpcUrl, 'eth_getBalance', [address, 'latest'])).toBe('0x3039');
    expect(BigInt((await rpc(restarted.rpcUrl, 'eth_blockNumber', [])) as string)).toBeGreaterThanOrEqual(
      block,
    );
    await flywheel(['devnet', 'down', '--data-dir', dir]);
    expect(await again.exited).toBe(0);
  });
});

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}
