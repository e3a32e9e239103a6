import { decodeFunctionData, encodeFunctionData, type Address, type Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../../src/shared/api';
import { economyAbi } from '../../../src/main/chain/artifacts';
import { readJob } from '../../../src/main/chain/actions/readJob';
import { readProvider } from '../../../src/main/chain/actions/readProvider';
import { useAnvil } from '../../helpers/anvil';
import { devClient, until } from '../../helpers/chain';
import { startFlakyRpc, type FlakyRpc } from '../../helpers/flakyRpc';
import { deployMarket, TOKEN, type Market, testWindows } from '../../helpers/market';
import { startProviderNode, tinyInput, tinyModel, type ProviderNode } from '../../helpers/provider';

const JOBS = 10;

describe(
  'the provider node behind an RPC that drops ~20 % of requests, answers 503 and stalls',
  { timeout: 180_000 },
  () => {
    const chain = useAnvil({ chainId: 31337 });
    let market: Market;
    let proxy: FlakyRpc;
    let p: ProviderNode;
    let economy: Address;

    beforeAll(async () => {
      market = await deployMarket(chain.rpcUrl, {
        params: testWindows({ acceptWindowS: 15, minDeadlineS: 40 }),
      });
      economy = market.genesis.economy;
      proxy = await startFlakyRpc({
        target: chain.rpcUrl,
        dropRate: 0.2,
        errorRate: 0.05,
        spikeRate: 0.05,
        seed: 7,
      });
      // The proxy speaks HTTP only: the node's head subscription fails over to polling, as on a plain RPC.
      p = await startProviderNode({
        endpoint: market.endpoint({ rpcUrl: proxy.url, wsUrl: null }),
        keyIndex: 3,
      });
      await market.fund(market.genesis, p.address, 1_000n * TOKEN);
    }, 120_000);
    /** Posts a job of this model on this input, with a 60 s deadline, and draws its provider. */
    const post = (model: { hash: Hash }, input: { hash: Hash; uri: string }) =>
      market.postDrawn({
        economy,
        modelHash: model.hash,
        inputHash: input.hash,
        inputUri: input.uri,
        deadlineS: 60,
      });

    afterAll(async () => {
      await p?.stop();
      await proxy?.stop();
      await market?.close();
    });

    it('finishes every job with contiguous nonces, one submission each', async () => {
      const model = await p.put(tinyModel());
      await market.registerModel(economy, tinyModel(), model.uri);
      await p.call('provider.join', { economy, bond: (300n * TOKEN).toString() });
      await p.call('provider.start');
      // Active on-chain before the first post (the resume may need a second try through this RPC): a paused
      // provider has no place in the draw, and every job posted meanwhile would be undrawable.
      await until(
        'the provider active on-chain',
        async () =>
          (await readProvider(market.requester, { economy, account: p.address })).status === 'Active',
        30_000,
      );
      const jobs: bigint[] = [];
      const undrawable: bigint[] = [];
      for (let i = 0; jobs.length < JOBS; i++) {
        const input = await p.put(tinyInput(i));
        const { jobId, drawn } = await post(model, input);
        (drawn ? jobs : undrawable).push(jobId);
        // A few at a time: the provider's declared capacity is not what this test is about.
        await until(
          'room for another job',
          async () => {
            const states = await Promise.all(
              jobs.map((jobId) => readJob(market.requester, { economy, jobId })),
            );
            return states.filter((s) => s.status !== 'Finalized').length < 3;
          },
          120_000,
        );
      }
      await until(
        'every job finalized',
        async () => {
          const states = await Promise.all(
            jobs.map((jobId) => readJob(market.requester, { economy, jobId })),
          );
          return states.every((s) => s.status === 'Finalized' && s.provider === p.address);
        },
        120_000,
      );
      expect(proxy.stats.dropped + proxy.stats.lostAnswers + proxy.stats.unavailable).toBeGreaterThan(20);
      expect(undrawable.length).toBeLessThan(3);
      await market.cancelUndrawable(economy, undrawable, chain.rpcUrl);

      // The account's transactions on-chain: nonces 0 … n−1, each used once, nothing pending behind a gap.
      const client = devClient(chain.rpcUrl);
      const latest = await client.getTransactionCount({ address: p.address, blockTag: 'latest' });
      await until(
        'nothing pending',
        async () =>
          (await client.getTransactionCount({ address: p.address, blockTag: 'pending' })) === latest,
      );
      const nonces: number[] = [];
      const submits = new Map<string, number>();
      const head = await client.getBlockNumber();
      for (let b = market.startBlock; b <= head; b++) {
        const block = await client.getBlock({ blockNumber: b, includeTransactions: true });
        for (const tx of block.transactions) {
          if (tx.from.toLowerCase() !== p.address.toLowerCase()) continue;
          nonces.push(tx.nonce);
          if (tx.to?.toLowerCase() === economy.toLowerCase()) {
            const call = decodeFunctionData({ abi: economyAbi, data: tx.input });
            if (call.functionName === 'submitResult') {
              const key = String(call.args[0]);
              submits.set(key, (submits.get(key) ?? 0) + 1);
            }
          }
        }
      }
      expect(nonces.sort((a, b) => a - b)).toEqual(Array.from({ length: latest }, (_, i) => i));
      expect([...submits.entries()].sort()).toEqual(jobs.map((j) => [String(j), 1]).sort());
      // The node's own view catches up with the chain (its copy follows heads polled through the same proxy).
      await until('the node’s job list', async () => {
        const mine = await p.call<JobSummary[]>('jobs.list', { mine: true });
        return mine.filter((j) => j.status === 'Finalized').length === JOBS;
      });
    });

    it('runs a job whose model read failed mid-pipeline once the RPC answers, instead of failing it', async () => {
      proxy.set({ dropRate: 0, errorRate: 0, spikeRate: 0 });
      const model = await p.put(tinyModel());
      // The model look-up is read only by the job pipeline, after the job is journaled as assigned. viem tries a
      // read four times; six failures outlast that, so the pipeline itself meets the failure.
      const selector = encodeFunctionData({
        abi: economyAbi,
        functionName: 'model',
        args: [model.hash],
      }).slice(0, 10);
      const unavailable = proxy.stats.unavailable;
      proxy.failCalls(selector, 6);
      const input = await p.put(tinyInput(1000));
      const { jobId, drawn } = await post(model, input);
      expect(drawn).toBe(true);
      await until(
        'the job finalized by this node',
        async () => {
          const s = await readJob(market.requester, { economy, jobId });
          return s.status === 'Finalized' && s.provider === p.address;
        },
        60_000,
      );
      expect(proxy.stats.unavailable - unavailable).toBe(6);
    });
  },
);
