import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findSecretTool,
  findUnattendedPassphrase,
  keychainClear,
  keychainLookup,
  keychainStore,
  readPassphraseFile,
  takePassphraseFromEnvironment,
} from '../../../src/main/wallet/unlockSources';
import { secretServiceTools, startSecretService, type SecretService } from '../../helpers/secretService';
import { tempDir } from '../../helpers/tmp';

const { dir, cleanup } = tempDir('flywheel-unlock-');
afterAll(cleanup);

function file(name: string, body: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  chmodSync(path, mode);
  return path;
}

const posix = process.platform !== 'win32';

describe('passphrase file', () => {
  it('reads a 0600 (or 0400) file of this user without its trailing line break', () => {
    expect(readPassphraseFile(file('a', 'correct horse battery\n'))).toBe('correct horse battery');
    expect(readPassphraseFile(file('b', 'windows line\r\n', 0o400))).toBe('windows line');
    // Spaces are part of a passphrase; only the line breaks an editor adds go.
    expect(readPassphraseFile(file('c', ' spaced out \n\n'))).toBe(' spaced out ');
  });

  it.runIf(posix)('refuses a file other users can read or write, saying to chmod 600 it', () => {
    for (const mode of [0o644, 0o640, 0o604, 0o620]) {
      const path = file(`loose-${mode.toString(8)}`, 'correct horse battery\n', mode);
      expect(() => readPassphraseFile(path)).toThrow(
        expect.objectContaining({
          code: 'BAD_INPUT',
          shortMessage: expect.stringContaining(
            `can be read or changed by other users (mode 0${mode.toString(8)})`,
          ),
          action: `Run \`chmod 600 ${path}\` and start again.`,
        }),
      );
    }
  });

  it.runIf(posix && process.getuid?.() === 0)('refuses a file that belongs to another user', () => {
    const path = file('theirs', 'correct horse battery\n');
    chownSync(path, 4242, 4242);
    expect(() => readPassphraseFile(path)).toThrow(/belongs to another user \(uid 4242\)/);
  });

  it('refuses a missing file, an empty one, a folder and a symbolic link, each with what to do', () => {
    expect(() => readPassphraseFile(join(dir, 'nope'))).toThrow(/does not exist/);
    expect(() => readPassphraseFile(file('empty', '\n'))).toThrow(/is empty/);
    const folder = join(dir, 'folder');
    mkdirSync(folder, { mode: 0o700 });
    expect(() => readPassphraseFile(folder)).toThrow(/is not a regular file/);
    const link = join(dir, 'link');
    symlinkSync(file('target', 'correct horse battery\n'), link);
    expect(() => readPassphraseFile(link)).toThrow(/is a symbolic link/);
    expect(() => readPassphraseFile(file('huge', 'x'.repeat(10_000)))).toThrow(/too long/);
  });
});

describe('environment and order', () => {
  it('takes FLYWHEEL_PASSPHRASE out of the environment once read', () => {
    const env: NodeJS.ProcessEnv = { FLYWHEEL_PASSPHRASE: 'from the env', OTHER: 'x' };
    expect(takePassphraseFromEnvironment(env)).toBe('from the env');
    expect(env).toEqual({ OTHER: 'x' });
    expect(takePassphraseFromEnvironment(env)).toBeUndefined();
  });

  it('uses the file first, then the variable (taken out either way), then nothing', async () => {
    const path = file('order', 'from the file\n');
    const env: NodeJS.ProcessEnv = { FLYWHEEL_PASSPHRASE: 'from the env', FLYWHEEL_PASSPHRASE_FILE: path };
    expect(await findUnattendedPassphrase({ env, address: '0x1', keychain: false })).toEqual({
      passphrase: 'from the file',
      source: 'passphrase-file',
      where: path,
    });
    expect(env.FLYWHEEL_PASSPHRASE).toBeUndefined();
    const env2: NodeJS.ProcessEnv = { FLYWHEEL_PASSPHRASE: 'from the env' };
    expect(await findUnattendedPassphrase({ env: env2, address: '0x1', keychain: false })).toMatchObject({
      passphrase: 'from the env',
      source: 'environment',
    });
    expect(await findUnattendedPassphrase({ env: {}, address: '0x1', keychain: false })).toBeNull();
  });

  it('a keychain that cannot be asked (no session bus) is reported to the caller, not thrown', async () => {
    const tool = findSecretTool();
    if (!tool) return; // nothing to ask on this machine
    const errors: string[] = [];
    const found = await findUnattendedPassphrase({
      env: { PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      address: '0x1',
      onKeychainError: (err) => errors.push(err.shortMessage),
    });
    expect(found).toBeNull();
    expect(errors).toEqual(['The OS keychain could not be asked for the passphrase.']);
  });
});

describe.runIf(secretServiceTools())('OS keychain (a real Secret Service: dbus + gnome-keyring)', () => {
  let service: SecretService;
  const saved: NodeJS.ProcessEnv = {};
  beforeAll(async () => {
    service = await startSecretService();
    for (const [k, v] of Object.entries(service.env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  }, 30_000);
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await service?.stop();
  });

  it('stores, finds, replaces and forgets a passphrase per wallet address', async () => {
    const tool = findSecretTool()!;
    const address = '0xAbCdEf0000000000000000000000000000000001';
    expect(await keychainLookup(tool, address)).toBeNull();
    await keychainStore(tool, address, 'first passphrase');
    await keychainStore(tool, address, 'second passphrase');
    expect(await keychainLookup(tool, address)).toBe('second passphrase');
    // Another wallet's passphrase is its own.
    expect(await keychainLookup(tool, '0x0000000000000000000000000000000000000002')).toBeNull();
    expect(await findUnattendedPassphrase({ env: { ...process.env }, address })).toEqual({
      passphrase: 'second passphrase',
      source: 'os-keychain',
      where: 'the OS keychain',
    });
    expect(await keychainClear(tool, address)).toBe(true);
    expect(await keychainLookup(tool, address)).toBeNull();
    expect(await keychainClear(tool, address)).toBe(false);
  });
});
