/**
 * The CLI commands for a rig that runs without a person: `token rotate` (a new API token for the headless shell)
 * and `keychain save` / `keychain forget` (the wallet passphrase in the OS keychain, for the unlock at start).
 * They work on the data folder's files, so they need no running node.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FlywheelError } from '#shared/errors';
import { DEFAULT_PORT } from '../headless/port';
import { rotateToken, tokenPath } from '../headless/token';
import { LogSink } from '../log';
import { KeystoreError } from '../wallet/keystore';
import {
  findSecretTool,
  keychainClear,
  keychainStore,
  PASSPHRASE_ENV,
  readPassphraseFile,
  takePassphraseFromEnvironment,
} from '../wallet/unlockSources';
import { Wallet } from '../wallet/wallet';
import { nodeOptions } from './nodeCommand';

export const UNATTENDED_HELP = `  token      rotate the headless shell's API token (token rotate): open tabs must take the new URL
  keychain   keep the wallet passphrase in the OS keychain for the unlock at start (keychain save, keychain forget)
`;

const TOKEN_HELP = `Usage: flywheel token rotate [--data-dir DIR] [--port N] [--json]

Writes a new API token to the data folder (api-token, mode 0600). A running headless shell takes it within a
second and cuts off every tab and event socket that has the old one; it prints the new URL. --port only shapes the
URL printed here (default: FLYWHEEL_PORT or ${DEFAULT_PORT}).
`;

const KEYCHAIN_HELP = `Usage: flywheel keychain save [--passphrase-file PATH] [--data-dir DIR]
       flywheel keychain forget [--data-dir DIR]

save: checks the passphrase against the wallet's keystore, then keeps it in the OS keychain (the Secret Service,
through secret-tool from libsecret-tools) under "service flywheel account <address>". The headless shell then
unlocks the wallet at start without a person. The passphrase is read from --passphrase-file, from
${PASSPHRASE_ENV}, from standard input when it is piped, or asked for (not echoed).
forget: removes it from the keychain.
`;

export function isUnattendedCommand(name: string | undefined): boolean {
  return name === 'token' || name === 'keychain';
}

export async function runUnattendedCommand(
  name: string,
  argv: string[],
  defaultDataDir: string,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...nodeOptions,
      port: { type: 'string' },
      'passphrase-file': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const help = name === 'token' ? TOKEN_HELP : KEYCHAIN_HELP;
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir;
  const sub = positionals[0];
  const out = (json: unknown, text: string) =>
    process.stdout.write(values.json ? JSON.stringify(json, null, 2) + '\n' : text);

  if (name === 'token') {
    if (sub !== 'rotate') {
      throw new FlywheelError(`Unknown token command "${sub ?? ''}".`, { code: 'BAD_INPUT', action: help });
    }
    const port = values.port ?? process.env.FLYWHEEL_PORT ?? String(DEFAULT_PORT);
    const token = rotateToken(dataDir);
    const url = `http://127.0.0.1:${port}/#token=${token}`;
    out(
      { file: tokenPath(dataDir), url },
      `Wrote a new API token to ${tokenPath(dataDir)}.\n` +
        'A running headless shell takes it within a second; tabs with the old token say so.\n' +
        `Open ${url}\n`,
    );
    return 0;
  }

  if (sub !== 'save' && sub !== 'forget') {
    throw new FlywheelError(`Unknown keychain command "${sub ?? ''}".`, { code: 'BAD_INPUT', action: help });
  }
  const tool = findSecretTool();
  if (!tool) {
    throw new FlywheelError('There is no OS keychain tool here: `secret-tool` is not on PATH.', {
      code: 'UNAVAILABLE',
      action:
        'On Linux install libsecret-tools (apt install libsecret-tools) with a Secret Service such as ' +
        'gnome-keyring; elsewhere, or on a server without a keyring, use --passphrase-file with the headless shell.',
    });
  }
  const wallet = await Wallet.open({
    dir: join(dataDir, 'wallet'),
    payoutAddress: () => null,
    log: new LogSink({ consoleLevel: 'silent' }).logger('wallet'),
  });
  const info = wallet.info();
  if (!info.exists || !info.address) {
    throw new FlywheelError(`There is no wallet in ${dataDir}.`, {
      code: 'NOT_FOUND',
      action: 'Create or import one first (Settings → Wallet).',
    });
  }
  if (sub === 'forget') {
    const had = await keychainClear(tool, info.address);
    out(
      { address: info.address, removed: had },
      had
        ? `Removed the passphrase of ${info.address} from the OS keychain.\n`
        : `The OS keychain kept no passphrase for ${info.address}.\n`,
    );
    return 0;
  }
  if (info.protection !== 'passphrase') {
    throw new FlywheelError(
      'This wallet has no passphrase: its key is sealed by the desktop app’s OS keychain.',
      {
        code: 'CONFLICT',
      },
    );
  }
  const passphrase = await readPassphrase(values['passphrase-file']);
  // Only a passphrase that opens the keystore is kept: a typo would otherwise lock the rig at its next start.
  try {
    await wallet.unlock(passphrase);
  } catch (err) {
    if (err instanceof KeystoreError && err.failure === 'wrong-passphrase') {
      throw new FlywheelError(`That passphrase does not open the wallet ${info.address}: nothing was kept.`, {
        code: 'BAD_INPUT',
        action: 'Check it and run `flywheel keychain save` again.',
      });
    }
    throw err;
  }
  await keychainStore(tool, info.address, passphrase);
  out(
    { address: info.address, service: 'flywheel', account: info.address.toLowerCase() },
    `Kept the passphrase of ${info.address} in the OS keychain (service flywheel, account ${info.address.toLowerCase()}).\n` +
      'The headless shell unlocks the wallet with it at start; `flywheel keychain forget` removes it.\n',
  );
  return 0;
}

async function readPassphrase(file: string | undefined): Promise<string> {
  if (file !== undefined) return readPassphraseFile(file);
  const fromEnv = takePassphraseFromEnvironment();
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/(\r?\n)+$/, '');
    if (text === '') throw new FlywheelError('No passphrase on standard input.', { code: 'BAD_INPUT' });
    return text;
  }
  return askHidden('Wallet passphrase: ');
}

/** Asks on the terminal without echoing what is typed. */
function askHidden(prompt: string): Promise<string> {
  return new Promise((resolveAsk, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolveAsk(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new FlywheelError('Cancelled.', { code: 'BAD_INPUT' }));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
