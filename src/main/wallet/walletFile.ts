import { existsSync, readFileSync, renameSync } from 'node:fs';
import { getAddress, type Address } from 'viem';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomicWrite';
import { KeystoreError, keystoreV3Schema, type KeystoreV3 } from './keystore';

/**
 * What the wallet keeps on disk, one file: either a plain v3 keystore (passphrase protection, readable by other
 * wallets) or the key sealed by the OS keychain (opaque bytes only that OS account can open).
 */
export type WalletFile =
  | { protection: 'passphrase'; address: Address; keystore: KeystoreV3 }
  | { protection: 'os-keychain'; address: Address; sealed: Uint8Array };

const sealedSchema = z
  .object({
    flywheel: z.literal('sealed-key'),
    version: z.literal(1),
    address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
    sealed: z.string().regex(/^[A-Za-z0-9+/]+=*$/),
  })
  .strict();

/** Reads the wallet file: null when there is none; a KeystoreError ('damaged') when it cannot be understood. */
export function readWalletFile(path: string): WalletFile | null {
  if (!existsSync(path)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KeystoreError('damaged', 'The wallet file is damaged.', {
      details: `${path} is not valid JSON`,
      cause: err,
    });
  }
  const sealed = sealedSchema.safeParse(value);
  if (sealed.success) {
    return {
      protection: 'os-keychain',
      address: getAddress(sealed.data.address),
      sealed: Buffer.from(sealed.data.sealed, 'base64'),
    };
  }
  const keystore = keystoreV3Schema.safeParse(value);
  if (keystore.success && keystore.data.address) {
    return {
      protection: 'passphrase',
      address: getAddress(`0x${keystore.data.address.replace(/^0x/, '')}`),
      keystore: value as KeystoreV3,
    };
  }
  throw new KeystoreError('damaged', 'The wallet file is damaged.', {
    details: `${path} is neither a v3 keystore with an address nor a sealed key`,
  });
}

/** Writes the wallet file atomically with mode 0600: a crash leaves the old wallet or the new one. */
export function writeWalletFile(path: string, file: WalletFile): void {
  const body =
    file.protection === 'passphrase'
      ? file.keystore
      : {
          flywheel: 'sealed-key',
          version: 1,
          address: file.address,
          sealed: Buffer.from(file.sealed).toString('base64'),
        };
  writeFileAtomic(path, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
}

/** Moves a wallet file aside (never deletes it): `<file>.<why>-<time>`; returns the new path. */
export function moveWalletFileAside(path: string, why: 'damaged' | 'replaced'): string {
  const aside = `${path}.${why}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, aside);
  return aside;
}
