import type { SafeStorage } from 'electron';
import { FlywheelError } from '#shared/errors';
import type { KeyProtector } from '../wallet/protector';

/** The part of Electron's safeStorage the protector uses (after `app` is ready). */
export type SafeStorageLike = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

/** Marks blobs this protector sealed, so a foreign or truncated blob fails with a clear error. */
const MAGIC = Buffer.from('fw1:', 'ascii');

const LINUX_STORES: Record<string, string> = {
  gnome_libsecret: 'GNOME Keyring (Secret Service)',
  kwallet: 'KWallet',
  kwallet5: 'KWallet 5',
  kwallet6: 'KWallet 6',
};

/**
 * Whether the OS secret store behind safeStorage can be trusted here, and why. The note is a short clause the
 * wallet puts in its protection note ("The key is sealed by the OS keychain (<note>)." or "<note>: the key is
 * kept in a passphrase keystore (scrypt)."). On Linux without a secret service Electron falls back to
 * `basic_text`: the key would be "encrypted" with a password hard-coded in Chromium, which protects nothing, so
 * that backend is refused.
 */
export function safeStorageAvailability(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): { ok: boolean; note: string } {
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text') {
      return {
        ok: false,
        note: 'No secret service (GNOME Keyring or KWallet) is running, and Electron’s fallback (basic_text) protects nothing',
      };
    }
    // 'unknown' before the app is ready, or a backend this build does not know.
    const store = LINUX_STORES[backend];
    if (!store) return { ok: false, note: 'The OS secret store could not be identified' };
    if (!safeStorage.isEncryptionAvailable()) return { ok: false, note: `${store} did not answer` };
    return { ok: true, note: store };
  }
  if (!safeStorage.isEncryptionAvailable())
    return { ok: false, note: 'The OS secret store is not available' };
  if (platform === 'darwin') return { ok: true, note: 'macOS Keychain' };
  if (platform === 'win32') return { ok: true, note: 'Windows DPAPI, tied to your user account' };
  return { ok: true, note: 'OS secret store' };
}

/**
 * A KeyProtector on Electron's safeStorage. Availability is read on every call (the Linux backend is only known
 * once the app is ready), and protect/unprotect refuse while it is not ok, so a key is never sealed with
 * `basic_text`. safeStorage takes strings: the secret travels as base64 inside the sealed blob.
 */
export function createSafeStorageProtector(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): KeyProtector {
  const availability = () => safeStorageAvailability(safeStorage, platform);
  const requireAvailable = () => {
    const a = availability();
    if (!a.ok) {
      throw new FlywheelError(`${a.note}: the OS cannot keep the wallet key.`, {
        code: 'UNAVAILABLE',
        action: 'Use a passphrase for the wallet instead.',
      });
    }
  };
  return {
    kind: 'os-keychain',
    availability,
    async protect(secret) {
      requireAvailable();
      const sealed = safeStorage.encryptString(Buffer.from(secret).toString('base64'));
      return new Uint8Array(Buffer.concat([MAGIC, sealed]));
    },
    async unprotect(sealed) {
      requireAvailable();
      const bytes = Buffer.from(sealed);
      if (bytes.length <= MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
        throw new FlywheelError('The stored wallet key is not one the OS secret store sealed.', {
          code: 'IO_FAILED',
        });
      }
      let plain: string;
      try {
        plain = safeStorage.decryptString(bytes.subarray(MAGIC.length));
      } catch (err) {
        throw new FlywheelError('The OS secret store could not unlock the wallet key.', {
          code: 'UNAVAILABLE',
          action:
            'Allow Flywheel to use the keychain when the OS asks, or import the wallet again from its exported keystore.',
          cause: err,
        });
      }
      return new Uint8Array(Buffer.from(plain, 'base64'));
    },
  };
}
