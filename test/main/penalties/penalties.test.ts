import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EconomySummary, Penalty } from '../../../src/shared/api';
import { readJob } from '../../../src/main/chain/actions/readJob';
import { reportTimeout } from '../../../src/main/chain/actions/reportTimeout';
import { useAnvil } from '../../helpers/anvil';
import { anvilControl, until } from '../../helpers/chain';
import { deployMarket, TOKEN, type Market, testWindows } from '../../helpers/market';
import { memoryKeyProtector } from '../../helpers/memoryKeyProtector';
import { startProviderNode, tinyInput, tinyModel, type ProviderNode } from '../../helpers/provider';
import { tempDir } from '../../helpers/tmp';

describe(
  'penalties: a job drawn while the node was away is a no-show, not a slash, and the node shows why',
  { timeout: 120_000 },
  () => {
    const chain = useAnvil({ chainId: 31337 });
    const { dir, cleanup } = tempDir('flywheel-penalties-');
    const protector = memoryKeyProtector();
    let market: Market;
    let p: ProviderNode;

    beforeAll(async () => {
      market = await deployMarket(chain.rpcUrl, {
        params: testWindows({ acceptWindowS: 10, minDeadlineS: 30 }),
      });
      p = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 2, dataDir: dir, protector });
      await market.fund(market.genesis, p.address, 1_000n * TOKEN);
    }, 60_000);
    afterAll(async () => {
      await p?.stop();
      await market?.close();
      cleanup();
    });

    it('records the no-show with its evidence and advice; nothing is slashed and no strike counts', async () => {
      const economy = market.genesis.economy;
      const model = await p.put(tinyModel());
      const input = await p.put(tinyInput(1));
      await market.registerModel(economy, tinyModel(), model.uri);
      await p.call('provider.join', { economy, bond: (200n * TOKEN).toString() });
      await p.call('provider.start');
      // The node goes away without an orderly stop (its key gone first, as after a kill -9: an orderly stop would
      // pause on-chain), its switch still on, and a job is drawn to it meanwhile.
      await p.node.wallet.lock();
      await p.stop(true);
      const { jobId, drawn } = await market.postDrawn({
        economy,
        modelHash: model.hash,
        inputHash: input.hash,
        inputUri: input.uri,
        deadlineS: 30,
      });
      expect(drawn).toBe(true);
      const job = await readJob(market.requester, { economy, jobId });
      // Its accept window passes without an answer: anyone may report the no-show.
      await anvilControl(chain.rpcUrl).increaseTime({ seconds: 11 });
      await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
      await reportTimeout(market.requester, { economy, jobId, deadline: BigInt(job.deadline) });

      // Back: the chain's record of what happened while it was away.
      p = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 2, dataDir: dir, protector });
      let penalties: Penalty[] = [];
      await until('the penalties', async () => {
        penalties = await p.call<Penalty[]>('penalties.list');
        return penalties.length >= 1;
      });
      expect(penalties).toHaveLength(1);
      expect(penalties[0]).toMatchObject({
        kind: 'no-show',
        economy,
        jobId: String(jobId),
        amount: null,
        evidence: { reason: '1 in a row without accepting (the provider is paused at 3)' },
      });
      expect(penalties[0]!.txHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(penalties[0]!.advice).toMatch(/not accepted inside its accept window.*without a slash/);
      const m = (await p.call<EconomySummary>('economies.get', { economy: economy })).membership;
      expect(m.strikes).toBe(0);
    });
  },
);
