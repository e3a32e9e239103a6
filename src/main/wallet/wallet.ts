import { hkdfSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateMnemonic } from '@scure/bip39';
import { wordlist as english } from '@scure/bip39/wordlists/english';
import { bytesToHex, type Address, type Hex } from 'viem';
import {
  generatePrivateKey,
  mnemonicToAccount,
  privateKeyToAccount,
  type PrivateKeyAccount,
} from 'viem/accounts';
import type { KeyProtection, UnlockSource, WalletInfo } from '#shared/api/wallet';
import { FlywheelError } from '#shared/errors';
import { removeStaleTemps } from '../fs/atomicWrite';
import type { Logger } from '../log';
import {
  decryptKeystore,
  defaultScryptCost,
  encryptKeystore,
  KeystoreError,
  type ScryptCost,
} from './keystore';
import type { KeyProtector } from './protector';
import { moveWalletFileAside, readWalletFile, writeWalletFile, type WalletFile } from './walletFile';

export interface WalletOptions {
  /** The wallet folder in the data folder (created 0700). */
  dir: string;
  /** The OS keychain, when the shell has one; used only when it says it can be trusted. */
  protector?: KeyProtector;
  /** Where withdrawals go (settings.payoutAddress). */
  payoutAddress: () => Address | null;
  log: Logger;
  /** scrypt cost for new keystores; tests lower it, users keep the default. */
  scryptCost?: ScryptCost;
}

export interface WalletKeyInput {
  privateKey?: string;
  mnemonic?: string;
  passphrase?: string;
  /** Replace an existing wallet: its file is moved aside (`keystore.json.replaced-<time>`), never deleted. */
  replace?: boolean;
}

type State =
  | { kind: 'none' }
  | { kind: 'damaged'; error: KeystoreError }
  | { kind: 'locked'; file: WalletFile }
  | { kind: 'unlocked'; file: WalletFile; privateKey: Hex; account: PrivateKeyAccount };

/**
 * The provider's key: created or imported, kept encrypted at rest (OS keychain or a scrypt keystore), unlocked in
 * memory only. Other parts of the node take `account()` to sign and listen to `onChange` to stop when it locks.
 * The private key never leaves this object except re-encrypted by `export`; nothing here logs it.
 */
export class Wallet {
  readonly file: string;
  readonly #options: WalletOptions;
  readonly #listeners = new Set<(info: WalletInfo) => void>();
  #state: State = { kind: 'none' };
  #unlockedBy: UnlockSource | null = null;
  #unlockProblem: string | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(options: WalletOptions) {
    this.#options = options;
    this.file = join(options.dir, 'keystore.json');
  }

  /**
   * Opens the wallet folder. A key sealed by the OS keychain is unsealed now (no passphrase to ask for); a
   * passphrase keystore stays locked until `unlock`. A damaged file is reported, never deleted.
   */
  static async open(options: WalletOptions): Promise<Wallet> {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const wallet = new Wallet(options);
    removeStaleTemps(wallet.file);
    await wallet.#load();
    return wallet;
  }

  info(): WalletInfo {
    const s = this.#state;
    const file = s.kind === 'locked' || s.kind === 'unlocked' ? s.file : null;
    const info: WalletInfo = {
      exists: s.kind !== 'none',
      address: file?.address ?? null,
      locked: s.kind !== 'unlocked',
      protection: file?.protection ?? null,
      protectionNote: this.#protectionNote(file?.protection ?? null),
      payoutAddress: this.#options.payoutAddress(),
      nativeBalance: null,
    };
    if (s.kind === 'damaged') info.problem = `${s.error.shortMessage} ${s.error.action ?? ''}`.trim();
    info.unlockedBy = s.kind === 'unlocked' ? this.#unlockedBy : null;
    if (this.#unlockProblem !== null && s.kind !== 'unlocked') info.unlockProblem = this.#unlockProblem;
    return info;
  }

  get address(): Address | null {
    const s = this.#state;
    return s.kind === 'locked' || s.kind === 'unlocked' ? s.file.address : null;
  }

  get unlocked(): boolean {
    return this.#state.kind === 'unlocked';
  }

  /** The signing account; WALLET_LOCKED while locked, NOT_FOUND when there is no wallet. */
  account(): PrivateKeyAccount {
    const s = this.#state;
    if (s.kind === 'unlocked') return s.account;
    if (s.kind === 'none') {
      throw new FlywheelError('There is no wallet yet.', {
        code: 'NOT_FOUND',
        action: 'Create or import a wallet in Settings.',
      });
    }
    if (s.kind === 'damaged') throw s.error;
    throw new FlywheelError('The wallet is locked.', {
      code: 'WALLET_LOCKED',
      action: 'Unlock it with its passphrase.',
    });
  }

  /**
   * A 32-byte key for `label` derived from the unlocked private key (HKDF-SHA256), for other secrets of the node
   * that should be exactly as protected as the wallet (the fleet's API tokens): readable only while it is unlocked,
   * and never the key itself. Throws like `account()` while locked or without a wallet.
   */
  deriveKey(label: string): Buffer {
    this.account(); // throws the right error while locked or absent
    const { privateKey } = this.#state as Extract<State, { kind: 'unlocked' }>;
    return Buffer.from(hkdfSync('sha256', hexBytes(privateKey), 'flywheel derived key', label, 32));
  }

  /** Called after every change (create, import, unlock, lock); returns an unsubscribe. */
  onChange(listener: (info: WalletInfo) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells listeners the info changed for a reason outside the wallet (the payout address setting). */
  notify(): void {
    const info = this.info();
    for (const listener of [...this.#listeners]) listener(info);
  }

  create(input: { passphrase?: string; replace?: boolean } = {}): Promise<WalletInfo> {
    return this.#serial(() => this.#store(generatePrivateKey(), input, 'created'));
  }

  import(input: WalletKeyInput): Promise<WalletInfo> {
    return this.#serial(() => {
      if ((input.privateKey === undefined) === (input.mnemonic === undefined)) {
        throw new FlywheelError('Give a private key or a mnemonic.', { code: 'BAD_INPUT' });
      }
      const key =
        input.privateKey !== undefined ? keyFromHex(input.privateKey) : keyFromMnemonic(input.mnemonic!);
      return this.#store(key, input, 'imported');
    });
  }

  /**
   * Unlocks a passphrase keystore (or re-unseals a keychain one after `lock`). `source` says where the passphrase
   * came from (shown in Settings); a wrong one throws and leaves the wallet locked.
   */
  unlock(passphrase?: string, source: UnlockSource = 'typed'): Promise<WalletInfo> {
    return this.#serial(async () => {
      const s = this.#state;
      if (s.kind === 'unlocked') return this.info();
      if (s.kind !== 'locked') this.account(); // throws the right error
      const file = (s as Extract<State, { kind: 'locked' }>).file;
      let privateKey: Hex;
      if (file.protection === 'passphrase') {
        if (passphrase === undefined) {
          throw new FlywheelError('The passphrase is needed to unlock the wallet.', { code: 'BAD_INPUT' });
        }
        privateKey = await decryptKeystore(file.keystore, passphrase);
      } else {
        privateKey = await this.#unseal(file);
        source = 'os-keychain';
      }
      this.#unlockWith(file, privateKey, source);
      this.#options.log.info('wallet unlocked', { address: file.address, source });
      return this.#changed();
    });
  }

  /**
   * An unlock without a person (at start, from a passphrase file, the environment or the OS keychain) could not
   * open the wallet: it stays locked, and `info().unlockProblem` says why until an unlock succeeds.
   */
  unlockFailed(problem: string): void {
    this.#unlockProblem = problem;
    this.#changed();
  }

  /** Forgets the key in memory; providing stops until it is unlocked again. */
  lock(): Promise<WalletInfo> {
    return this.#serial(async () => {
      const s = this.#state;
      if (s.kind === 'unlocked') {
        this.#state = { kind: 'locked', file: s.file };
        this.#unlockedBy = null;
        this.#options.log.info('wallet locked', { address: s.file.address });
        return this.#changed();
      }
      return this.info();
    });
  }

  /** The key as a v3 keystore encrypted under `passphrase` (a new scrypt salt and IV each time). */
  export(passphrase: string): Promise<{ keystore: string; filename: string }> {
    return this.#serial(async () => {
      const s = this.#state;
      if (s.kind !== 'unlocked') this.account(); // throws the right error
      const { privateKey, file } = s as Extract<State, { kind: 'unlocked' }>;
      const keystore = await encryptKeystore(
        privateKey,
        passphrase,
        this.#options.scryptCost ?? defaultScryptCost,
      );
      const stamp = new Date().toISOString().replace(/:/g, '-');
      this.#options.log.info('wallet exported as an encrypted keystore', { address: file.address });
      return {
        keystore: JSON.stringify(keystore, null, 2),
        filename: `UTC--${stamp}--${file.address.slice(2).toLowerCase()}.json`,
      };
    });
  }

  async #load(): Promise<void> {
    let file: WalletFile | null;
    try {
      file = readWalletFile(this.file);
    } catch (err) {
      if (!(err instanceof KeystoreError)) throw err;
      this.#state = { kind: 'damaged', error: err };
      this.#options.log.error('the wallet file is damaged; it is kept as it is', {
        file: this.file,
        details: err.details,
      });
      return;
    }
    if (!file) return;
    this.#state = { kind: 'locked', file };
    if (file.protection === 'os-keychain' && this.#keychain()) {
      try {
        this.#unlockWith(file, await this.#unseal(file), 'os-keychain');
      } catch (err) {
        // Stay locked: the UI shows why and `unlock` can be tried again (the keychain may be unavailable now).
        this.#options.log.warn('could not unseal the wallet key with the OS keychain', {
          error: (err as Error).message,
        });
      }
    }
  }

  async #store(
    privateKey: Hex,
    input: { passphrase?: string; replace?: boolean },
    verb: string,
  ): Promise<WalletInfo> {
    const account = privateKeyToAccount(privateKey);
    const s = this.#state;
    if ((s.kind === 'locked' || s.kind === 'unlocked') && !input.replace) {
      throw new FlywheelError('A wallet already exists.', {
        code: 'CONFLICT',
        action: 'Export it first; then replace it (the old file is kept next to the new one).',
      });
    }
    let file: WalletFile;
    if (input.passphrase !== undefined) {
      const keystore = await encryptKeystore(
        privateKey,
        input.passphrase,
        this.#options.scryptCost ?? defaultScryptCost,
      );
      file = { protection: 'passphrase', address: account.address, keystore };
    } else if (this.#keychain()) {
      const sealed = await this.#options.protector!.protect(hexBytes(privateKey));
      file = { protection: 'os-keychain', address: account.address, sealed };
    } else {
      throw new FlywheelError(
        'A passphrase is needed: this system has no trusted secret store for the key.',
        {
          code: 'BAD_INPUT',
          action: 'Choose a passphrase of at least 8 characters.',
        },
      );
    }
    if (s.kind !== 'none') {
      const aside = moveWalletFileAside(this.file, s.kind === 'damaged' ? 'damaged' : 'replaced');
      this.#options.log.warn('kept the previous wallet file', { aside });
    }
    writeWalletFile(this.file, file);
    this.#unlockWith(file, privateKey, 'typed');
    this.#options.log.info(`wallet ${verb}`, { address: account.address, protection: file.protection });
    return this.#changed();
  }

  async #unseal(file: Extract<WalletFile, { protection: 'os-keychain' }>): Promise<Hex> {
    const protector = this.#options.protector;
    if (!protector) {
      throw new FlywheelError('This key is sealed by the desktop app’s OS keychain.', {
        code: 'UNAVAILABLE',
        action: 'Open the desktop app (or export the key there and import it here with a passphrase).',
      });
    }
    let bytes: Uint8Array;
    try {
      bytes = await protector.unprotect(file.sealed);
    } catch (err) {
      throw new FlywheelError('The OS keychain could not open the wallet key.', {
        code: 'UNAVAILABLE',
        action: 'Unlock your OS keychain and try again.',
        cause: err,
      });
    }
    if (bytes.length !== 32) throw new KeystoreError('damaged', 'The sealed wallet key is damaged.');
    const privateKey = bytesToHex(bytes);
    if (privateKeyToAccount(privateKey).address !== file.address) {
      throw new KeystoreError('damaged', 'The sealed wallet key does not match its address.');
    }
    return privateKey;
  }

  #unlockWith(file: WalletFile, privateKey: Hex, source: UnlockSource): void {
    this.#state = { kind: 'unlocked', file, privateKey, account: privateKeyToAccount(privateKey) };
    this.#unlockedBy = file.protection === 'os-keychain' ? 'os-keychain' : source;
    this.#unlockProblem = null;
  }

  #keychain(): boolean {
    return this.#options.protector?.availability().ok === true;
  }

  #protectionNote(protection: KeyProtection | null): string {
    const protector = this.#options.protector;
    const availability = protector?.availability();
    if (protection === 'os-keychain') {
      return protector
        ? `The key is sealed by the OS keychain (${availability!.note}).`
        : 'The key is sealed by the desktop app’s OS keychain, which this node cannot use.';
    }
    const why = !protector
      ? 'This node has no OS secret store'
      : availability!.ok
        ? 'A passphrase was chosen'
        : availability!.note;
    return `${why}: the key is kept in a passphrase keystore (scrypt).`;
  }

  #changed(): WalletInfo {
    const info = this.info();
    for (const listener of [...this.#listeners]) listener(info);
    return info;
  }

  /** One wallet operation at a time: an unlock racing a create must not interleave their writes. */
  #serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function keyFromHex(input: string): Hex {
  const hex = (input.startsWith('0x') ? input : `0x${input}`).toLowerCase() as Hex;
  if (!/^0x[0-9a-f]{64}$/.test(hex)) {
    throw new FlywheelError('A private key is 32 bytes of hex.', { code: 'BAD_INPUT' });
  }
  try {
    privateKeyToAccount(hex);
  } catch {
    // The message of the underlying error may quote the key: keep it out.
    throw new FlywheelError('That is not a valid private key.', { code: 'BAD_INPUT' });
  }
  return hex;
}

function keyFromMnemonic(input: string): Hex {
  const mnemonic = input.trim().toLowerCase().split(/\s+/).join(' ');
  if (!validateMnemonic(mnemonic, english)) {
    throw new FlywheelError('That is not a valid BIP-39 mnemonic.', {
      code: 'BAD_INPUT',
      action: 'Check the words and their order (English word list).',
    });
  }
  // The first account of the standard path m/44'/60'/0'/0/0, as MetaMask and most wallets derive it.
  const key = mnemonicToAccount(mnemonic).getHdKey().privateKey;
  if (!key) throw new FlywheelError('Could not derive a key from that mnemonic.', { code: 'BAD_INPUT' });
  return bytesToHex(key);
}

function hexBytes(hex: Hex): Uint8Array {
  return Buffer.from(hex.slice(2), 'hex');
}
