import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogSink } from '../../../src/main/log';
import { FLEET_KEY_LABEL, FleetStore, type TokenKeySource } from '../../../src/main/fleet/store';
import { Wallet } from '../../../src/main/wallet/wallet';
import { memoryKeyProtector } from '../../helpers/memoryKeyProtector';
import { tempDir } from '../../helpers/tmp';

const quiet = new LogSink({ consoleLevel: 'silent' });
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

async function walletKeys(): Promise<{ wallet: Wallet; keys: TokenKeySource; dir: string }> {
  const { dir, cleanup } = tempDir('flywheel-fleet-store-');
  cleanups.push(cleanup);
  const wallet = await Wallet.open({
    dir: join(dir, 'wallet'),
    protector: memoryKeyProtector(),
    payoutAddress: () => null,
    log: quiet.logger('wallet'),
  });
  await wallet.create();
  return {
    wallet,
    dir,
    keys: { address: () => wallet.address, key: () => wallet.deriveKey(FLEET_KEY_LABEL) },
  };
}

const TOKEN = 'tok_' + 'A'.repeat(40);

describe('the fleet file', () => {
  it('opens a token only with the wallet that sealed it, unlocked, in the entry it was sealed for', async () => {
    const { wallet, keys, dir } = await walletKeys();
    const file = join(dir, 'fleet.json');
    const store = new FleetStore(file);
    const entry = store.add(
      { id: '0123456789abcdef', label: 'rig', origin: 'http://127.0.0.1:7421', addedAt: 1 },
      TOKEN,
      keys,
    );
    expect(store.token(entry, keys)).toEqual({ token: TOKEN });
    // Read back from disk by a new store: the same.
    const again = new FleetStore(file);
    expect(again.token(again.entries()[0]!, keys)).toEqual({ token: TOKEN });
    expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);

    // Moved to another entry (another node's address), the sealed token does not open.
    const moved = { ...entry, origin: 'http://127.0.0.1:9999' };
    expect(store.token(moved, keys)).toEqual({
      problem: 'Its stored token is damaged: remove the node and add it again.',
    });
    // Another wallet cannot read it, and says which one sealed it.
    const other = await walletKeys();
    expect(store.token(entry, other.keys)).toMatchObject({
      problem: expect.stringContaining(`encrypted with the wallet ${wallet.address}`),
    });
    // Locked: unreadable, in words.
    await wallet.lock();
    expect(() => wallet.deriveKey(FLEET_KEY_LABEL)).toThrow(/locked/);
    expect(store.token(entry, keys)).toEqual({
      problem: 'The wallet is locked: fleet tokens are unreadable until it is unlocked.',
    });
  });

  it('keeps a damaged file as it is and writes nothing over it', async () => {
    const { keys, dir } = await walletKeys();
    const file = join(dir, 'fleet.json');
    writeFileSync(file, '{ not json');
    const store = new FleetStore(file);
    expect(store.problem?.shortMessage).toBe('The fleet file is not valid JSON.');
    expect(store.entries()).toEqual([]);
    expect(() =>
      store.add({ id: '0123456789abcdef', label: 'rig', origin: 'http://x', addedAt: 1 }, TOKEN, keys),
    ).toThrow('The fleet file is not valid JSON.');
    expect(readFileSync(file, 'utf8')).toBe('{ not json');
  });

  it('derives a different key for each label, the same one each time', async () => {
    const { wallet } = await walletKeys();
    expect(wallet.deriveKey('a')).toEqual(wallet.deriveKey('a'));
    expect(wallet.deriveKey('a')).not.toEqual(wallet.deriveKey('b'));
    expect(wallet.deriveKey('a')).toHaveLength(32);
  });
});
