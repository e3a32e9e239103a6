/**
 * Where the devnet keeps its files, all under `<dataDir>/devnet/`:
 *
 * | file | what |
 * | --- | --- |
 * | `anvil-state.json` | anvil's `--state` file: blocks, logs, balances (dumped every few seconds) |
 * | `devnet.json` | the bookkeeping: chain id, factory, economies, models, simulated accounts, wallets funded |
 * | `running.json` | the process serving the devnet now (its RPC URL and pids), removed when it stops |
 * | `snapshots/<fork>.json` | stake snapshots of forks that carry an allocation claim |
 * | `market.json` | the demo market's own records (posted jobs, the keeper's place, reference outputs) |
 * | `actors/` | transaction queues of the devnet's accounts (admin, requester, validator, simulated providers) |
 * | `validators/` | the devnet's validators (the node's validator code): their event copy, and each one's journal, switch and budget in `<role>/validator/` |
 *
 * `flywheel devnet reset` moves the whole folder to `devnet.reset-<time>/` beside it; nothing is deleted.
 */
import { join } from 'node:path';

export interface DevnetLayout {
  dir: string;
  stateFile: string;
  bookFile: string;
  runningFile: string;
  snapshotsDir: string;
  marketFile: string;
  /** The demo market's validators: their event copy and journals (market/validator.ts). */
  validatorsDir: string;
  /** Transaction queues of the node's devnet actors. */
  actorsDir: string;
  /** Transaction queues of the CLI's devnet accounts (another process: it must not share the node's files). */
  cliActorsDir: string;
  lockFile: string;
}

export function devnetLayout(dataDir: string): DevnetLayout {
  const dir = join(dataDir, 'devnet');
  return {
    dir,
    stateFile: join(dir, 'anvil-state.json'),
    bookFile: join(dir, 'devnet.json'),
    runningFile: join(dir, 'running.json'),
    snapshotsDir: join(dir, 'snapshots'),
    marketFile: join(dir, 'market.json'),
    validatorsDir: join(dir, 'validators'),
    actorsDir: join(dir, 'actors'),
    cliActorsDir: join(dir, 'cli'),
    lockFile: join(dir, 'devnet.lock'),
  };
}
