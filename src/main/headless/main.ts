/**
 * The headless shell: the provider node plus the UI and API on 127.0.0.1, for GPU rigs without a desktop, for
 * machines without the Electron binary, and for browser tests.
 *
 *   node out/main/headless.js [--port 7420] [--data-dir DIR] [--quiet]
 */
import { parseArgs } from 'node:util';
import type { NodePhase } from '../../shared/api';
import { FlywheelError } from '../../shared/errors';
import { createNode } from '../node';
import { defaultDataDir, rendererDir } from '../paths';
import { startHeadlessServer } from './server';

export const DEFAULT_PORT = 7420;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      headless: { type: 'boolean', default: true },
    },
    strict: true,
  });
  const port =
    values.port !== undefined ? Number(values.port) : Number(process.env.FLYWHEEL_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new FlywheelError(`--port must be a number from 0 to 65535, not ${values.port}.`, {
      code: 'BAD_INPUT',
    });
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const heartbeatMs = process.env.FLYWHEEL_HEARTBEAT_MS
    ? Number(process.env.FLYWHEEL_HEARTBEAT_MS)
    : undefined;
  const node = await createNode({
    dataDir,
    shell: 'headless',
    consoleLogLevel: values.quiet ? 'warn' : 'info',
    heartbeatMs,
  });
  const server = await startHeadlessServer({ node, port, rendererDir: rendererDir() });
  printPhases(node);

  // One line a script can read (tests, bench) and a person can click.
  process.stdout.write(`Flywheel is running headless. Open ${server.url}\n`);
  process.stdout.write(`FLYWHEEL_URL=${server.url}\n`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    node.log.info('shutting down', { signal });
    await server.close();
    await node.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // The terminal closed (or the session ended): an orderly stop too, so the economies are paused first.
  process.on('SIGHUP', () => void shutdown('SIGHUP'));
}

/** One line per start-up step (starting the devnet's chain, deploying, funding, …) and how it ended. */
function printPhases(node: Awaited<ReturnType<typeof createNode>>): void {
  let last = '';
  const print = (phase: NodePhase) => {
    const line =
      phase.state === 'failed'
        ? `Failed: ${phase.label}. ${phase.error ?? ''}`.trim()
        : phase.state === 'done'
          ? `${phase.label}.`
          : `${phase.label}…`;
    if (line === last) return;
    last = line;
    process.stdout.write(`${line}\n`);
  };
  if (node.devnet.phase()) print(node.status().phase);
  node.events.subscribe((m) => {
    if (m.name === 'node.status' && node.devnet.phase()) print(m.payload.phase);
  });
}

main().catch((err: unknown) => {
  if (err instanceof FlywheelError) {
    process.stderr.write(`Flywheel could not start: ${err.shortMessage}\n`);
    if (err.action) process.stderr.write(`${err.action}\n`);
  } else {
    process.stderr.write(`Flywheel could not start: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exit(1);
});
