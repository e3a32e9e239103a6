/**
 * The headless shell: the provider node plus the UI and API on 127.0.0.1, for GPU rigs without a desktop, for
 * machines without the Electron binary, and for browser tests.
 *
 *   node out/main/headless.js [--port 7420] [--data-dir DIR] [--quiet] [--passphrase-file PATH] [--new-token]
 *                             [--metrics-port 9464] [--metrics-host 127.0.0.1] [--metrics-token-file PATH]
 *
 * The wallet unlocks at start without a person from `--passphrase-file` (or FLYWHEEL_PASSPHRASE_FILE),
 * FLYWHEEL_PASSPHRASE or the OS keychain (see unlock.ts). The API token is kept in the data folder across restarts
 * (token.ts); `--new-token` rotates it at start. `--metrics-port` serves Prometheus metrics on their own port
 * (metrics/), on 127.0.0.1 unless `--metrics-host` says otherwise — which needs a token file.
 */
import { unwatchFile, watchFile } from 'node:fs';
import { parseArgs } from 'node:util';
import type { NodePhase, RotatedToken } from '#shared/api';
import { FlywheelError } from '#shared/errors';
import { metricsFlags } from '../metrics/flags';
import { createNode } from '../node';
import { defaultDataDir, rendererDir } from '../paths';
import { PASSPHRASE_ENV, takePassphraseFromEnvironment } from '../wallet/unlockSources';
import { DEFAULT_PORT } from './port';
import { startHeadlessServer, type HeadlessServer } from './server';
import { loadOrCreateToken, readTokenFile, rotateToken, tokenPath } from './token';
import { unlockAtStart } from './unlock';

async function main(): Promise<void> {
  // Out of the environment before anything starts a child process (the devnet's anvil, engine workers).
  const envPassphrase = takePassphraseFromEnvironment();
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      headless: { type: 'boolean', default: true },
      'passphrase-file': { type: 'string' },
      'new-token': { type: 'boolean', default: false },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
      'metrics-token-file': { type: 'string' },
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
  // Checked before anything starts: a bad port or a missing token is said at once.
  const metrics = metricsFlags(values, dataDir);
  const heartbeatMs = process.env.FLYWHEEL_HEARTBEAT_MS
    ? Number(process.env.FLYWHEEL_HEARTBEAT_MS)
    : undefined;
  const tokenFile = tokenPath(dataDir);
  // The server starts after the node (which answers `node.rotateToken` through `adopt`).
  const api: { server?: HeadlessServer } = {};
  /** The token changed (here, or in the file by `flywheel token rotate`): cut the old one off, print the URL. */
  const adopt = (token: string): RotatedToken => {
    const server = api.server;
    if (!server) throw new FlywheelError('The API is not up yet.', { code: 'UNAVAILABLE' });
    server.setToken(token);
    process.stdout.write(
      `The API token was rotated: tabs with the old one are cut off. Open ${server.url}\n`,
    );
    process.stdout.write(`FLYWHEEL_URL=${server.url}\n`);
    return { url: server.url, token: server.token };
  };
  const node = await createNode({
    dataDir,
    shell: 'headless',
    consoleLogLevel: values.quiet ? 'warn' : 'info',
    heartbeatMs,
    apiToken: { file: tokenFile, rotate: async () => adopt(rotateToken(dataDir)) },
  });

  const unlock = await unlockAtStart(node.wallet, {
    passphraseFile: values['passphrase-file'],
    env: { ...process.env, ...(envPassphrase !== undefined ? { [PASSPHRASE_ENV]: envPassphrase } : {}) },
    log: node.log.child('wallet'),
  });
  (unlock.unlocked ? process.stdout : process.stderr).write(`${unlock.line}\n`);

  const kept = values['new-token']
    ? { token: rotateToken(dataDir), made: 'rotated' as const }
    : loadOrCreateToken(dataDir);
  if (kept.made === 'replaced') {
    node.log.warn('the API token file was not safe to use (readable by others, or damaged): a new token', {
      file: tokenFile,
    });
  }
  const server = await startHeadlessServer({ node, port, rendererDir: rendererDir(), token: kept.token });
  api.server = server;
  printPhases(node);
  if (metrics) {
    const served = await node.metrics.endpoint.serve(metrics).catch(async (err: unknown) => {
      // The port was taken: stop in order (the economies paused first), then say why.
      await server.close();
      await node.close();
      throw err;
    });
    process.stdout.write(
      `Metrics for Prometheus at ${served.url}${served.authenticated ? ' (bearer token)' : ''}\n`,
    );
  }

  // One line a script can read (tests, bench) and a person can click.
  process.stdout.write(`Flywheel is running headless. Open ${server.url}\n`);
  process.stdout.write(`FLYWHEEL_URL=${server.url}\n`);

  // A rotation by another process (`flywheel token rotate`) lands in the file: take it within a second.
  watchFile(tokenFile, { interval: 1000, persistent: false }, () => {
    const token = readTokenFile(tokenFile);
    if (token !== null && token !== server.token) adopt(token);
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    node.log.info('shutting down', { signal });
    unwatchFile(tokenFile);
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
