/**
 * `flywheel devnet up|down|reset|status`: the embedded devnet without the app — to drive it from a terminal, from
 * scripts and tests, or to start over.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { version } from '../../../package.json';
import { FlywheelError } from '#shared/errors';
import { BlobStore } from '../blobs/store';
import { devnetBlobs } from '../devnet/blobs';
import { readBook } from '../devnet/book';
import { resetDevnet, stopDevnet } from '../devnet/control';
import { Devnet } from '../devnet/devnet';
import { devnetLayout } from '../devnet/layout';
import { demoMarketKnobs } from '../devnet/market/knobs';
import { liveDevnet } from '../devnet/running';
import { cpuDevice, createEngine } from '../engine/engine';
import { withLanguageModels } from '../engine/llama/runtime';
import type { CommandContext } from './jobCommands';
import { readCliSettings } from './network';
import { printResult, progress } from './output';
import { untilInterrupted } from './interrupt';

export const DEVNET_HELP = `Usage:
  flywheel devnet up [--port N] [--no-market] [--json]   start the devnet here and keep it running (Ctrl-C stops it)
  flywheel devnet down [--json]                          stop the process serving the devnet (the app, or "up")
  flywheel devnet reset [--json]                         start over: the old devnet is kept as devnet.reset-<time>/
  flywheel devnet status [--json]                        where it runs, its chain id, factory and economies
`;

export async function devnetCommand(argv: string[], ctx: CommandContext): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'up':
      return devnetUp(rest, ctx);
    case 'down': {
      const json = jsonFlag(rest);
      const { stopped } = await stopDevnet(ctx.dataDir);
      printResult(
        { stopped: stopped !== null, ...(stopped ? { pid: stopped.pid, process: stopped.owner } : {}) },
        json,
      );
      if (!stopped && !json) progress('The devnet was not running.');
      return;
    }
    case 'reset': {
      const json = jsonFlag(rest);
      const { keptAt } = await resetDevnet(ctx.dataDir);
      printResult({ reset: true, keptAt }, json);
      if (!json) progress('The next start deploys a new devnet.');
      return;
    }
    case 'status': {
      const json = jsonFlag(rest);
      const layout = devnetLayout(ctx.dataDir);
      const book = readBook(layout.bookFile);
      const running = book ? await liveDevnet(layout.runningFile, book.chainId) : null;
      printResult(
        {
          running: running !== null,
          rpcUrl: running?.rpcUrl ?? null,
          pid: running?.pid ?? null,
          chainId: book?.chainId ?? null,
          factory: book?.factory ?? null,
          economies: book?.economies.map((e) => `${e.name} (${e.symbol}) ${e.economy}`) ?? [],
          dataDir: ctx.dataDir,
        },
        json,
      );
      return;
    }
    default:
      throw new FlywheelError(`Unknown devnet command "${sub ?? ''}".`, {
        code: 'BAD_INPUT',
        action: DEVNET_HELP,
      });
  }
}

/** The options of devnet down, reset and status: `--json` alone. */
function jsonFlag(args: string[]): boolean {
  return parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true }).values
    .json;
}

async function devnetUp(argv: string[], ctx: CommandContext): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      'no-market': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new FlywheelError(`--port must be a number from 0 to 65535, not ${values.port}.`, {
      code: 'BAD_INPUT',
    });
  }
  const knobs = demoMarketKnobs(process.env);
  const settings = readCliSettings(ctx.dataDir, ctx.log);
  if (settings.network.kind !== 'devnet') {
    progress(
      `Note: this data folder's settings use the custom network "${settings.network.label}"; the app will not use this devnet until Settings → Network says devnet.`,
    );
  }
  const store = new BlobStore({ root: join(ctx.dataDir, 'blobs'), settings: () => settings, log: ctx.log });
  const devnet = new Devnet({
    dataDir: ctx.dataDir,
    log: ctx.log,
    blobs: await devnetBlobs(store),
    owner: 'cli',
    port,
    onProgress: (p) => progress(p.label),
  });
  const endpoint = await devnet.start();
  if (!devnet.owned) {
    printResult(
      {
        running: true,
        alreadyRunning: true,
        rpcUrl: endpoint.rpcUrl,
        chainId: endpoint.chainId,
        factory: endpoint.factory,
      },
      values.json,
    );
    await devnet.stop();
    return;
  }
  const engine = values['no-market']
    ? null
    : withLanguageModels(createEngine({ devices: [cpuDevice()], limits: {}, log: ctx.log }), {
        log: ctx.log,
      });
  if (engine) await devnet.startMarket({ engine, version, ...knobs });
  printResult(
    {
      running: true,
      rpcUrl: endpoint.rpcUrl,
      chainId: endpoint.chainId,
      factory: endpoint.factory,
      market: engine !== null,
      economies: devnet.book.economies.map((e) => `${e.name} (${e.symbol}) ${e.economy}`),
    },
    values.json,
  );
  progress('The devnet is running. Ctrl-C (or `flywheel devnet down`) stops it.');
  await untilInterrupted();
  progress('Stopping the devnet (its state is saved)…');
  await devnet.stop();
  await engine?.close();
}
