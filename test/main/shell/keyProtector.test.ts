import { describe, expect, it } from 'vitest';
import {
  createSafeStorageProtector,
  safeStorageAvailability,
  type SafeStorageLike,
} from '../../../src/main/shell/keyProtector';
import { FlywheelError } from '../../../src/shared/errors';

type Backend = ReturnType<SafeStorageLike['getSelectedStorageBackend']>;

/**
 * A stand-in for Electron's safeStorage: a reversible transform (XOR + a prefix, like Chromium's "v10") so a
 * test can tell sealed bytes from the secret, and count what was sealed.
 */
function fakeSafeStorage(backend: Backend, available = true) {
  const sealedStrings: string[] = [];
  const storage: SafeStorageLike = {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString(plain) {
      sealedStrings.push(plain);
      return Buffer.concat([Buffer.from('v10'), Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)]);
    },
    decryptString(encrypted) {
      if (!encrypted.subarray(0, 3).equals(Buffer.from('v10'))) throw new Error('Error while decrypting');
      return Buffer.from(encrypted.subarray(3).map((b) => b ^ 0x5a)).toString('utf8');
    },
  };
  return { storage, sealedStrings };
}

const secret = new Uint8Array(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));

describe('safeStorage key protector', () => {
  it.each([
    ['darwin', 'unknown', 'macOS Keychain'],
    ['win32', 'unknown', 'Windows DPAPI, tied to your user account'],
    ['linux', 'gnome_libsecret', 'GNOME Keyring (Secret Service)'],
    ['linux', 'kwallet6', 'KWallet 6'],
  ] as const)('trusts a real secret store (%s, %s)', async (platform, backend, note) => {
    const { storage } = fakeSafeStorage(backend);
    const protector = createSafeStorageProtector(storage, platform);
    expect(protector.kind).toBe('os-keychain');
    expect(protector.availability()).toEqual({ ok: true, note });

    const sealed = await protector.protect(secret);
    expect(Buffer.from(sealed).includes(Buffer.from(secret))).toBe(false);
    expect(await protector.unprotect(sealed)).toEqual(secret);
  });

  it('refuses Linux basic_text: says why and seals nothing', async () => {
    const { storage, sealedStrings } = fakeSafeStorage('basic_text', true);
    const protector = createSafeStorageProtector(storage, 'linux');
    const a = protector.availability();
    expect(a.ok).toBe(false);
    expect(a.note).toMatch(/GNOME Keyring or KWallet/);
    expect(a.note).toMatch(/basic_text\) protects nothing$/);
    await expect(protector.protect(secret)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      action: expect.stringMatching(/passphrase/),
    });
    await expect(protector.unprotect(new Uint8Array([1, 2, 3, 4, 5]))).rejects.toBeInstanceOf(FlywheelError);
    expect(sealedStrings).toEqual([]);
  });

  it('is not available before the app is ready or when the OS store does not answer', () => {
    expect(safeStorageAvailability(fakeSafeStorage('unknown').storage, 'linux').ok).toBe(false);
    expect(safeStorageAvailability(fakeSafeStorage('gnome_libsecret', false).storage, 'linux').ok).toBe(
      false,
    );
    expect(safeStorageAvailability(fakeSafeStorage('unknown', false).storage, 'darwin')).toEqual({
      ok: false,
      note: 'The OS secret store is not available',
    });
  });

  it('reads availability on each call (the Linux backend is only known once the app is ready)', async () => {
    let backend: Backend = 'unknown';
    const { storage } = fakeSafeStorage('unknown');
    const protector = createSafeStorageProtector(
      { ...storage, getSelectedStorageBackend: () => backend },
      'linux',
    );
    expect(protector.availability().ok).toBe(false);
    backend = 'gnome_libsecret';
    expect(protector.availability().ok).toBe(true);
    expect(await protector.unprotect(await protector.protect(secret))).toEqual(secret);
  });

  it('rejects blobs it did not seal and reports a failed decryption as an error the UI can show', async () => {
    const { storage } = fakeSafeStorage('unknown');
    const protector = createSafeStorageProtector(storage, 'darwin');
    await expect(protector.unprotect(new Uint8Array(Buffer.from('v10garbage')))).rejects.toMatchObject({
      code: 'IO_FAILED',
    });
    const sealed = await protector.protect(secret);
    const tampered = Uint8Array.from(sealed);
    tampered[4] = 0; // break the inner "v10" prefix
    await expect(protector.unprotect(tampered)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      shortMessage: expect.stringMatching(/could not unlock/),
    });
  });
});
