import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyProtector } from '../../src/main/wallet/protector';

/**
 * A KeyProtector for tests of the node without Electron: AES-256-GCM under a key that lives only in this
 * process, the way safeStorage keeps its key in the OS keychain. `trusted: false` plays Linux's `basic_text`.
 * `key` (32 bytes) is the keychain's key, for processes that must unseal what another one sealed; by default a
 * fresh random one.
 */
export function memoryKeyProtector(options: { trusted?: boolean; key?: Uint8Array } = {}): KeyProtector {
  const key = options.key ?? randomBytes(32);
  const trusted = options.trusted ?? true;
  return {
    kind: 'os-keychain',
    availability: () =>
      trusted
        ? { ok: true, note: 'test keychain' }
        : { ok: false, note: 'The OS secret store is basic_text (not encrypted)' },
    async protect(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(secret), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async unprotect(sealed) {
      const buf = Buffer.from(sealed);
      const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      decipher.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]);
    },
  };
}
