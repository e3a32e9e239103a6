/**
 * Starts the devnet's anvil on loopback with its state file, so blocks, logs and balances survive a restart and a
 * kill loses at most the last `stateIntervalS`. A leftover anvil of an earlier run (its node was killed) is stopped
 * first, so two never write the same state file; a state file anvil cannot load is reported with the way out.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { FlywheelError } from '#shared/errors';
import { startAnvil, type AnvilProcess } from '../chain/anvil';
import type { Logger } from '../log';
import type { DevnetLayout } from './layout';
import { isOurAnvil, processAlive, readRunning } from './running';

export interface DevnetChainOptions {
  chainId: number;
  /** 0 = any free port (the default); a fixed port that is taken fails with CONFLICT. */
  port?: number;
  /** Seconds between state dumps (default 3). */
  stateIntervalS?: number;
  log: Logger;
}

export const DEFAULT_STATE_INTERVAL_S = 3;

export async function startDevnetChain(
  layout: DevnetLayout,
  options: DevnetChainOptions,
): Promise<AnvilProcess> {
  mkdirSync(layout.dir, { recursive: true, mode: 0o700 });
  await stopLeftoverAnvil(layout, options.log);
  const hadState = existsSync(layout.stateFile);
  try {
    return await startAnvil({
      port: options.port ?? 0,
      chainId: options.chainId,
      // One more than anvil's ten: the devnet's roles (accounts.ts) use indices 0 to 10.
      accounts: 11,
      stateFile: layout.stateFile,
      stateIntervalS: options.stateIntervalS ?? DEFAULT_STATE_INTERVAL_S,
    });
  } catch (err) {
    if (
      err instanceof FlywheelError &&
      err.code !== 'CONFLICT' &&
      hadState &&
      /state|json/i.test(err.details ?? '')
    ) {
      throw new FlywheelError('The devnet’s saved chain state cannot be loaded: the file is damaged.', {
        code: 'IO_FAILED',
        details: `${layout.stateFile}\n${err.details ?? ''}`.trim(),
        action:
          'Run `flywheel devnet reset` (or `npm run flywheel -- devnet reset`) to start a new devnet; the old one is kept as a copy.',
        cause: err,
      });
    }
    throw err;
  }
}

/**
 * A node killed with `kill -9` leaves its anvil running (it holds the state file and keeps dumping to it). It is
 * stopped with SIGINT — anvil then writes its state one last time — but only when it is provably ours: an anvil
 * process whose command line names this state file.
 */
async function stopLeftoverAnvil(layout: DevnetLayout, log: Logger): Promise<void> {
  const running = readRunning(layout.runningFile);
  if (!running || processAlive(running.pid)) return;
  if (!isOurAnvil(running.anvilPid, layout.stateFile)) return;
  log.warn('stopping the devnet chain a previous run left behind', { pid: running.anvilPid });
  process.kill(running.anvilPid, 'SIGINT');
  const end = Date.now() + 10_000;
  while (processAlive(running.anvilPid)) {
    if (Date.now() > end) {
      process.kill(running.anvilPid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
