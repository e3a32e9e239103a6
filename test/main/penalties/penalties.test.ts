import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EarningsReport, EconomySummary, NetworkPenalty, Penalty } from '../../../src/shared/api';
import { readJob } from '../../../src/main/chain/actions/readJob';
import { reportTimeout } from '../../../src/main/chain/actions/reportTimeout';
import { useAnvil } from '../../helpers/anvil';
import { anvilControl, until } from '../../helpers/chain';
import { deployMarket, TOKEN, type Market, testWindows } from '../../helpers/market';
import { memoryKeyProtector } from '../../helpers/memoryKeyProtector';
import { startProviderNode, tinyInput, tinyModel, type ProviderNode } from '../../helpers/provider';
import { tempDir } from '../../helpers/tmp';

describe(
  'penalties: a job drawn while the node was away times out, and the node shows why',
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

    it('records the timeout, the slash and the strike with their evidence and advice', async () => {
      const economy = market.genesis.economy;
      const model = await p.put(tinyModel());
      const input = await p.put(tinyInput(1));
      await market.registerModel(economy, tinyModel(), model.uri);
      await p.call('provider.join', { economyId: economy, bond: (200n * TOKEN).toString() });
      await p.call('provider.start');
      // The node goes away (its switch stays on: it meant to provide), and a job is drawn to it meanwhile.
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
      await anvilControl(chain.rpcUrl).increaseTime({ seconds: 31 });
      await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
      await reportTimeout(market.requester, { economy, jobId, deadline: BigInt(job.deadline) });

      // Back: the chain's record of what happened while it was away.
      p = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 2, dataDir: dir, protector });
      let penalties: Penalty[] = [];
      await until('the penalties', async () => {
        penalties = await p.call<Penalty[]>('penalties.list');
        return penalties.length >= 3;
      });
      const collateral = 5n * TOKEN; // max(2 × the 2-token fee, the 5-token minimum)
      expect(penalties.map((x) => x.kind).sort()).toEqual(['slash', 'strike', 'timeout']);
      const timeout = penalties.find((x) => x.kind === 'timeout')!;
      expect(timeout).toMatchObject({
        economyId: economy,
        jobId: String(jobId),
        evidence: { deadline: job.deadline, submittedAt: null, reason: 'this node has no record of the job' },
      });
      expect(timeout.txHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(timeout.advice).toMatch(/Keep the node running while providing/);
      expect(penalties.find((x) => x.kind === 'slash')).toMatchObject({ amount: collateral.toString() });
      expect(penalties.find((x) => x.kind === 'strike')!.evidence.reason).toBe('strike 1 of 3');
      const earnings = await p.call<EarningsReport>('earnings.get');
      expect(earnings.economies[0]).toMatchObject({
        slashed: collateral.toString(),
        bonded: (200n * TOKEN - collateral).toString(),
      });
      expect(earnings.history.filter((h) => h.kind === 'slash')).toHaveLength(1);
      const m = (await p.call<EconomySummary>('economies.get', { id: economy })).membership;
      expect(m.strikes).toBe(1);

      // Its own slash is not "the network's"; another node on the same chain sees it there.
      expect(await p.call<NetworkPenalty[]>('penalties.network')).toEqual([]);
      const other = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 3, protector });
      try {
        let seen: NetworkPenalty[] = [];
        await until('the slash seen from another node', async () => {
          seen = await other.call<NetworkPenalty[]>('penalties.network');
          return seen.length > 0;
        });
        expect(seen).toHaveLength(1);
        expect(seen[0]!.provider.toLowerCase()).toBe(p.address.toLowerCase());
        expect(seen[0]).toMatchObject({
          kind: 'slash',
          economyId: economy,
          jobId: String(jobId),
          amount: collateral.toString(),
          reason: 'it missed the deadline',
        });
      } finally {
        await other.stop();
      }
    });
  },
);
