import { afterEach, describe, expect, it } from 'vitest';
import { LogSink } from '../../../src/main/log';
import { createSafeStorageProtector, type SafeStorageLike } from '../../../src/main/shell/keyProtector';
import { Wallet } from '../../../src/main/wallet/wallet';
import { tempDir } from '../../helpers/tmp';

const log = new LogSink({ consoleLevel: 'silent' }).logger('test');
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** Electron's safeStorage with a given backend; sealing is a reversible XOR so the round trip is real. */
function safeStorage(backend: ReturnType<SafeStorageLike['getSelectedStorageBackend']>): SafeStorageLike {
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x33)),
    decryptString: (sealed) => Buffer.from(sealed.map((b) => b ^ 0x33)).toString('utf8'),
  };
}

async function openWallet(storage: SafeStorageLike, platform: NodeJS.Platform) {
  const t = tempDir();
  cleanup = t.cleanup;
  return Wallet.open({
    dir: t.dir,
    protector: createSafeStorageProtector(storage, platform),
    payoutAddress: () => null,
    log,
    scryptCost: { n: 2 ** 10, r: 8, p: 1 },
  });
}

describe('the wallet with the safeStorage protector', () => {
  it('keeps the key in the OS keychain where there is a real one, and says so', async () => {
    const wallet = await openWallet(safeStorage('unknown'), 'darwin');
    const created = await wallet.create();
    expect(created.protection).toBe('os-keychain');
    expect(created.protectionNote).toBe('The key is sealed by the OS keychain (macOS Keychain).');
    await wallet.lock();
    const unlocked = await wallet.unlock();
    expect(unlocked.locked).toBe(false);
    expect(unlocked.address).toBe(created.address);
  });

  it('falls back to the passphrase keystore on Linux basic_text, and says why', async () => {
    const wallet = await openWallet(safeStorage('basic_text'), 'linux');
    await expect(wallet.create()).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const created = await wallet.create({ passphrase: 'correct horse battery' });
    expect(created.protection).toBe('passphrase');
    expect(created.protectionNote).toBe(
      'No secret service (GNOME Keyring or KWallet) is running, and Electron’s fallback (basic_text) protects ' +
        'nothing: the key is kept in a passphrase keystore (scrypt).',
    );
  });
});
