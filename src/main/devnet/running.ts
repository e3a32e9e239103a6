/**
 * `devnet/running.json`: which process serves the devnet now, so a second process (the CLI, or a node started
 * while `flywheel devnet up` runs) connects to it instead of starting another anvil on the same state file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomicWrite';

const runningSchema = z
  .object({
    /** The process that started anvil and runs the demo market (the node, or `flywheel devnet up`). */
    pid: z.number().int().positive(),
    anvilPid: z.number().int().positive(),
    rpcUrl: z.string().url(),
    chainId: z.number().int().positive(),
    startedAt: z.number().int(),
    owner: z.enum(['node', 'cli']),
  })
  .strict();

export type RunningDevnet = z.infer<typeof runningSchema>;

export function writeRunning(file: string, running: RunningDevnet): void {
  writeFileAtomic(file, JSON.stringify(running, null, 2) + '\n');
}

/** The record, or null when there is none or it cannot be read (a leftover is treated as no record). */
export function readRunning(file: string): RunningDevnet | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = runningSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Removes the record if it still names this process (another may have taken over meanwhile). */
export function clearRunning(file: string, pid = process.pid): void {
  const running = readRunning(file);
  if (running && running.pid !== pid) return;
  rmSync(file, { force: true });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is an anvil serving `stateFile` (so a leftover anvil may be stopped, never someone else's process). */
export function isOurAnvil(pid: number, stateFile: string): boolean {
  if (!processAlive(pid)) return false;
  try {
    const command =
      process.platform === 'linux'
        ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
        : execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return /anvil/.test(command) && command.includes(stateFile);
  } catch {
    return false;
  }
}

/** The chain id the RPC answers with, or null when nothing answers there. */
export async function rpcChainId(rpcUrl: string, timeoutMs = 1500): Promise<number | null> {
  try {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json()) as { result?: string };
    return body.result ? Number(BigInt(body.result)) : null;
  } catch {
    return null;
  }
}

/** A devnet some live process serves, answering with `chainId`; null when there is none. */
export async function liveDevnet(file: string, chainId: number): Promise<RunningDevnet | null> {
  const running = readRunning(file);
  if (!running || running.chainId !== chainId) return null;
  if (!processAlive(running.pid)) return null;
  return (await rpcChainId(running.rpcUrl)) === chainId ? running : null;
}
