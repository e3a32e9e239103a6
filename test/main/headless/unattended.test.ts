import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WalletInfo } from '../../../src/shared/api';
import { LogSink } from '../../../src/main/log';
import { Wallet } from '../../../src/main/wallet/wallet';
import { DEV_PRIVATE_KEYS } from '../../helpers/anvil';
import { startHeadless, type HeadlessProcess } from '../../helpers/headless';
import { bundleNode } from '../../helpers/nodeBundle';
import { secretServiceTools, startSecretService } from '../../helpers/secretService';
import { tempDir } from '../../helpers/tmp';

const PASSPHRASE = 'rig passphrase 1';
const ROOT = join(import.meta.dirname, '..', '..', '..');
const quiet = new LogSink({ consoleLevel: 'silent' });

let headless: { file: string };
let cli: { file: string };
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  [headless, cli] = await Promise.all([
    bundleNode(join(ROOT, 'src', 'main', 'headless', 'main.ts'), 'headless-unattended'),
    bundleNode(join(ROOT, 'src', 'main', 'cli', 'main.ts'), 'cli-unattended'),
  ]);
}, 120_000);
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A data folder holding a passphrase keystore (a cheap scrypt cost, so the unlock at start is quick). */
async function dataDirWithWallet(): Promise<{ dir: string; address: string }> {
  const { dir, cleanup } = tempDir('flywheel-rig-');
  cleanups.push(cleanup);
  const wallet = await Wallet.open({
    dir: join(dir, 'wallet'),
    payoutAddress: () => null,
    log: quiet.logger('wallet'),
    scryptCost: { n: 1024, r: 8, p: 1 },
  });
  const info = await wallet.import({ privateKey: DEV_PRIVATE_KEYS[3], passphrase: PASSPHRASE });
  return { dir, address: info.address! };
}

function passphraseFile(dir: string, body: string, mode: number): string {
  const path = join(dir, 'rig-passphrase');
  writeFileSync(path, body);
  chmodSync(path, mode);
  return path;
}

/** The real headless shell as its own process (the chain left off: these tests are about the wallet and API). */
async function rig(dataDir: string, options: { args?: string[]; env?: NodeJS.ProcessEnv } = {}) {
  const shell = await startHeadless({
    entry: headless.file,
    dataDir,
    args: options.args,
    env: { FLYWHEEL_DEVNET: 'off', FLYWHEEL_PASSPHRASE: '', FLYWHEEL_PASSPHRASE_FILE: '', ...options.env },
  });
  cleanups.push(() => shell.stop());
  return shell;
}

async function api<T>(shell: HeadlessProcess, name: string, payload: unknown = {}, token = shell.token) {
  const res = await fetch(`${shell.origin}/api/call/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(payload),
  });
  return {
    status: res.status,
    body: (await res.json()) as { ok: boolean; result: T; error?: { code: string } },
  };
}

const wallet = async (shell: HeadlessProcess) => (await api<WalletInfo>(shell, 'wallet.get')).body.result;

describe('a rig unlocks at start without a person', { timeout: 60_000 }, () => {
  it('with a 0600 passphrase file (--passphrase-file, or FLYWHEEL_PASSPHRASE_FILE); its trailing newline is no part of it', async () => {
    const { dir, address } = await dataDirWithWallet();
    const file = passphraseFile(dir, `${PASSPHRASE}\n`, 0o600);
    const shell = await rig(dir, { args: ['--passphrase-file', file] });
    expect(shell.output()).toContain(`Wallet ${address} unlocked with the passphrase from ${file}.`);
    expect(await wallet(shell)).toMatchObject({ locked: false, unlockedBy: 'passphrase-file', address });
    await shell.stop();

    const again = await rig(dir, { env: { FLYWHEEL_PASSPHRASE_FILE: file } });
    expect(await wallet(again)).toMatchObject({ locked: false, unlockedBy: 'passphrase-file' });
  });

  it('refuses a passphrase file others can read (0644) with what to do, and stays up locked and not providing', async () => {
    const { dir } = await dataDirWithWallet();
    const file = passphraseFile(dir, `${PASSPHRASE}\n`, 0o644);
    const shell = await rig(dir, { args: ['--passphrase-file', file] });
    expect(shell.output()).toContain(
      `The passphrase file ${file} can be read or changed by other users (mode 0644); it is refused. ` +
        `Run \`chmod 600 ${file}\` and start again.`,
    );
    const info = await wallet(shell);
    expect(info).toMatchObject({ locked: true, unlockedBy: null });
    expect(info.unlockProblem).toContain(`chmod 600 ${file}`);
    const provider = await api<{ status: string; reason?: string }>(shell, 'provider.get');
    expect(provider.body.result.status).not.toBe('providing');
    expect(shell.child.exitCode).toBeNull();

    // Once fixed, a person can still unlock it from the page; the problem goes away with the unlock.
    const unlocked = await api<WalletInfo>(shell, 'wallet.unlock', { passphrase: PASSPHRASE });
    expect(unlocked.body.result).toMatchObject({ locked: false, unlockedBy: 'typed' });
    expect(unlocked.body.result.unlockProblem).toBeUndefined();
  });

  it('with FLYWHEEL_PASSPHRASE; a wrong one leaves the wallet locked, says so, and the node keeps running', async () => {
    const { dir, address } = await dataDirWithWallet();
    const shell = await rig(dir, { env: { FLYWHEEL_PASSPHRASE: PASSPHRASE } });
    expect(shell.output()).toContain(
      `Wallet ${address} unlocked with the passphrase from the environment variable FLYWHEEL_PASSPHRASE.`,
    );
    expect(await wallet(shell)).toMatchObject({ locked: false, unlockedBy: 'environment' });
    await shell.stop();

    const wrong = await rig(dir, { env: { FLYWHEEL_PASSPHRASE: 'not the passphrase' } });
    const problem =
      'The passphrase from the environment variable FLYWHEEL_PASSPHRASE does not open the wallet, so it stays ' +
      'locked and nothing is provided.';
    expect(wrong.output()).toContain(problem);
    const info = await wallet(wrong);
    expect(info).toMatchObject({ locked: true });
    expect(info.unlockProblem).toContain(problem);
    const provider = await api<{ status: string; reason?: string }>(wrong, 'provider.get');
    expect(provider.body.result.status).not.toBe('providing');
    expect(readFileSync(join(dir, 'logs', 'node.log'), 'utf8')).toContain('the unlock at start failed');
    expect(wrong.child.exitCode).toBeNull();
  });

  it.runIf(secretServiceTools())(
    'with the OS keychain (a real Secret Service): `flywheel keychain save` keeps only a passphrase that opens the wallet',
    async () => {
      const service = await startSecretService();
      cleanups.push(() => service.stop());
      const { dir, address } = await dataDirWithWallet();
      const save = (passphrase: string) =>
        run([cli.file, 'keychain', 'save', '--data-dir', dir], service.env, passphrase);

      const typo = await save('a typo in it');
      expect(typo.code).toBe(1);
      expect(typo.err).toContain(`That passphrase does not open the wallet ${address}: nothing was kept.`);
      const saved = await save(`${PASSPHRASE}\n`);
      expect(saved.err).toBe('');
      expect(saved.out).toContain(`Kept the passphrase of ${address} in the OS keychain`);

      const shell = await rig(dir, { env: service.env });
      expect(shell.output()).toContain(
        `Wallet ${address} unlocked with the passphrase from the OS keychain.`,
      );
      expect(await wallet(shell)).toMatchObject({ locked: false, unlockedBy: 'os-keychain' });
      await shell.stop();

      const forget = await run([cli.file, 'keychain', 'forget', '--data-dir', dir], service.env);
      expect(forget.out).toContain(`Removed the passphrase of ${address} from the OS keychain.`);
      const locked = await rig(dir, { env: service.env });
      expect(await wallet(locked)).toMatchObject({ locked: true });
      expect(locked.output()).toContain('is locked: providing waits until it is unlocked');
    },
  );
});

describe('the API token survives a restart until it is rotated', { timeout: 60_000 }, () => {
  it('is kept 0600 in the data folder; a restart keeps it and the URL; a group-readable file is replaced', async () => {
    const { dir } = await dataDirWithWallet();
    const first = await rig(dir);
    const file = join(dir, 'api-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.token);
    await first.stop();

    const second = await rig(dir);
    expect(second.token).toBe(first.token);
    expect((await api(second, 'node.status')).status).toBe(200);
    expect((await api<{ apiTokenFile: string }>(second, 'node.status')).body.result.apiTokenFile).toBe(file);
    await second.stop();

    chmodSync(file, 0o644);
    const third = await rig(dir);
    expect(third.token).not.toBe(first.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await third.stop();

    const fourth = await rig(dir, { args: ['--new-token'] });
    expect(fourth.token).not.toBe(third.token);
  });

  it('`flywheel token rotate` cuts off the old token and its sockets in the running shell; so does node.rotateToken', async () => {
    const { dir } = await dataDirWithWallet();
    const shell = await rig(dir);
    const old = shell.token;
    const socket = await openSocket(shell, old);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

    const rotate = await run([
      cli.file,
      'token',
      'rotate',
      '--data-dir',
      dir,
      '--port',
      String(portOf(shell)),
    ]);
    expect(rotate.code).toBe(0);
    const url = /Open (http:\/\/127\.0\.0\.1:\d+\/#token=([A-Za-z0-9_-]+))/.exec(rotate.out);
    expect(url?.[1]).toBeDefined();
    const next = url![2]!;
    expect(url![1]).toBe(`${shell.origin}/#token=${next}`);

    expect(await closed).toBe(4001);
    expect((await api(shell, 'node.status', {}, old)).status).toBe(401);
    expect((await api(shell, 'node.status', {}, next)).status).toBe(200);
    expect(shell.output()).toContain(
      `The API token was rotated: tabs with the old one are cut off. Open ${url![1]}`,
    );
    await expect(openSocket(shell, old)).rejects.toThrow('refused 401');

    // From the page (Settings → API token): the answer carries the new URL, the file follows.
    const fromPage = await api<{ url: string; token: string }>(
      shell,
      'node.rotateToken',
      { confirm: true },
      next,
    );
    expect(fromPage.body.result.url).toBe(`${shell.origin}/#token=${fromPage.body.result.token}`);
    expect(readFileSync(join(dir, 'api-token'), 'utf8').trim()).toBe(fromPage.body.result.token);
    expect((await api(shell, 'node.status', {}, next)).status).toBe(401);
    expect((await api(shell, 'node.status', {}, fromPage.body.result.token)).status).toBe(200);
  });
});

function portOf(shell: HeadlessProcess): number {
  return Number(new URL(shell.origin).port);
}

function openSocket(shell: HeadlessProcess, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${shell.origin.replace('http', 'ws')}/api/events`, [
      'flywheel.v1',
      `token.${token}`,
    ]);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Runs the bundled CLI to its end, `input` on its stdin. */
function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  input = '',
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, FLYWHEEL_PASSPHRASE: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.once('exit', (code) => resolve({ code, out, err }));
    child.stdin.end(input);
  });
}
