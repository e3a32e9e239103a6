import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { formatUnits, type Address, type Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EarningsReport, JobSummary, ProviderState } from '../../../src/shared/api';
import type { ToolResult } from '../../../src/main/hardware/tools';
import { tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { metricsFlags } from '../../../src/main/metrics/flags';
import { startMetricsServer } from '../../../src/main/metrics/server';
import { useAnvil } from '../../helpers/anvil';
import { until } from '../../helpers/chain';
import { deployMarket, TOKEN, testWindows, type Market } from '../../helpers/market';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { parsePrometheusText, valueOf, type Family } from '../../helpers/promText';
import { startProviderNode, tinyInput, tinyModel, type ProviderNode } from '../../helpers/provider';
import { tempDir } from '../../helpers/tmp';

/** What nvidia-smi answers: one RTX 4090 (recorded output standing for a GPU this machine lacks; jobs run on the CPU). */
const GPU_ROW = [
  '0',
  'NVIDIA GeForce RTX 4090',
  '00000000:01:00.0',
  '24564',
  '550.54.15',
  '61',
  '37',
  '180.50',
  '2048',
];
const nvidiaSmi = async (command: string): Promise<ToolResult> =>
  command === 'nvidia-smi'
    ? { ok: true, stdout: `${GPU_ROW.join(', ')}\n` }
    : { ok: false, missing: true, why: `${command} is not installed` };

/** Every metric the README lists: the test fails when one goes missing from /metrics. */
const FAMILIES: Record<string, Family['type']> = {
  flywheel_node_info: 'gauge',
  flywheel_wallet_unlocked: 'gauge',
  flywheel_provider_status: 'gauge',
  flywheel_provider_serving_economies: 'gauge',
  flywheel_job_slots: 'gauge',
  flywheel_jobs_total: 'counter',
  flywheel_declines_total: 'counter',
  flywheel_job_run_seconds: 'histogram',
  flywheel_job_queue_seconds: 'histogram',
  flywheel_penalties_total: 'counter',
  flywheel_earnings_pending_tokens: 'gauge',
  flywheel_earnings_claimable_tokens: 'gauge',
  flywheel_earnings_withdrawn_tokens: 'gauge',
  flywheel_bond_tokens: 'gauge',
  flywheel_locked_tokens: 'gauge',
  flywheel_slashed_tokens: 'gauge',
  flywheel_economy_info: 'gauge',
  flywheel_gpu_temperature_celsius: 'gauge',
  flywheel_gpu_power_watts: 'gauge',
  flywheel_gpu_utilization_ratio: 'gauge',
  flywheel_gpu_memory_total_bytes: 'gauge',
  flywheel_gpu_memory_used_bytes: 'gauge',
  flywheel_hardware_detected_timestamp_seconds: 'gauge',
  flywheel_chain_connected: 'gauge',
  flywheel_chain_head_block: 'gauge',
  flywheel_chain_head_lag_seconds: 'gauge',
  flywheel_chain_sync_lag_blocks: 'gauge',
  flywheel_tx_pending: 'gauge',
  flywheel_tx_fee_bumps_total: 'counter',
  flywheel_engine_worker_restarts_total: 'counter',
  flywheel_benchmark_score: 'gauge',
  flywheel_benchmark_routed_score: 'gauge',
  process_cpu_seconds_total: 'counter',
  process_resident_memory_bytes: 'gauge',
  nodejs_eventloop_lag_seconds: 'gauge',
};

/** A GET with the headers given (fetch would set Host itself). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A port nothing listens on now (the settings take 1 to 65535, not 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const whole = (amount: string) => Number(formatUnits(BigInt(amount), 18));

describe('/metrics from a provider node that has run jobs on a real chain', { timeout: 120_000 }, () => {
  const chain = useAnvil({ chainId: 31337 });
  let market: Market;
  let p: ProviderNode;
  let economy: Address;
  let url: string;
  const finished: bigint[] = [];

  beforeAll(async () => {
    market = await deployMarket(chain.rpcUrl, {
      params: testWindows({ acceptWindowS: 15, minDeadlineS: 30 }),
    });
    economy = market.genesis.economy;
    p = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 2, node: { runTool: nvidiaSmi } });
    await market.fund(market.genesis, p.address, 1_000n * TOKEN);
    const model = await p.put(tinyModel());
    await market.registerModel(economy, tinyModel(), model.uri);
    await p.call('provider.join', { economy, bond: (200n * TOKEN).toString() });
    await p.call('provider.start');
    const post = async (input: { hash: Hash; uri: string }) =>
      (await market.postDrawn({ economy, modelHash: model.hash, inputHash: input.hash, inputUri: input.uri }))
        .jobId;
    // Three good jobs and one with an input of the wrong shape (declined: INPUT_INVALID).
    for (let i = 0; i < 3; i++) finished.push(await post(await p.put(tinyInput(10 + i))));
    finished.push(
      await post(await p.put(writeSafetensors([tensorOf('x', 'F32', [1, 5], new Float32Array(5))]))),
    );
    await until(
      'every job at its end',
      async () => {
        const mine = await p.call<JobSummary[]>('jobs.list', { mine: true });
        const ended = mine.filter((j) => j.status === 'Finalized' || j.local?.step === 'declined');
        return ended.length === finished.length;
      },
      60_000,
    );
  }, 100_000);
  afterAll(async () => {
    await p?.stop();
    await market?.close();
  });

  it('is off by default: nothing served until the settings or the flags ask', () => {
    expect(p.node.settings.get().metrics).toEqual({ enabled: false, host: '127.0.0.1', port: 9464 });
    expect(p.node.metrics.endpoint.state()).toEqual({ url: null, authenticated: false, error: null });
  });

  it('parses as Prometheus text with every metric, and the values match the node’s API', async () => {
    url = (await p.node.metrics.endpoint.serve({ host: '127.0.0.1', port: 0 })).url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const mine = await p.call<JobSummary[]>('jobs.list', { mine: true });
    const finalized = mine.filter((j) => j.status === 'Finalized' && j.provider === p.address);
    expect(finalized).toHaveLength(3);

    // Earnings move for a few seconds after a job (fees settle, emission accrues): scrape until the gauges and the
    // API agree, as a Prometheus server scraping every few seconds would see. A scrape may serve a report up to 30 s
    // old (the collector's EARNINGS_MAX_AGE_MS) when the first read was slow, hence the wait beyond that.
    let families = new Map<string, Family>();
    let body = '';
    let earnings: EarningsReport | null = null;
    await until(
      'the earnings gauges to match earnings.get',
      async () => {
        earnings = await p.call<EarningsReport>('earnings.get');
        const res = await get(url);
        expect(res.status).toBe(200);
        body = res.body;
        families = parsePrometheusText(body);
        const t = earnings.totals[0];
        return (
          !!t &&
          valueOf(families, 'flywheel_earnings_claimable_tokens') === whole(t.claimable) &&
          valueOf(families, 'flywheel_earnings_pending_tokens') === whole(t.pending)
        );
      },
      45_000,
    );

    for (const [name, type] of Object.entries(FAMILIES)) {
      expect(families.get(name)?.type, name).toBe(type);
      expect(families.get(name)?.help, name).not.toBe('');
    }
    // An independent parser (parse-prometheus-text-format, whose output follows prom2json's) reads the same
    // families, types, help and values as the strict one.
    const independent = parsePrometheusTextFormat(body);
    expect(independent.map((f) => f.name).sort()).toEqual([...families.keys()].sort());
    for (const f of independent) {
      const ours = families.get(f.name)!;
      expect(f.type.toLowerCase(), f.name).toBe(ours.type);
      expect(f.help, f.name).toBe(ours.help);
      if (f.type === 'HISTOGRAM') {
        // It drops a histogram's labels other than le, so the series of one histogram (e.g. the GC kinds, which
        // grow from one to three as the process runs) fold into one that keeps the last series' buckets: its +Inf
        // bucket must be one of our series' counts, and equal to it when there is one series.
        const theirs = f.metrics.map((m) => Number(m.buckets?.['+Inf']));
        const counts = ours.samples.filter((s) => s.name === `${f.name}_count`).map((s) => s.value);
        expect(theirs.length, f.name).toBeGreaterThan(0);
        if (counts.length === 1) expect(theirs, f.name).toEqual(counts);
        else expect(counts, f.name).toEqual(expect.arrayContaining(theirs));
      } else {
        expect(
          f.metrics.map((m) => [m.labels ?? {}, Number(m.value)]),
          f.name,
        ).toEqual(ours.samples.map((s) => [s.labels, s.value]));
      }
    }
    // Jobs: the counter is the finalized jobs jobs.list shows; the declined one counts once, with its reason.
    expect(
      valueOf(families, 'flywheel_jobs_total', { outcome: 'finalized', economy, kind: 'inference' }),
    ).toBe(finalized.length);
    expect(valueOf(families, 'flywheel_jobs_total', { outcome: 'declined' })).toBe(1);
    expect(valueOf(families, 'flywheel_declines_total', { economy, reason: 'INPUT_INVALID' })).toBe(1);
    // Four runs started (the engine refused the wrong-shaped input once running: declined); three ran to a result.
    expect(
      valueOf(families, 'flywheel_job_run_seconds', { kind: 'inference' }, 'flywheel_job_run_seconds_count'),
    ).toBe(3);
    expect(
      valueOf(
        families,
        'flywheel_job_queue_seconds',
        { kind: 'inference' },
        'flywheel_job_queue_seconds_count',
      ),
    ).toBe(4);
    expect(valueOf(families, 'flywheel_job_run_seconds', {}, 'flywheel_job_run_seconds_sum')).toBeGreaterThan(
      0,
    );
    expect(valueOf(families, 'flywheel_penalties_total')).toBe(0);

    // Earnings, bond and locked: the API's figures in whole tokens.
    const report = earnings!;
    const t = report.totals[0]!;
    const symbol = t.token.symbol;
    expect(valueOf(families, 'flywheel_earnings_withdrawn_tokens', { token: symbol })).toBe(
      whole(t.withdrawn),
    );
    expect(valueOf(families, 'flywheel_earnings_claimable_tokens', { token: symbol })).toBeGreaterThan(0);
    const e = report.economies.find((x) => x.economy === economy)!;
    expect(valueOf(families, 'flywheel_bond_tokens', { economy, token: symbol })).toBe(whole(e.bonded));
    expect(whole(e.bonded)).toBe(200);
    expect(valueOf(families, 'flywheel_locked_tokens', { economy })).toBe(whole(e.locked));
    expect(valueOf(families, 'flywheel_slashed_tokens', { economy })).toBe(0);
    expect(valueOf(families, 'flywheel_economy_info', { economy, name: e.economyName })).toBe(1);

    // The provider and the chain as node.status and provider.get say.
    const state = await p.call<ProviderState>('provider.get');
    expect(valueOf(families, 'flywheel_provider_status', { status: state.status })).toBe(1);
    expect(valueOf(families, 'flywheel_provider_status')).toBe(1);
    expect(valueOf(families, 'flywheel_job_slots', { state: 'total' })).toBe(state.slots.total);
    expect(valueOf(families, 'flywheel_wallet_unlocked')).toBe(1);
    expect(valueOf(families, 'flywheel_chain_connected')).toBe(1);
    const head = valueOf(families, 'flywheel_chain_head_block');
    expect(head).toBeGreaterThan(0);
    expect(head).toBeLessThanOrEqual(Number(await market.requester.publicClient.getBlockNumber()));
    expect(valueOf(families, 'flywheel_chain_sync_lag_blocks')).toBeGreaterThanOrEqual(0);
    expect(valueOf(families, 'flywheel_chain_head_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(valueOf(families, 'flywheel_tx_fee_bumps_total')).toBe(0);
    expect(valueOf(families, 'flywheel_engine_worker_restarts_total')).toBe(0);
    expect(
      families.get('flywheel_engine_worker_restarts_total')!.samples.map((s) => s.labels.device),
    ).toContain('cpu');
    const status = p.node.status();
    expect(families.get('flywheel_node_info')!.samples[0]!.labels).toMatchObject({
      version: status.version,
      shell: 'headless',
      chain_id: '31337',
    });
    // GPUs: the hardware report's figures (a GPU-less machine has no series; each GPU has its figures).
    const hardware = await p.node.hardware.get();
    const gpu = hardware.gpus.find((g) => g.source === 'nvidia-smi')!;
    expect(gpu).toMatchObject({
      temperatureC: 61,
      utilizationPct: 37,
      powerW: 180.5,
      vramMiB: 24564,
      vramUsedMiB: 2048,
    });
    const ofGpu = (name: string) =>
      families.get(name)!.samples.find((s) => s.labels.device === gpu.id && s.labels.model === gpu.model)
        ?.value;
    expect(ofGpu('flywheel_gpu_temperature_celsius')).toBe(61);
    expect(ofGpu('flywheel_gpu_utilization_ratio')).toBe(0.37);
    expect(ofGpu('flywheel_gpu_power_watts')).toBe(180.5);
    expect(ofGpu('flywheel_gpu_memory_total_bytes')).toBe(24564 * 2 ** 20);
    expect(ofGpu('flywheel_gpu_memory_used_bytes')).toBe(2048 * 2 ** 20);
    expect(families.get('flywheel_gpu_memory_total_bytes')!.samples).toHaveLength(
      hardware.gpus.filter((g) => g.vramMiB !== null).length,
    );
    expect(families.get('flywheel_gpu_memory_used_bytes')!.samples).toHaveLength(
      hardware.gpus.filter((g) => g.vramUsedMiB !== null).length,
    );
    // The provider reads the GPUs again every 30 s, so a read can fall between a scrape and hardware.get: compare a
    // scrape taken between two reports that agree.
    await until(
      'a scrape between two unchanged hardware reports',
      async () => {
        const before = (await p.node.hardware.get()).detectedAt;
        const stamp = valueOf(
          parsePrometheusText((await get(url)).body),
          'flywheel_hardware_detected_timestamp_seconds',
        );
        if ((await p.node.hardware.get()).detectedAt !== before) return false;
        expect(stamp).toBe(before / 1000);
        return true;
      },
      10_000,
    );
  });

  it('a scrape costs the node a few milliseconds at most', async () => {
    const { registry } = p.node.metrics;
    await registry.metrics();
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const cpu = process.cpuUsage();
      await registry.metrics();
      const used = process.cpuUsage(cpu);
      times.push((used.user + used.system) / 1000);
    }
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1]!;
    console.log(`metrics scrape: median ${median.toFixed(2)} ms of CPU over ${times.length} scrapes`);
    expect(median).toBeLessThanOrEqual(5);
  });

  it('refuses a scrape addressed to another host name while open without a token (DNS rebinding)', async () => {
    const port = new URL(url).port;
    expect((await get(url, { host: `localhost:${port}` })).status).toBe(200);
    expect((await get(url, { host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(url.replace('/metrics', '/'))).status).toBe(404);
  });

  it('follows the settings: turned on and off there', async () => {
    const { endpoint } = p.node.metrics;
    // The test pinned the endpoint with serve(): a node the flags did not pin follows its settings instead.
    const other = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 3 });
    try {
      other.node.settings.update({ metrics: { enabled: true, port: await freePort() } });
      await until('the endpoint on', () => other.node.metrics.endpoint.state().url !== null);
      const res = await get(other.node.metrics.endpoint.state().url!);
      expect(res.status).toBe(200);
      expect(parsePrometheusText(res.body).has('flywheel_jobs_total')).toBe(true);
      other.node.settings.update({ metrics: { enabled: false } });
      await until('the endpoint off', () => other.node.metrics.endpoint.state().url === null);
      // Opened beyond loopback from the settings without a token file: not served, and the reason is kept.
      other.node.settings.update({ metrics: { enabled: true, host: '0.0.0.0' } });
      await until('the refusal', () => other.node.metrics.endpoint.state().error !== null);
      expect(other.node.metrics.endpoint.state().url).toBeNull();
      expect(other.node.metrics.endpoint.state().error).toMatch(/need a token/);
    } finally {
      await other.stop();
    }
    expect(endpoint.state().url).toBe(url);
  });
});

describe('the metrics endpoint beyond loopback needs a bearer token', () => {
  it('will not bind 0.0.0.0 without a token', async () => {
    await expect(startMetricsServer({ registry: new Registry(), host: '0.0.0.0', port: 0 })).rejects.toThrow(
      /need a token/,
    );
  });

  it('answers 401 without the token or with a wrong one, 200 with it', async () => {
    const registry = new Registry();
    const token = 'a'.repeat(20) + 'b'.repeat(20);
    const server = await startMetricsServer({ registry, host: '0.0.0.0', port: 0, token });
    try {
      const local = `http://127.0.0.1:${server.port}/metrics`;
      const none = await get(local);
      expect(none.status).toBe(401);
      expect(none.body).not.toMatch(/flywheel|process_/);
      expect((await get(local, { authorization: `Bearer ${token}x` })).status).toBe(401);
      expect((await get(local, { authorization: `Basic ${token}` })).status).toBe(401);
      expect((await get(local, { authorization: `Bearer ${token}` })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('the headless flags: non-loopback needs a token file of mode 0600; bad input is refused in words', () => {
    const { dir, cleanup } = tempDir('flywheel-metrics-');
    try {
      expect(metricsFlags({}, dir, {})).toBeNull();
      expect(metricsFlags({ 'metrics-port': '9500' }, dir, {})).toEqual({ host: '127.0.0.1', port: 9500 });
      expect(() => metricsFlags({ 'metrics-port': '70000' }, dir, {})).toThrow(/--metrics-port must be/);
      expect(() => metricsFlags({ 'metrics-port': 'x' }, dir, {})).toThrow(/--metrics-port must be/);
      expect(() => metricsFlags({ 'metrics-host': '0.0.0.0' }, dir, {})).toThrow(/needs a token/);
      const file = join(dir, 'metrics-token');
      writeFileSync(file, `${'c'.repeat(40)}\n`, { mode: 0o644 });
      chmodSync(file, 0o644);
      expect(() => metricsFlags({ 'metrics-host': '0.0.0.0' }, dir, {})).toThrow(
        /can be read by other users/,
      );
      chmodSync(file, 0o600);
      expect(metricsFlags({ 'metrics-host': '0.0.0.0' }, dir, {})).toEqual({
        host: '0.0.0.0',
        port: 9464,
        tokenFile: file,
      });
      writeFileSync(file, 'short\n', { mode: 0o600 });
      expect(() => metricsFlags({ 'metrics-host': '0.0.0.0' }, dir, {})).toThrow(
        /32 to 256 visible characters/,
      );
    } finally {
      cleanup();
    }
  });
});
