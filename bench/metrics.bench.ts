/**
 * What a Prometheus scrape of `/metrics` costs the node: a provider node on anvil runs a few jobs (so every family
 * has series: jobs, run times, earnings, bond, chain, engine), then its registry is rendered 100 times and the
 * node process's CPU time per render is taken. The baseline is the bare library in the same run: a prom-client
 * registry holding only its default process metrics.
 */
import type { Hash } from 'viem';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { startAnvil } from '../src/main/chain/anvil';
import type { JobSummary } from '../src/shared/api';
import { until } from '../test/helpers/chain';
import { deployMarket, TOKEN, testWindows } from '../test/helpers/market';
import { startProviderNode, tinyInput, tinyModel } from '../test/helpers/provider';
import { median, quantile, type Benchmark } from './lib';

const SCRAPES = 100;

async function cpuMsPerRender(render: () => Promise<string>): Promise<number[]> {
  await render();
  const times: number[] = [];
  for (let i = 0; i < SCRAPES; i++) {
    const cpu = process.cpuUsage();
    await render();
    const used = process.cpuUsage(cpu);
    times.push((used.user + used.system) / 1000);
  }
  return times;
}

const metrics: Benchmark = {
  name: 'metrics',
  summary:
    'node CPU per /metrics scrape from a provider node that has run jobs, against a bare prom-client registry',
  async run(log) {
    const anvil = await startAnvil({ chainId: 31337 });
    try {
      const market = await deployMarket(anvil.rpcUrl, {
        params: testWindows({ acceptWindowS: 15, minDeadlineS: 30 }),
      });
      const economy = market.genesis.economy;
      const p = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 2 });
      try {
        await market.fund(market.genesis, p.address, 1_000n * TOKEN);
        const model = await p.put(tinyModel());
        await market.registerModel(economy, tinyModel(), model.uri);
        await p.call('provider.join', { economy, bond: (200n * TOKEN).toString() });
        await p.call('provider.start');
        const post = async (input: { hash: Hash; uri: string }) =>
          market.postDrawn({ economy, modelHash: model.hash, inputHash: input.hash, inputUri: input.uri });
        for (let i = 0; i < 5; i++) await post(await p.put(tinyInput(20 + i)));
        await until(
          'five jobs finalized',
          async () =>
            (await p.call<JobSummary[]>('jobs.list', { mine: true })).filter((j) => j.status === 'Finalized')
              .length >= 5,
          90_000,
        );
        const text = await p.node.metrics.registry.metrics();
        const series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
        log(`${series} series in the node's /metrics after 5 jobs`);
        const node = await cpuMsPerRender(() => p.node.metrics.registry.metrics());
        const bare = new Registry();
        collectDefaultMetrics({ register: bare });
        const base = await cpuMsPerRender(() => bare.metrics());
        log(`node: median ${median(node).toFixed(2)} ms, p95 ${quantile(node, 0.95).toFixed(2)} ms of CPU`);
        log(`bare prom-client defaults: median ${median(base).toFixed(2)} ms`);
        return [
          {
            id: 'metrics-scrape-cpu-median',
            value: median(node),
            unit: 'ms',
            better: 'lower',
            target: 5,
            baseline: median(base),
            note: `node CPU (user + system) per registry render, median of ${SCRAPES}, ${series} series; baseline: a prom-client registry with only its default metrics`,
          },
          {
            id: 'metrics-scrape-cpu-p95',
            value: quantile(node, 0.95),
            unit: 'ms',
            better: 'lower',
            note: `95th percentile of the same ${SCRAPES} renders`,
          },
        ];
      } finally {
        await p.stop();
        await market.close();
      }
    } finally {
      await anvil.stop();
    }
  },
};

export default metrics;
