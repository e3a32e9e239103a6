import { z } from 'zod';
import { defineCall, defineEvent, type Address, type Amount } from './define';

/**
 * How the wallet key is kept at rest. `os-keychain`: wrapped by the OS secret store (Electron safeStorage with a
 * real backend); `passphrase`: a scrypt keystore unlocked with the user's passphrase.
 */
export type KeyProtection = 'os-keychain' | 'passphrase';

/**
 * Where the passphrase (or the key) that unlocked the wallet in this run came from. `typed`: a person typed it
 * (Settings, `wallet.unlock`); `passphrase-file`: a file the headless shell was pointed at (`--passphrase-file`);
 * `environment`: the FLYWHEEL_PASSPHRASE variable; `os-keychain`: the OS keychain (a sealed key, or a passphrase
 * kept in the Secret Service).
 */
export type UnlockSource = 'typed' | 'passphrase-file' | 'environment' | 'os-keychain';

export interface WalletInfo {
  exists: boolean;
  address: Address | null;
  /** A passphrase keystore that has not been unlocked since the node started. */
  locked: boolean;
  protection: KeyProtection | null;
  /** Why this protection, in words: "Linux has no secret store here: using a passphrase keystore". */
  protectionNote: string;
  /** Where withdrawals go (settings.payoutAddress; null: the wallet itself). */
  payoutAddress: Address | null;
  /** Native balance (gas), in wei; null while not connected. */
  nativeBalance: Amount | null;
  /** Why the wallet cannot be used, in words (a damaged keystore file, kept as it is); absent when fine. */
  problem?: string;
  /** Where this run's unlock came from; null while locked (absent: not known, an older node). */
  unlockedBy?: UnlockSource | null;
  /** Why the unattended unlock at start left the wallet locked, in words (a wrong passphrase, a refused file). */
  unlockProblem?: string;
}

const passphrase = z.string().min(8, 'at least 8 characters').max(1024);

export const walletCalls = {
  'wallet.get': defineCall<WalletInfo>()(
    'The wallet: address, lock state, how the key is protected.',
    z.object({}).strict(),
  ),
  'wallet.create': defineCall<WalletInfo>()(
    'Create a new key. `passphrase` is required where the OS has no secret store. `replace` moves an existing ' +
      'wallet file aside (kept, never deleted); without it an existing wallet is a CONFLICT.',
    z.object({ passphrase: passphrase.optional(), replace: z.boolean().optional() }).strict(),
  ),
  'wallet.import': defineCall<WalletInfo>()(
    'Import a key from a private key or a BIP-39 mnemonic (first account).',
    z
      .object({
        privateKey: z
          .string()
          .regex(/^(0x)?[0-9a-fA-F]{64}$/, 'must be 32 bytes of hex')
          .optional(),
        mnemonic: z.string().trim().min(20).max(400).optional(),
        passphrase: passphrase.optional(),
        replace: z.boolean().optional(),
      })
      .strict()
      .refine(
        (v) => (v.privateKey === undefined) !== (v.mnemonic === undefined),
        'give a private key or a mnemonic',
      ),
  ),
  'wallet.unlock': defineCall<WalletInfo>()(
    'Unlock a passphrase keystore (passphrase required), or re-open a key sealed by the OS keychain (none needed).',
    z.object({ passphrase: passphrase.optional() }).strict(),
  ),
  'wallet.lock': defineCall<WalletInfo>()(
    'Forget the unlocked key (providing stops).',
    z.object({}).strict(),
  ),
  'wallet.export': defineCall<{ keystore: string; filename: string }>()(
    'Export the key as an encrypted keystore (Web3 secret storage JSON), never as plain text.',
    z.object({ passphrase, confirm: z.literal(true) }).strict(),
  ),
};

export const walletEvents = {
  'wallet.changed': defineEvent<WalletInfo>(
    'The wallet was created, imported, unlocked, locked or its balance moved.',
  ),
};
