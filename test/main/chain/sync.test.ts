import { keccak256, toHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainSync } from '../../../src/main/chain/sync/chainSync';
import { LogSink } from '../../../src/main/log';
import { useAnvil } from '../../helpers/anvil';
import { devClient } from '../../helpers/chain';
import { deployMarket, type Market } from '../../helpers/market';
import { tempDir } from '../../helpers/tmp';

const sink = new LogSink({ consoleLevel: 'silent' });

describe('the event copy on a real anvil: stored cursor, reorganisations of a few blocks, deeper ones', () => {
  const chain = useAnvil({ chainId: 31337 });
  const { dir, cleanup } = tempDir('flywheel-sync-');
  let market: Market;
  let modelHash: `0x${string}`;
  const rpc = async (method: string, params: unknown[]) => {
    const res = await fetch(chain.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return ((await res.json()) as { result: unknown }).result;
  };
  const head = async () => devClient(chain.rpcUrl).getBlockNumber({ cacheTime: 0 });
  const open = () =>
    ChainSync.open({
      file: `${dir}/events.jsonl`,
      client: devClient(chain.rpcUrl),
      factory: market.factory,
      startBlock: market.startBlock,
      reorgDepth: 3,
      maxRange: 7,
      keep: () => true,
      log: sink.logger('sync'),
    });

  beforeAll(async () => {
    market = await deployMarket(chain.rpcUrl);
    modelHash = await market.registerModel(market.genesis.economy, new Uint8Array([9]), 'blob:m');
  });
  afterAll(async () => {
    await market?.close();
    cleanup();
  });

  const post = (n: number) =>
    market.post({
      economy: market.genesis.economy,
      modelHash,
      inputHash: keccak256(toHex(`input ${n}`)),
      inputUri: `blob:${keccak256(toHex(`input ${n}`)).slice(2)}`,
    });

  it('reads every economy event in small ranges and writes settled ones down with the cursor', async () => {
    const sync = open();
    // Until the first sync has finished, the copy does not claim to know the chain (callers wait on `head`).
    const first = sync.sync(await head());
    expect(sync.head).toBeNull();
    const change = await first;
    expect(sync.head).toBe(change.head);
    expect(change.removed).toEqual([]);
    const names = change.added.map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['EconomyCreated', 'ModelRegistered']));
    expect(sync.economies()).toEqual([market.genesis.economy]);
    sync.close();
    // A new copy over the same file knows the settled events without reading the chain.
    const settled = change.head - 3n;
    const again = open();
    expect(again.all().map((l) => l.id)).toEqual(
      change.added.filter((l) => BigInt(l.block) <= settled).map((l) => l.id),
    );
    again.close();
  });

  it('takes back events a reorganisation of the last blocks removed, and adds what replaced them', async () => {
    const sync = open();
    await sync.sync(await head());
    const jobId = await post(1);
    const seen = await sync.sync(await head());
    const posted = seen.added.find((l) => l.name === 'JobPosted' && l.args.jobId === String(jobId))!;
    expect(posted).toBeDefined();
    // The block with the post is replaced by an empty one: the post never happened on this chain.
    await rpc('anvil_reorg', [1, []]);
    const after = await sync.sync(await head());
    expect(after.removed.map((l) => l.id)).toContain(posted.id);
    expect(sync.all().some((l) => l.id === posted.id)).toBe(false);
    // What the new chain holds instead is read as new (another account: the requester's nonce went back with it).
    const other = await market.registerModel(market.genesis.economy, new Uint8Array([7]), 'blob:n');
    const next = await sync.sync(await head());
    expect(next.added.some((l) => l.name === 'ModelRegistered' && l.args.modelHash === other)).toBe(true);
    sync.close();
  });

  it('starts over when the chain no longer has the block it settled at (a deeper reorganisation, a reset)', async () => {
    const sync = open();
    await sync.sync(await head());
    for (let i = 0; i < 6; i++)
      await market.registerModel(market.genesis.economy, new Uint8Array([20 + i]), 'blob:x');
    await sync.sync(await head());
    const before = sync.all().filter((l) => l.name === 'ModelRegistered').length;
    await rpc('anvil_reorg', [6, []]);
    const change = await sync.sync(await head());
    expect(change.removed.filter((l) => l.name === 'ModelRegistered').length).toBeGreaterThanOrEqual(6);
    expect(sync.all().filter((l) => l.name === 'ModelRegistered').length).toBe(before - 6);
    expect(sync.economies()).toEqual([market.genesis.economy]);
    sync.close();
  });
});
