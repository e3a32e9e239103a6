import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EconomySummary, JobSummary, ProviderState } from '../../../src/shared/api';
import { readProvider } from '../../../src/main/chain/actions/readProvider';
import { economyAbi } from '../../../src/main/chain/artifacts';
import { readParams } from '../../../src/main/chain/deploy';
import { NVIDIA_SMI_FIELDS } from '../../../src/main/hardware/nvidiaSmi';
import { declaredCapacity } from '../../../src/main/provider/capacity';
import type { ToolResult } from '../../../src/main/hardware/tools';
import { useAnvil } from '../../helpers/anvil';
import { until } from '../../helpers/chain';
import { deployMarket, TOKEN, testWindows, type Market } from '../../helpers/market';
import { startProviderNode, tinyInput, tinyModel, type ProviderNode } from '../../helpers/provider';

/**
 * Settings → Limits on a providing node, real anvil and contracts: the GPU's temperature and board power (as
 * nvidia-smi reports them, recorded output standing for a GPU this machine lacks) and the schedule stop new jobs,
 * which are declined inside their accept window (no slash), and providing resumes by itself when they clear.
 */
describe('limits stop new jobs and clear by themselves', { timeout: 120_000 }, () => {
  const chain = useAnvil({ chainId: 31337 });
  let market: Market;
  let p: ProviderNode;
  /** What nvidia-smi answers: one RTX 4090 at this temperature and board power. */
  const gpu = { temperatureC: 60, powerW: 180 };
  const nvidiaSmi = async (command: string): Promise<ToolResult> => {
    if (command !== 'nvidia-smi') return { ok: false, missing: true, why: `${command} is not installed` };
    const row = ['0', 'NVIDIA GeForce RTX 4090', '00000000:01:00.0', '24564', '550.54.15'];
    row.push(String(gpu.temperatureC), '37', gpu.powerW.toFixed(2), '2048');
    expect(row).toHaveLength(NVIDIA_SMI_FIELDS.length);
    return { ok: true, stdout: `${row.join(', ')}\n` };
  };
  const state = async () => {
    await p.node.onchain.provider.reconcile(); // reads the hardware again, as the 30 s timer would
    return p.call<ProviderState>('provider.get');
  };

  beforeAll(async () => {
    market = await deployMarket(chain.rpcUrl, {
      params: testWindows({ acceptWindowS: 10, minDeadlineS: 30 }),
    });
    p = await startProviderNode({
      endpoint: market.endpoint(),
      keyIndex: 2,
      node: { runTool: nvidiaSmi },
      // Jobs on the CPU (this machine's), limits read from the GPU the tool reports.
      limits: { maxTemperatureC: 85, maxPowerW: 300 },
    });
    await market.fund(market.genesis, p.address, 1_000n * TOKEN);
    await p.call('provider.join', { economy: market.genesis.economy, bond: (200n * TOKEN).toString() });
    expect((await p.call<ProviderState>('provider.start')).status).toBe('providing');
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
    await market?.close();
  });

  it('shows the GPU’s board power next to its temperature', async () => {
    const report = await p.call<{ gpus: { model: string; temperatureC: number; powerW: number }[] }>(
      'hardware.get',
      { refresh: true },
    );
    expect(report.gpus).toEqual([
      expect.objectContaining({ model: 'NVIDIA GeForce RTX 4090', temperatureC: 60, powerW: 180 }),
    ]);
  });

  it('a hot GPU pauses providing and declines a job drawn meanwhile (OVER_CAPACITY, no slash)', async () => {
    gpu.temperatureC = 91;
    expect(await state()).toMatchObject({
      status: 'held',
      reason: 'GPU 0 at 91 °C (limit 85 °C)',
    });
    const model = await p.put(tinyModel());
    const input = await p.put(tinyInput(3));
    await market.registerModel(market.genesis.economy, tinyModel(), model.uri);
    const { jobId, drawn } = await market.postDrawn({
      economy: market.genesis.economy,
      modelHash: model.hash,
      inputHash: input.hash,
      inputUri: input.uri,
      deadlineS: 30,
    });
    expect(drawn).toBe(true);
    let job: JobSummary | undefined;
    await until('the decline', async () => {
      job = (await p.call<JobSummary[]>('jobs.list', { mine: true })).find((j) => j.jobId === String(jobId));
      return job?.local?.step === 'declined' && job.status !== 'Assigned';
    });
    expect(job!.local!.declineReason).toBe('OVER_CAPACITY');
    const m = (await p.call<EconomySummary>('economies.get', { economy: market.genesis.economy })).membership;
    expect({ strikes: m.strikes, bond: m.bond }).toEqual({ strikes: 0, bond: (200n * TOKEN).toString() });
  });

  it('a GPU over the power cap pauses too; cooler and under the cap, providing resumes by itself', async () => {
    gpu.temperatureC = 70;
    gpu.powerW = 412.5;
    expect(await state()).toMatchObject({ status: 'held', reason: 'GPU 0 draws 413 W (cap 300 W)' });
    gpu.powerW = 250;
    expect((await state()).status).toBe('providing');
  });

  it('a GPU left out of the devices jobs may use cannot pause them', async () => {
    gpu.temperatureC = 95;
    expect((await state()).status).toBe('held');
    p.node.settings.update({ limits: { devices: ['cpu'] } });
    expect((await state()).status).toBe('providing');
    p.node.settings.update({ limits: { devices: null } });
    gpu.temperatureC = 60;
  });

  it('outside the schedule the node pauses on-chain, and resumes when the schedule allows again', async () => {
    const today = new Date().getDay();
    const otherDays = [0, 1, 2, 3, 4, 5, 6].filter((d) => d !== today);
    p.node.settings.update({
      limits: { schedule: { enabled: true, days: otherDays, start: '00:00', end: '23:59' } },
    });
    expect((await state()).reason).toMatch(/^Outside the schedule \(/);
    await until('paused on-chain', async () => {
      await p.node.onchain.provider.reconcile();
      const e = await p.call<EconomySummary>('economies.get', { economy: market.genesis.economy });
      return e.membership.status === 'paused';
    });
    p.node.settings.update({
      limits: { schedule: { enabled: false, days: otherDays, start: '00:00', end: '23:59' } },
    });
    await until('active again', async () => {
      await p.node.onchain.provider.reconcile();
      const e = await p.call<EconomySummary>('economies.get', { economy: market.genesis.economy });
      return e.membership.status === 'active';
    });
    expect((await state()).status).toBe('providing');
  });

  it('a new limit on jobs at once is declared on-chain: paused, profile updated, resumed', async () => {
    const economy = market.genesis.economy;
    const read = () => readProvider(market.requester, { economy, account: p.address });
    const before = await read();
    const params = await readParams(market.requester.publicClient, economy);
    const want = declaredCapacity(p.node.settings.get().limits.maxConcurrentJobs + 1, params);
    expect(want).not.toBe(before.capacity);
    const from = await market.requester.publicClient.getBlockNumber();
    p.node.settings.update({
      limits: { maxConcurrentJobs: p.node.settings.get().limits.maxConcurrentJobs + 1 },
    });
    await until('the new capacity on-chain, active again', async () => {
      await p.node.onchain.provider.reconcile();
      const now = await read();
      return now.capacity === want && now.status === 'Active';
    });
    // The contract takes a profile only while paused: the node paused, updated and resumed, in that order.
    const logs = await market.requester.publicClient.getContractEvents({
      address: economy,
      abi: economyAbi,
      args: { provider: p.address },
      fromBlock: from + 1n,
    });
    expect(
      logs
        .map((l) => l.eventName)
        .filter((n) => ['ProviderPaused', 'ProfileUpdated', 'ProviderResumed'].includes(n)),
    ).toEqual(['ProviderPaused', 'ProfileUpdated', 'ProviderResumed']);
    expect((await read()).kinds).toBe(before.kinds);
  });
});
