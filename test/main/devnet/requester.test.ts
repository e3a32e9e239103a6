import { keccak256, toHex, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJob } from '../../../src/main/chain/actions/readJob';
import { readAccount } from '../../../src/main/chain/actions/readAccount';
import type { BoardJob } from '../../../src/main/devnet/market/board';
import type { JobInfo } from '../../../src/main/devnet/market/jobInfo';
import type { MarketBlobs } from '../../../src/main/devnet/market/references';
import { DemoRequester } from '../../../src/main/devnet/market/requester';
import type { MarketStore } from '../../../src/main/devnet/market/state';
import { useAnvil } from '../../helpers/anvil';
import { anvilControl } from '../../helpers/chain';
import { deployMarket, TOKEN, type Market } from '../../helpers/market';
import { quietLog } from './helpers';

/**
 * The devnet's demo requester on a real anvil with no provider at all: its posts cannot be drawn, so once the
 * contract lets it (256 blocks after the draw block) it cancels them, gets the fees back, and they stop counting as
 * backlog — a market nobody serves no longer silences it for good.
 */
describe('the demo requester cancels its stuck posts', () => {
  const chain = useAnvil({ chainId: 31337 });
  let market: Market;
  let economy: Address;
  const jobIds: bigint[] = [];

  beforeAll(async () => {
    market = await deployMarket(chain.rpcUrl);
    economy = market.genesis.economy;
    const modelHash = await market.registerModel(economy, new TextEncoder().encode('a model'), 'blob:model');
    for (let i = 0; i < 2; i++) {
      jobIds.push(
        await market.post({
          economy,
          modelHash,
          inputHash: keccak256(toHex(`input ${i}`)),
          inputUri: `blob:input-${i}`,
          fee: 3n * TOKEN,
        }),
      );
    }
  }, 60_000);

  afterAll(async () => {
    await market?.close();
  });

  it('counts undrawable posts as backlog until they may be cancelled, then cancels them and gets the fees back', async () => {
    const openJobs = async (): Promise<BoardJob[]> => {
      const jobs = await Promise.all(
        jobIds.map(async (jobId) => ({
          economy,
          jobId,
          job: await readJob(market.requester, { economy, jobId }),
        })),
      );
      return jobs.filter((j) => j.job.status !== 'Refunded');
    };
    let current = await openJobs();
    // Only tidy() runs here: posting (blobs, store, job info, workloads) is the market test's.
    const requester = new DemoRequester({
      requester: market.requester,
      economies: [],
      models: [],
      workloads: [],
      blobs: {} as MarketBlobs,
      store: {} as MarketStore,
      jobInfo: {} as JobInfo,
      openJobs: () => current,
      log: quietLog,
    });
    const claimable = async () =>
      (await readAccount(market.requester, { economy, account: market.requester.tx.address })).claimable;

    expect(current.map((j) => j.job.status)).toEqual(['Posted', 'Posted']);
    expect(await requester.tidy(economy)).toEqual({ posted: 2, open: 2, cancelled: 0 });

    await anvilControl(chain.rpcUrl).mine({ blocks: 257 });
    current = await openJobs();
    const before = await claimable();
    expect(await requester.tidy(economy)).toEqual({ posted: 0, open: 0, cancelled: 2 });
    for (const jobId of jobIds)
      expect((await readJob(market.requester, { economy, jobId })).status).toBe('Refunded');
    expect(requester.cancelled).toBe(2);
    // Both fees are back in the requester's claimable balance.
    expect((await claimable()) - before).toBe(6n * TOKEN);
  }, 60_000);
});
