import { keccak256, toHex, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveToken } from '../../../src/main/chain/actions/approveToken';
import { readProvider } from '../../../src/main/chain/actions/readProvider';
import { registerProvider } from '../../../src/main/chain/actions/registerProvider';
import { ChainService, txUpdateOf } from '../../../src/main/chain/chainService';
import type { TxRecord } from '../../../src/main/chain/tx/record';
import { EventFeed } from '../../../src/main/chain/sync/feed';
import { EventBus } from '../../../src/main/events';
import { LogSink } from '../../../src/main/log';
import { Wallet } from '../../../src/main/wallet/wallet';
import { DEV_PRIVATE_KEYS, useAnvil } from '../../helpers/anvil';
import { until } from '../../helpers/chain';
import { deployMarket, TOKEN, type Market } from '../../helpers/market';
import { memoryKeyProtector } from '../../helpers/memoryKeyProtector';
import { tempDir } from '../../helpers/tmp';

const sink = new LogSink({ consoleLevel: 'silent' });

describe('chain service: connection, heads, the wallet’s transaction manager and the event copy', () => {
  const chain = useAnvil({ chainId: 31337 });
  let market: Market;
  let service: ChainService;
  let feed: EventFeed;
  let wallet: Wallet;
  const { dir, cleanup } = tempDir('flywheel-chain-');
  const events = new EventBus();
  const txEvents: string[] = [];
  events.subscribe((m) => m.name === 'tx.updated' && txEvents.push(`${m.payload.label}:${m.payload.status}`));

  beforeAll(async () => {
    market = await deployMarket(chain.rpcUrl);
    wallet = await Wallet.open({
      dir: `${dir}/wallet`,
      protector: memoryKeyProtector(),
      payoutAddress: () => null,
      log: sink.logger('wallet'),
    });
    await wallet.import({ privateKey: DEV_PRIVATE_KEYS[3] });
    service = new ChainService({ dataDir: dir, wallet, events, log: sink.logger('chain') });
    feed = new EventFeed({
      chain: service,
      dataDir: dir,
      log: sink.logger('feed'),
      account: () => wallet.address,
    });
  });
  afterAll(async () => {
    feed?.close();
    await service?.close();
    await market?.close();
    cleanup();
  });

  it('connects, follows new heads through the WebSocket and reports the block number', async () => {
    await service.connect(market.endpoint());
    expect(service.connected).toBe(true);
    const before = service.head()!.number;
    await market.fund(market.genesis, wallet.address!, 500n * TOKEN);
    await until('a new head', () => (service.head()?.number ?? 0n) > before, 5_000);
    expect(service.networkStatus()).toMatchObject({ connected: true, chainId: 31337 });
    expect(Math.abs(service.now() - Date.now() / 1000)).toBeLessThan(5);
  });

  it('signs with the unlocked wallet and stops signing when it locks', async () => {
    const client = await service.actionClient();
    expect(client.tx.address).toBe(wallet.address);
    await approveToken(client, { token: market.genesis.token, spender: market.genesis.economy });
    await registerProvider(client, {
      economy: market.genesis.economy,
      bond: 200n * TOKEN,
      kinds: ['inference'],
      capacity: 2,
    });
    // The same registration again is recognised on-chain: nothing is sent.
    const again = await registerProvider(client, {
      economy: market.genesis.economy,
      bond: 200n * TOKEN,
      kinds: ['inference'],
      capacity: 2,
    });
    expect(again.hash).toBeNull();
    expect(
      (await readProvider(client, { economy: market.genesis.economy, account: wallet.address! })).status,
    ).toBe('Active');
    expect(txEvents).toContain('Register as a provider:confirmed');
    await wallet.lock();
    await until('the manager closed', () => service.tx === null);
    await expect(service.actionClient()).rejects.toMatchObject({ code: 'WALLET_LOCKED' });
    await wallet.unlock();
    await until('the manager reopened', () => service.tx !== null);
  });

  it('keeps a copy of every economy event, reads forks from their creation block and survives a restart', async () => {
    const modelHash = await market.registerModel(market.genesis.economy, new Uint8Array([1, 2, 3]), 'blob:x');
    const fork = await market.fork({ name: 'Fork', symbol: 'FRK' });
    const jobId = await market.post({
      economy: fork.economy,
      modelHash,
      inputHash: keccak256(toHex('in')),
      inputUri: 'blob:in',
    });
    await until('the fork’s job in the copy', async () => {
      await feed.refresh();
      return feed
        .sync!.all()
        .some((l) => l.name === 'JobPosted' && l.address === fork.economy && l.args.jobId === String(jobId));
    });
    const names = feed.sync!.all().map((l) => l.name);
    expect(names).toEqual(
      expect.arrayContaining(['EconomyCreated', 'ProviderRegistered', 'ModelRegistered']),
    );
    expect(feed.sync!.economies().sort()).toEqual([market.genesis.economy, fork.economy].sort() as Address[]);
    const count = feed.sync!.all().length;

    // A new service over the same data folder starts from the stored cursor with the same events.
    feed.close();
    feed = new EventFeed({
      chain: service,
      dataDir: dir,
      log: sink.logger('feed'),
      account: () => wallet.address,
    });
    expect(feed.sync!.all().length).toBeGreaterThanOrEqual(count - 10);
    await feed.refresh();
    expect(feed.sync!.all().length).toBe(count);
  });
});

describe('what the UI hears of a transaction (tx.updated)', () => {
  const economy = '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address;
  const record = (key: string, state: TxRecord['state'], extra: Partial<TxRecord> = {}): TxRecord => ({
    v: 1,
    key,
    state,
    from: economy,
    chainId: 31337,
    request: { to: economy, value: '0', gas: '21000' },
    nonce: 3,
    attempts: [
      { hash: `0x${'a'.repeat(64)}`, raw: '0x', maxFeePerGas: '1', maxPriorityFeePerGas: '1', at: 0 },
    ],
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  });

  it('names the economy from the key and marks the job loop’s own transactions routine', () => {
    expect(
      txUpdateOf(record(`withdraw:${economy.toLowerCase()}:5:9`, 'pending', { label: 'Withdraw' })),
    ).toEqual({
      label: 'Withdraw',
      hash: `0x${'a'.repeat(64)}`,
      economy,
      status: 'pending',
    });
    for (const action of ['assign', 'submitResult', 'declineJob', 'finalize'])
      expect(txUpdateOf(record(`${action}:${economy}:7`, 'confirmed'))).toMatchObject({ routine: true });
    expect(
      txUpdateOf(record(`submitResult:${economy}:7`, 'reverted', { error: 'execution reverted' })),
    ).toMatchObject({ routine: true, status: 'failed', error: 'execution reverted' });
  });

  it('says nothing of a transaction without a hash yet, or one already reported done', () => {
    expect(txUpdateOf(record('approve:x', 'pending', { attempts: [] }))).toBeNull();
    expect(txUpdateOf(record('approve:x', 'done'))).toBeNull();
  });
});
