import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEventMessage } from '../../../src/shared/api';
import type { WalletInfo } from '../../../src/shared/api/wallet';
import { createNode } from '../../../src/main/node';
import { decryptKeystore } from '../../../src/main/wallet/keystore';
import { DEV_PRIVATE_KEYS } from '../../helpers/anvil';
import { filesHoldingKey } from '../../helpers/secrets';
import { tempDir } from '../../helpers/tmp';

const ctx = { bridge: 'test' as const };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function nodeIn(dataDir: string) {
  const node = await createNode({ dataDir, shell: 'headless', consoleLogLevel: 'silent' });
  const events: WalletInfo[] = [];
  node.events.subscribe((m: ApiEventMessage) => {
    if (m.name === 'wallet.changed') events.push(m.payload as WalletInfo);
  });
  cleanups.push(() => node.close());
  return { node, events };
}

async function call(node: Awaited<ReturnType<typeof nodeIn>>['node'], name: string, payload: unknown) {
  const env = await node.dispatch(name, payload, ctx);
  if (!env.ok) throw Object.assign(new Error(env.error.shortMessage), env.error);
  return env.result as never;
}

describe('wallet through the node API', () => {
  it('imports, locks, unlocks and exports over the contract; the key never lands on disk or in a result', async () => {
    const { dir, cleanup } = tempDir('flywheel-node-wallet-');
    cleanups.push(cleanup);
    const { node, events } = await nodeIn(dir);

    expect(await call(node, 'wallet.get', {})).toMatchObject({ exists: false, protection: null });
    const imported: WalletInfo = await call(node, 'wallet.import', {
      privateKey: DEV_PRIVATE_KEYS[1],
      passphrase: 'node-pass-1',
    });
    expect(imported).toMatchObject({ exists: true, locked: false, protection: 'passphrase' });
    expect(JSON.stringify(imported)).not.toContain(DEV_PRIVATE_KEYS[1].slice(2));
    expect(events.at(-1)).toEqual(imported);
    expect(node.wallet.account().address).toBe(imported.address);

    // The payout address is a setting; the wallet event follows it.
    await call(node, 'settings.update', {
      patch: { payoutAddress: '0x000000000000000000000000000000000000dEaD' },
    });
    expect(events.at(-1)?.payoutAddress).toBe('0x000000000000000000000000000000000000dEaD');

    await call(node, 'wallet.lock', {});
    expect(events.at(-1)?.locked).toBe(true);
    await expect(
      call(node, 'wallet.export', { passphrase: 'export-pass', confirm: true }),
    ).rejects.toMatchObject({
      code: 'WALLET_LOCKED',
    });
    await expect(call(node, 'wallet.unlock', { passphrase: 'node-pass-2' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await call(node, 'wallet.unlock', { passphrase: 'node-pass-1' });
    const exported: { keystore: string } = await call(node, 'wallet.export', {
      passphrase: 'export-pass',
      confirm: true,
    });
    expect(await decryptKeystore(JSON.parse(exported.keystore), 'export-pass')).toBe(DEV_PRIVATE_KEYS[1]);

    // Logs, settings, keystore: nothing in the data folder holds the key.
    expect(filesHoldingKey(dir, DEV_PRIVATE_KEYS[1])).toEqual([]);
    const logText = node.logs
      .recent(500)
      .map((e) => JSON.stringify(e))
      .join('\n');
    expect(logText).not.toContain(DEV_PRIVATE_KEYS[1].slice(2));

    // A restarted node finds the wallet locked.
    await node.close();
    const { node: again } = await nodeIn(dir);
    expect(await call(again, 'wallet.get', {})).toMatchObject({ address: imported.address, locked: true });
  });
});
