/**
 * `flywheel devnet down` and `flywheel devnet reset`: stop the process serving the devnet, and start over with a
 * new devnet while keeping the old one as a copy. Nothing here deletes anything.
 */
import { existsSync, renameSync } from 'node:fs';
import { FlywheelError } from '#shared/errors';
import { devnetLayout } from './layout';
import { clearRunning, isOurAnvil, processAlive, readRunning, rpcChainId } from './running';

export interface StopResult {
  /** What was running: the process asked to stop, or nothing. */
  stopped: { pid: number; owner: 'node' | 'cli' | 'anvil' } | null;
}

/**
 * Asks the process that serves the devnet to stop (SIGTERM: it stops its market and anvil, which writes its state)
 * and waits for it; a leftover anvil whose node is gone is stopped directly (SIGINT: it writes its state too).
 */
export async function stopDevnet(dataDir: string, timeoutMs = 20_000): Promise<StopResult> {
  const layout = devnetLayout(dataDir);
  const running = readRunning(layout.runningFile);
  if (!running) return { stopped: null };
  let target: { pid: number; owner: 'node' | 'cli' | 'anvil'; signal: NodeJS.Signals } | null = null;
  if (processAlive(running.pid) && running.pid !== process.pid) {
    target = { pid: running.pid, owner: running.owner, signal: 'SIGTERM' };
  } else if (isOurAnvil(running.anvilPid, layout.stateFile)) {
    target = { pid: running.anvilPid, owner: 'anvil', signal: 'SIGINT' };
  }
  if (!target) {
    clearRunning(layout.runningFile, running.pid);
    return { stopped: null };
  }
  process.kill(target.pid, target.signal);
  const end = Date.now() + timeoutMs;
  while (processAlive(target.pid) || (await rpcChainId(running.rpcUrl, 300)) === running.chainId) {
    if (Date.now() > end) {
      throw new FlywheelError(`The devnet (process ${target.pid}) did not stop in time.`, {
        code: 'UNAVAILABLE',
        action: 'Stop Flywheel (or `flywheel devnet up`) by hand, then try again.',
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (target.owner === 'anvil') clearRunning(layout.runningFile, running.pid);
  return { stopped: { pid: target.pid, owner: target.owner } };
}

/**
 * Moves the devnet folder aside (`devnet.reset-<time>/`, next to it) so the next start deploys a new devnet with a
 * new chain id. Refused while the devnet is running: stop it first.
 */
export async function resetDevnet(dataDir: string): Promise<{ keptAt: string | null }> {
  const layout = devnetLayout(dataDir);
  const running = readRunning(layout.runningFile);
  if (
    running &&
    ((processAlive(running.pid) && running.pid !== process.pid) ||
      isOurAnvil(running.anvilPid, layout.stateFile))
  ) {
    throw new FlywheelError('The devnet is running; it cannot be reset while in use.', {
      code: 'CONFLICT',
      action: 'Stop it first: quit Flywheel or run `flywheel devnet down`, then `flywheel devnet reset`.',
    });
  }
  if (!existsSync(layout.dir)) return { keptAt: null };
  const keptAt = `${layout.dir}.reset-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(layout.dir, keptAt);
  return { keptAt };
}
