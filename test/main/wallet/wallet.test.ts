import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WalletInfo } from '../../../src/shared/api/wallet';
import { LogSink } from '../../../src/main/log';
import { decryptKeystore } from '../../../src/main/wallet/keystore';
import type { KeyProtector } from '../../../src/main/wallet/protector';
import { Wallet } from '../../../src/main/wallet/wallet';
import { DEV_PRIVATE_KEYS } from '../../helpers/anvil';
import { memoryKeyProtector } from '../../helpers/memoryKeyProtector';
import { filesHoldingKey } from '../../helpers/secrets';
import { tempDir } from '../../helpers/tmp';

const fast = { n: 2 ** 10, r: 8, p: 1 };
const MNEMONIC = 'test test test test test test test test test test test junk';
const MNEMONIC_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function dataFolder() {
  const { dir, cleanup } = tempDir('flywheel-wallet-');
  cleanups.push(cleanup);
  return dir;
}

async function openWallet(dataDir: string, protector?: KeyProtector) {
  // Logs go to a file in the data folder, so the scans below cover them too.
  const sink = new LogSink({ file: join(dataDir, 'logs', 'node.log'), consoleLevel: 'silent' });
  const wallet = await Wallet.open({
    dir: join(dataDir, 'wallet'),
    protector,
    payoutAddress: () => null,
    log: sink.logger('wallet'),
    scryptCost: fast,
  });
  const seen: WalletInfo[] = [];
  wallet.onChange((info) => seen.push(info));
  return { wallet, seen, sink };
}

/** The key, learnt the only way the wallet gives it out: an export decrypted with its passphrase. */
async function keyOf(wallet: Wallet): Promise<`0x${string}`> {
  const { keystore } = await wallet.export('export-pass-1');
  return decryptKeystore(JSON.parse(keystore), 'export-pass-1');
}

describe('wallet with a passphrase keystore', () => {
  it('creates a key, keeps it only encrypted (0600, atomic), and unlocks it after a restart', async () => {
    const dataDir = dataFolder();
    const { wallet, seen, sink } = await openWallet(dataDir);
    expect(wallet.info()).toMatchObject({ exists: false, address: null, locked: true, protection: null });

    const info = await wallet.create({ passphrase: 'correct horse battery' });
    expect(info).toMatchObject({ exists: true, locked: false, protection: 'passphrase' });
    expect(info.protectionNote).toMatch(/passphrase keystore/);
    expect(seen.at(-1)).toEqual(info);
    expect(wallet.account().address).toBe(info.address);

    const file = join(dataDir, 'wallet', 'keystore.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 3, crypto: { kdf: 'scrypt' } });
    expect(readdirSync(join(dataDir, 'wallet'))).toEqual(['keystore.json']); // no temp file left behind

    const key = await keyOf(wallet);
    expect(filesHoldingKey(dataDir, key)).toEqual([]);
    expect(sink.recent(100).map((e) => e.message)).toContain('wallet created');

    // After a restart the keystore is locked until its passphrase is given.
    const again = await openWallet(dataDir);
    expect(again.wallet.info()).toMatchObject({ exists: true, locked: true, address: info.address });
    expect(() => again.wallet.account()).toThrow(expect.objectContaining({ code: 'WALLET_LOCKED' }));
    await expect(again.wallet.unlock('wrong horse battery')).rejects.toMatchObject({
      code: 'BAD_INPUT',
      shortMessage: 'Wrong passphrase.',
    });
    await expect(again.wallet.unlock()).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(again.seen).toEqual([]);
    const unlocked = await again.wallet.unlock('correct horse battery');
    expect(unlocked.locked).toBe(false);
    expect(again.wallet.account().address).toBe(info.address);
    expect(filesHoldingKey(dataDir, key)).toEqual([]);

    const locked = await again.wallet.lock();
    expect(locked.locked).toBe(true);
    expect(again.seen.map((i) => i.locked)).toEqual([false, true]);
    expect(() => again.wallet.account()).toThrow(expect.objectContaining({ code: 'WALLET_LOCKED' }));
  });

  it('imports a private key and a BIP-39 mnemonic (first account of m/44’/60’/0’/0)', async () => {
    const dataDir = dataFolder();
    const { wallet } = await openWallet(dataDir);
    const info = await wallet.import({
      mnemonic: `  ${MNEMONIC.toUpperCase()} `,
      passphrase: 'pass-phrase-1',
    });
    expect(info.address).toBe(MNEMONIC_ADDRESS);
    expect(await keyOf(wallet)).toBe(DEV_PRIVATE_KEYS[0]);
    expect(filesHoldingKey(dataDir, DEV_PRIVATE_KEYS[0])).toEqual([]);
    expect(readFileSync(join(dataDir, 'wallet', 'keystore.json'), 'utf8')).not.toContain('junk');

    const other = dataFolder();
    const second = await openWallet(other);
    const imported = await second.wallet.import({
      privateKey: DEV_PRIVATE_KEYS[1].slice(2),
      passphrase: 'pass-phrase-2',
    });
    expect(imported.address).toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
    expect(filesHoldingKey(other, DEV_PRIVATE_KEYS[1])).toEqual([]);
  });

  it('refuses bad keys and mnemonics without echoing them', async () => {
    const { wallet } = await openWallet(dataFolder());
    const zero = '0x' + '00'.repeat(32);
    const err = await wallet.import({ privateKey: zero, passphrase: 'pass-phrase-1' }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'BAD_INPUT', shortMessage: 'That is not a valid private key.' });
    expect((err as Error).message).not.toContain('00'.repeat(32));
    await expect(
      wallet.import({ mnemonic: MNEMONIC.replace('junk', 'test'), passphrase: 'pass-phrase-1' }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT', shortMessage: 'That is not a valid BIP-39 mnemonic.' });
    await expect(wallet.create({})).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(wallet.info().exists).toBe(false);
  });

  it('never replaces a wallet silently; with `replace` the old file is kept aside', async () => {
    const dataDir = dataFolder();
    const { wallet } = await openWallet(dataDir);
    const first = await wallet.create({ passphrase: 'pass-phrase-1' });
    const file = join(dataDir, 'wallet', 'keystore.json');
    const before = readFileSync(file);
    await expect(wallet.create({ passphrase: 'pass-phrase-2' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(readFileSync(file)).toEqual(before);

    const second = await wallet.import({
      privateKey: DEV_PRIVATE_KEYS[2],
      passphrase: 'pass-phrase-2',
      replace: true,
    });
    expect(second.address).not.toBe(first.address);
    const aside = readdirSync(join(dataDir, 'wallet')).filter((n) => n.startsWith('keystore.json.replaced-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dataDir, 'wallet', aside[0]!))).toEqual(before);
  });

  it('reports a damaged keystore clearly and deletes nothing', async () => {
    const dataDir = dataFolder();
    const { wallet } = await openWallet(dataDir);
    await wallet.create({ passphrase: 'pass-phrase-1' });
    const file = join(dataDir, 'wallet', 'keystore.json');
    const damaged = readFileSync(file, 'utf8').slice(0, 150);
    writeFileSync(file, damaged);

    const again = await openWallet(dataDir);
    const info = again.wallet.info();
    expect(info).toMatchObject({ exists: true, locked: true, address: null });
    expect(info.problem).toMatch(/wallet file is damaged/);
    await expect(again.wallet.unlock('pass-phrase-1')).rejects.toMatchObject({
      code: 'IO_FAILED',
      shortMessage: 'The wallet file is damaged.',
    });
    expect(readFileSync(file, 'utf8')).toBe(damaged);

    // A new key goes in; the damaged file stays next to it.
    await again.wallet.import({ privateKey: DEV_PRIVATE_KEYS[3], passphrase: 'pass-phrase-1' });
    const aside = readdirSync(join(dataDir, 'wallet')).find((n) => n.startsWith('keystore.json.damaged-'));
    expect(aside && readFileSync(join(dataDir, 'wallet', aside), 'utf8')).toBe(damaged);
  });

  it('exports an encrypted keystore only while unlocked', async () => {
    const dataDir = dataFolder();
    const { wallet } = await openWallet(dataDir);
    const info = await wallet.import({ privateKey: DEV_PRIVATE_KEYS[0], passphrase: 'pass-phrase-1' });
    const out = await wallet.export('export-pass-2');
    expect(out.filename).toMatch(
      /^UTC--\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d+Z--f39fd6e51aad88f6f4ce6ab8827279cfffb92266\.json$/,
    );
    expect(out.keystore).not.toContain(DEV_PRIVATE_KEYS[0].slice(2));
    expect(await decryptKeystore(JSON.parse(out.keystore), 'export-pass-2')).toBe(DEV_PRIVATE_KEYS[0]);
    await wallet.lock();
    await expect(wallet.export('export-pass-2')).rejects.toMatchObject({ code: 'WALLET_LOCKED' });
    expect(info.address).toBe(MNEMONIC_ADDRESS);
  });
});

describe('wallet sealed by the OS keychain', () => {
  it('seals the key, unseals it at start without a passphrase, and says so', async () => {
    const dataDir = dataFolder();
    const protector = memoryKeyProtector();
    const { wallet } = await openWallet(dataDir, protector);
    const info = await wallet.import({ privateKey: DEV_PRIVATE_KEYS[4] });
    expect(info).toMatchObject({ protection: 'os-keychain', locked: false });
    expect(info.protectionNote).toMatch(/OS keychain \(test keychain\)/);
    expect(JSON.parse(readFileSync(join(dataDir, 'wallet', 'keystore.json'), 'utf8'))).toMatchObject({
      flywheel: 'sealed-key',
      address: info.address,
    });
    expect(filesHoldingKey(dataDir, DEV_PRIVATE_KEYS[4])).toEqual([]);

    const again = await openWallet(dataDir, protector);
    expect(again.wallet.info()).toMatchObject({ locked: false, address: info.address });
    await again.wallet.lock();
    await again.wallet.unlock();
    expect(again.wallet.account().address).toBe(info.address);

    // The headless node has no keychain: the wallet is there but cannot be opened, and says why.
    const headless = await openWallet(dataDir);
    expect(headless.wallet.info()).toMatchObject({ exists: true, locked: true, protection: 'os-keychain' });
    await expect(headless.wallet.unlock()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('uses a passphrase when the keychain is not trustworthy, or when one is given', async () => {
    const untrusted = await openWallet(dataFolder(), memoryKeyProtector({ trusted: false }));
    await expect(untrusted.wallet.create()).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const info = await untrusted.wallet.create({ passphrase: 'pass-phrase-1' });
    expect(info.protection).toBe('passphrase');
    expect(info.protectionNote).toMatch(/basic_text/);

    const chosen = await openWallet(dataFolder(), memoryKeyProtector());
    expect((await chosen.wallet.create({ passphrase: 'pass-phrase-1' })).protection).toBe('passphrase');
  });
});
