import { createPublicClient, http, type Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TxManager, type TxOutcome } from '../../../../src/main/chain/tx/manager';
import { LogSink } from '../../../../src/main/log';
import { useAnvil } from '../../../helpers/anvil';
import { devAccount, devClient } from '../../../helpers/chain';
import { startFlakyRpc, type FlakyRpc } from '../../../helpers/flakyRpc';
import { tempDir } from '../../../helpers/tmp';

describe('transaction manager through a flaky RPC', () => {
  const chain = useAnvil();
  let proxy: FlakyRpc;
  let cleanup: () => void;
  let dataDir: string;
  beforeAll(async () => {
    // FLAKY_SEED replays another pattern of failures (the proxy draws them from this seed).
    proxy = await startFlakyRpc({
      target: chain.rpcUrl,
      dropRate: 0.2,
      errorRate: 0.05,
      spikeRate: 0.05,
      seed: 42,
    });
    ({ dir: dataDir, cleanup } = tempDir('flywheel-flaky-'));
  });
  afterAll(async () => {
    await proxy.stop();
    cleanup();
  });

  it('confirms 30 transactions with contiguous nonces and no duplicate, though 1 request in 4 fails', async () => {
    const account = devAccount(6);
    const to = devAccount(7).address;
    // viem's own retries are off: the manager must cope with every failure itself.
    const client = createPublicClient({
      transport: http(proxy.url, { retryCount: 0, timeout: 5_000 }),
      pollingInterval: 20,
    });
    const manager = await TxManager.open({
      client,
      account,
      dataDir,
      log: new LogSink({ consoleLevel: 'silent' }).logger('tx'),
      pollingIntervalMs: 20,
      rpcAttempts: 12,
    });
    const values = Array.from({ length: 30 }, (_, i) => BigInt(i + 1));
    const outcomes: TxOutcome[] = [];
    // In waves, as a job loop submits: several in flight at once.
    for (let wave = 0; wave < 30; wave += 10) {
      outcomes.push(
        ...(await Promise.all(
          values.slice(wave, wave + 10).map((value) => manager.submit({ key: `pay:${value}`, to, value })),
        )),
      );
    }
    await manager.close();

    expect(outcomes.every((o) => o.status === 'confirmed')).toBe(true);
    // Read the chain directly, past the proxy: exactly 30 transactions from the account, nonces 0..29, each value once.
    const direct = devClient(chain.rpcUrl);
    expect(await direct.getTransactionCount({ address: account.address })).toBe(30);
    const head = await direct.getBlockNumber();
    const mine: { nonce: number; value: bigint; hash: Hash }[] = [];
    for (let n = 1n; n <= head; n++) {
      const block = await direct.getBlock({ blockNumber: n, includeTransactions: true });
      for (const tx of block.transactions)
        if (tx.from.toLowerCase() === account.address.toLowerCase()) mine.push(tx);
    }
    expect(mine.map((t) => t.nonce).sort((a, b) => a - b)).toEqual(values.map((_, i) => i));
    expect(mine.map((t) => t.value).sort((a, b) => Number(a - b))).toEqual(values);
    expect(new Set(outcomes.map((o) => (o.status === 'confirmed' ? o.hash : ''))).size).toBe(30);
    // The proxy really misbehaved, including answers lost after the chain acted.
    expect(proxy.stats.dropped).toBeGreaterThan(5);
    expect(proxy.stats.lostAnswers).toBeGreaterThan(5);
    expect(proxy.stats.unavailable).toBeGreaterThan(0);
    expect(proxy.stats.methods.eth_sendRawTransaction).toBeGreaterThanOrEqual(30);
  }, 60_000);
});
