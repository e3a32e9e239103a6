import { afterAll, describe, expect, it } from 'vitest';
import type { BenchmarkFigure, BenchmarkResult } from '../../../src/shared/api/benchmark';
import type { HardwareReport } from '../../../src/shared/api/hardware';
import { routingReport } from '../../../src/main/benchmark/routing';
import { scoreOf } from '../../../src/main/benchmark/score';
import { BenchmarkService } from '../../../src/main/benchmark/benchmarkService';
import { workloads } from '../../../src/main/benchmark/workloads';
import { engineDevicesFrom } from '../../../src/main/engine/devices';
import { declaredCapacity } from '../../../src/main/provider/capacity';
import { cpuDevice, createEngine, type EngineDevice } from '../../../src/main/engine/engine';
import { DeviceRouter, pickDevice, type DeviceRates } from '../../../src/main/engine/router';
import { tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { EventBus } from '../../../src/main/events';
import { tempDir } from '../../helpers/tmp';
import { speechThenSilence } from './audio';
import { keccak256, quietLog, reference, renderTextLine } from './helpers';

const CUDA_ACTION =
  'Run `npm run cuda:install` (it fetches the CUDA provider for onnxruntime), then restart Flywheel.';

/** The hardware report of an NVIDIA H200 machine without the CUDA provider libraries (WebGPU chosen, CUDA not). */
function h200Report(driver = '580.82.07'): HardwareReport {
  return {
    detectedAt: 0,
    gpus: [
      {
        id: 'gpu0',
        index: 0,
        vendor: 'nvidia',
        model: 'NVIDIA H200',
        vramMiB: 143_771,
        vramUsedMiB: 0,
        driver,
        busId: '00000000:18:00.0',
        source: 'nvidia-smi',
        temperatureC: 30,
        utilizationPct: 0,
        powerW: 76,
      },
    ],
    cpu: {
      manufacturer: 'Intel',
      brand: 'Xeon Platinum 8480C',
      physicalCores: 16,
      threads: 16,
      speedGHz: 2,
      simd: ['avx2', 'avx512f'],
    },
    memory: { totalMiB: 131_072, availableMiB: 120_000 },
    os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64' },
    devices: [
      {
        id: 'gpu0',
        label: 'NVIDIA H200',
        kind: 'gpu',
        deviceIndex: 0,
        executionProvider: {
          chosen: 'webgpu',
          candidates: [
            {
              name: 'cuda',
              status: 'rejected',
              reason: 'CUDA: provider libraries not installed',
              action: CUDA_ACTION,
            },
            { name: 'dml', status: 'not-applicable', reason: 'DirectML: Windows only' },
            { name: 'coreml', status: 'not-applicable', reason: 'CoreML: macOS only' },
            { name: 'webgpu', status: 'chosen', reason: 'WebGPU: works, chosen' },
            { name: 'cpu', status: 'not-applicable', reason: 'CPU: not used for this GPU' },
          ],
        },
      },
      {
        id: 'cpu',
        label: 'Xeon Platinum 8480C',
        kind: 'cpu',
        deviceIndex: 0,
        executionProvider: {
          chosen: 'cpu',
          candidates: [{ name: 'cpu', status: 'chosen', reason: 'CPU: works, chosen' }],
        },
      },
    ],
    notes: [],
  };
}

/**
 * The quick suite as it measured on that machine (one run per device): WebGPU on the H200 against onnxruntime's CPU
 * provider on its 16 cores. Small models lose on WebGPU: copying inputs and outputs between host and GPU dominates.
 */
const H200_FIGURES: Record<'webgpu' | 'cpu', Record<string, number>> = {
  webgpu: {
    'gemm-fp32': 405,
    'gemm-fp16': 654,
    'ocr-rec': 13.2,
    'ocr-det': 74.7,
    vad: 175,
    'finetune-step': 49,
  },
  cpu: {
    'gemm-fp32': 730,
    'gemm-fp16': 816,
    'ocr-rec': 106,
    'ocr-det': 76.1,
    vad: 7582,
    'finetune-step': 2473,
  },
};

/** Rates and a result for a device from suite figures, as the benchmark service makes them from a run. */
function measured(device: EngineDevice, values: Record<string, number>) {
  const list = workloads('quick', keccak256);
  const figures: BenchmarkFigure[] = list.map((w) => ({
    id: w.id,
    label: w.label,
    value: values[w.id]!,
    unit: w.unit,
    spreadPct: 1,
    repeats: 5,
  }));
  const { score, spreadPct } = scoreOf(figures);
  const msPerRun = Object.fromEntries(
    list.map((w) => [w.id, (w.itemsPerRun / w.scale / values[w.id]!) * 1000]),
  );
  const inputBytes = Object.fromEntries(list.map((w) => [w.id, w.inputBytes]));
  const rates: DeviceRates = {
    device: device.id,
    executionProvider: device.executionProvider,
    fingerprint: device.fingerprint!,
    appVersion: 'test',
    measuredAt: 0,
    msPerRun,
    inputBytes,
    score,
  };
  const result: BenchmarkResult = {
    id: device.id,
    mode: 'quick',
    startedAt: 0,
    finishedAt: 0,
    device: device.id,
    executionProvider: device.executionProvider,
    score,
    spreadPct,
    figures,
  };
  return { rates, result };
}

const recLine = (width = 320) =>
  writeSafetensors([tensorOf('x', 'F32', [1, 3, 48, width], new Float32Array(3 * 48 * width))]);

describe('routing by measured rates (a GPU slower than the CPU, as measured on an H200 with WebGPU)', () => {
  const devices = engineDevicesFrom(h200Report());
  const [cpu, gpu] = devices as [EngineDevice, EngineDevice];
  const unmeasured: string[][] = [];
  const router = new DeviceRouter({ onUnmeasured: (d) => unmeasured.push(d.map((x) => x.id)) });
  router.setDevices(devices);
  const cpuRun = measured(cpu, H200_FIGURES.cpu);
  const gpuRun = measured(gpu, H200_FIGURES.webgpu);
  const rec = reference('ocr-rec');

  it('starts on the CPU before anything is measured, and asks for the measurement', () => {
    expect(devices.map((d) => [d.id, d.executionProvider])).toEqual([
      ['cpu', 'cpu'],
      ['gpu0', 'webgpu'],
    ]);
    expect(gpu.upgrade).toMatchObject({ provider: 'cuda', action: CUDA_ACTION });
    const job = { kind: 'inference' as const, modelHash: rec.hash, input: recLine() };
    expect(router.choose(job, devices, () => 0)).toMatchObject({ device: { id: 'cpu' }, predictedMs: null });
    expect(unmeasured).toEqual([['cpu', 'gpu0']]);
    const report = routingReport({ router, devices, resultOf: () => null, measuring: false });
    expect(report.score).toBeNull();
    expect(report.devices.map((d) => [d.device, d.status, d.serves])).toEqual([
      ['cpu', 'unmeasured', ['general']],
      ['gpu0', 'unmeasured', []],
    ]);
    expect(report.devices[1]!.note).toMatch(
      /Not measured on this machine yet.*Meanwhile jobs run on the CPU/,
    );
  });

  it('sends every job to the CPU when WebGPU is slower for all of them, and says why and what would fix it', () => {
    router.setRates(cpuRun.rates);
    router.setRates(gpuRun.rates);
    const results = new Map([
      [cpu.id, cpuRun.result],
      [gpu.id, gpuRun.result],
    ]);
    const report = routingReport({ router, devices, resultOf: (d) => results.get(d.id)!, measuring: false });
    expect(report.workloads.map((w) => [w.workload, w.device])).toEqual([
      ['ocr-rec', 'cpu'],
      ['ocr-det', 'cpu'],
      ['vad', 'cpu'],
      ['finetune-step', 'cpu'],
      ['general', 'cpu'],
    ]);
    const [cpuLine, gpuLine] = report.devices;
    expect(cpuLine).toMatchObject({ status: 'measured', result: cpuRun.result, action: null });
    expect(cpuLine!.note).toMatch(/^Runs every job/);
    expect(gpuLine).toMatchObject({ status: 'measured', serves: [], action: CUDA_ACTION });
    expect(gpuLine!.note).toMatch(
      /^WebGPU copies dominate for small models: jobs run on the CPU \(PP-OCRv4 recognition 13.2 vs 106 lines\/s; PP-OCRv4 detection 74.7 vs 76.1 images\/s; Silero VAD 175 vs 7,582 frames\/s; fine-tuning 49 vs 2,473 steps\/s\)\.$/,
    );
    // The machine's score is what it delivers as routed: here the CPU's, not the first GPU's.
    expect(report.score).toBe(cpuRun.result.score);
    expect(report.score).toBeGreaterThan(gpuRun.result.score * 5);
  });

  it('declares the capacity the machine delivers as routed, not what its first device would', () => {
    const params = { challengeWindowS: 30, minDeadlineS: 10 };
    const results = new Map([
      [cpu.id, cpuRun.result],
      [gpu.id, gpuRun.result],
    ]);
    const routed = routingReport({ router, devices, resultOf: (d) => results.get(d.id)!, measuring: false });
    // 100 s ÷ score: the routed machine's typical job against the GPU's alone.
    const asRouted = declaredCapacity(2, params, 100 / routed.score!);
    const gpuOnly = declaredCapacity(2, params, 100 / gpuRun.result.score);
    expect(asRouted).toBe(declaredCapacity(2, params));
    expect(gpuOnly).toBeLessThan(asRouted);
  });

  it('counts the queue: a job goes to the slower device once the faster one would finish it later', () => {
    const job = { kind: 'inference' as const, modelHash: rec.hash, input: recLine() };
    const cpuMs = router.predict(job, cpu)!;
    const gpuMs = router.predict(job, gpu)!;
    expect(gpuMs / cpuMs).toBeCloseTo(106 / 13.2, 5);
    const queued = (cpuQueue: number) => (id: string) => (id === 'cpu' ? cpuQueue : 0);
    expect(router.choose(job, devices, queued(gpuMs - cpuMs - 1)).device.id).toBe('cpu');
    expect(router.choose(job, devices, queued(gpuMs - cpuMs + 1)).device.id).toBe('gpu0');
    // Twice as wide a line is twice the work on both: the same choice at twice the queue.
    const wide = { ...job, input: recLine(640) };
    expect(router.choose(wide, devices, queued(2 * (gpuMs - cpuMs) - 1)).device.id).toBe('cpu');
    expect(router.choose(wide, devices, queued(2 * (gpuMs - cpuMs) + 1)).device.id).toBe('gpu0');
  });

  it('ignores rates measured with another driver and measures again', () => {
    const updated = engineDevicesFrom(h200Report('590.10.01'));
    expect(updated[0]!.fingerprint).toBe(cpu.fingerprint);
    expect(updated[1]!.fingerprint).not.toBe(gpu.fingerprint);
    router.setDevices(updated);
    expect(router.status(updated[1]!)).toBe('stale');
    const job = { kind: 'inference' as const, modelHash: rec.hash, input: recLine() };
    // Even with the CPU queued far past the GPU's old figure, nothing goes to a GPU measured on another driver.
    expect(router.choose(job, updated, (id) => (id === 'cpu' ? 10_000 : 0)).device.id).toBe('cpu');
    const report = routingReport({ router, devices: updated, resultOf: () => null, measuring: true });
    expect(report.devices[1]!.note).toMatch(/^Measured with another driver.*being measured now/);
  });

  it('picks the earliest expected completion, ties to the earlier device, the CPU when nothing is measured', () => {
    const d = (id: string, executionProvider: 'cpu' | 'webgpu') => ({ id, executionProvider });
    expect(
      pickDevice([
        { device: d('cpu', 'cpu'), predictedMs: 10, backlogMs: 30 },
        { device: d('gpu0', 'webgpu'), predictedMs: 40, backlogMs: 0 },
      ]),
    ).toEqual({ device: d('cpu', 'cpu'), predictedMs: 10, expectedMs: 40 });
    expect(
      pickDevice([
        { device: d('gpu0', 'webgpu'), predictedMs: null, backlogMs: 0 },
        { device: d('cpu', 'cpu'), predictedMs: null, backlogMs: 0 },
      ]).device.id,
    ).toBe('cpu');
  });
});

describe('routing corrected by live runs (a suite that timed one configuration while the machine was busy)', () => {
  const all = cpuDevice(undefined, 'CPU, all cores', 'cpu');
  const one = cpuDevice(1, 'CPU, one thread', 'cpu-one');
  const devices = [all, one];
  const rec = reference('ocr-rec');
  const job = { kind: 'inference' as const, modelHash: rec.hash, input: recLine() };
  // As a shared 2-core machine once measured: the suite timed all cores at 26 ms a line and one thread at 20 ms;
  // the jobs then ran in 15 and 21 ms.
  const suiteRates = (device: EngineDevice, msPerLine: number) =>
    measured(device, { ...H200_FIGURES.cpu, 'ocr-rec': 1000 / msPerLine }).rates;
  const live: Record<string, number> = { cpu: 15, 'cpu-one': 21 };
  /** Routes `n` jobs one at a time (empty queues), each "running" in its device's live time. */
  const route = (router: DeviceRouter, n: number) =>
    Array.from({ length: n }, () => {
      const choice = router.choose(job, devices, () => 0);
      router.observe(job, choice.device.id, live[choice.device.id]!);
      return choice;
    });

  it('tries the device predicted slower now and then, learns it is faster, and sends the jobs there', () => {
    const router = new DeviceRouter();
    router.setDevices(devices);
    router.setRates(suiteRates(all, 26));
    router.setRates(suiteRates(one, 20));
    expect(router.choose(job, devices, () => 0)).toMatchObject({
      device: { id: 'cpu-one' },
      explored: false,
    });
    const first = route(router, 15);
    const tried = first.filter((c) => c.explored).map((c) => c.device.id);
    // Every fourth job while learning: three tries of the all-cores configuration, then it is the pick.
    expect(tried).toEqual(['cpu', 'cpu', 'cpu']);
    expect(first.slice(12).every((c) => c.device.id === 'cpu' && !c.explored)).toBe(true);
    expect(router.liveFactor('cpu', 'ocr-rec')!.factor).toBeCloseTo(15 / 26, 2);
    expect(router.predict(job, all)! / router.predict(job, one)!).toBeCloseTo(15 / 21, 1);
    const after = route(router, 128);
    const elsewhere = after.filter((c) => c.device.id !== 'cpu');
    // Settled: the one-thread configuration gets a job only every EXPLORE_AGAIN jobs, to follow the machine.
    expect(elsewhere.length).toBeLessThanOrEqual(2);
    expect(elsewhere.every((c) => c.explored)).toBe(true);
    // The report routes by the same corrected figures and shows the jobs' live rate beside the benchmark's.
    const w = routingReport({
      router,
      devices,
      resultOf: (d) =>
        measured(d, { ...H200_FIGURES.cpu, 'ocr-rec': 1000 / (d.id === 'cpu' ? 26 : 20) }).result,
      measuring: false,
    }).workloads.find((x) => x.workload === 'ocr-rec')!;
    expect(w.device).toBe('cpu');
    expect(w.rates.find((r) => r.device === 'cpu')!.live).toBeCloseTo(1000 / 15, 0);
  });

  it('moves a workload to another device only when it is predicted at least 5 % faster', () => {
    const router = new DeviceRouter();
    router.setDevices(devices);
    router.setRates(suiteRates(all, 20));
    router.setRates(suiteRates(one, 20));
    const times: Record<string, number> = { cpu: 20, 'cpu-one': 20.6 };
    const run = (n: number) =>
      Array.from({ length: n }, () => {
        const choice = router.choose(job, devices, () => 0);
        router.observe(job, choice.device.id, times[choice.device.id]!);
        return choice;
      }).filter((c) => !c.explored);
    expect(run(20).every((c) => c.device.id === 'cpu')).toBe(true);
    // The machine's speed wanders: all cores now 4 % slower than one thread — within the margin, the pick stays.
    times.cpu = 21.4;
    expect(run(20).every((c) => c.device.id === 'cpu')).toBe(true);
    // 10 % slower once its last runs say so: the jobs move, and stay moved.
    times.cpu = 22.7;
    const moved = run(20);
    expect(moved.at(-1)!.device.id).toBe('cpu-one');
    expect(moved.findIndex((c) => c.device.id === 'cpu-one')).toBeLessThan(8);
    expect(
      moved.slice(moved.findIndex((c) => c.device.id === 'cpu-one')).every((c) => c.device.id === 'cpu-one'),
    ).toBe(true);
  });

  it('never tries a device predicted more than 1.5× slower, and forgets live runs when the device is measured again', () => {
    const router = new DeviceRouter();
    router.setDevices(devices);
    router.setRates(suiteRates(all, 40));
    router.setRates(suiteRates(one, 20));
    expect(route(router, 50).every((c) => c.device.id === 'cpu-one' && !c.explored)).toBe(true);
    router.setRates(suiteRates(all, 26));
    // Measured again within reach: tried at once (its last run is long past), then every fourth job.
    expect(route(router, 9).map((c) => (c.explored ? c.device.id : '-'))).toEqual([
      'cpu',
      '-',
      '-',
      '-',
      'cpu',
      '-',
      '-',
      '-',
      'cpu',
    ]);
    expect(router.liveFactor('cpu', 'ocr-rec')?.runs).toBe(3);
    router.setRates(suiteRates(all, 26));
    expect(router.liveFactor('cpu', 'ocr-rec')).toBeNull();
  });
});

describe('routing on this machine: two real CPU configurations, measured by the real benchmark', () => {
  const { dir, cleanup } = tempDir('flywheel-routing-');
  // All cores, and one thread: two real execution configurations of onnxruntime's CPU provider.
  const all = cpuDevice(undefined, 'CPU, all cores', 'cpu');
  const one = cpuDevice(1, 'CPU, one thread', 'cpu-one');
  let background: Promise<void> | null = null;
  const router = new DeviceRouter({ onUnmeasured: () => (background = bench.measureInBackground()) });
  const engine = createEngine({ devices: [all, one], router, log: quietLog });
  const bench = new BenchmarkService({
    dataDir: dir,
    engine,
    router,
    events: new EventBus(),
    log: quietLog,
    only: ['ocr-rec', 'vad'],
  });
  afterAll(async () => {
    await engine.close();
    cleanup();
  });
  const rec = reference('ocr-rec');
  const vad = reference('vad');
  const vadInput = () => {
    const { audio } = speechThenSilence(0.5);
    return writeSafetensors([tensorOf('audio', 'F32', [audio.length], audio)]);
  };
  /** The device the report says a workload's jobs go to, and the device the measurements say is fastest. */
  const routeOf = (workload: string) => {
    const w = bench.get().routing.workloads.find((x) => x.workload === workload)!;
    const fastest = [...w.rates].sort((a, b) => b.value - a.value)[0]!.device;
    return { routed: w.device, fastest };
  };

  it('measures every device, and each job goes to the device measured fastest for its model', async () => {
    await engine.runJob({ kind: 'inference', modelHash: rec.hash, model: rec.bytes, input: recLine() });
    // The first job ran before any measurement: on the CPU default, and it asked for both devices to be measured.
    expect(background).not.toBeNull();
    await background;
    const routing = bench.get().routing;
    expect(routing.devices.map((d) => [d.device, d.status])).toEqual([
      ['cpu', 'measured'],
      ['cpu-one', 'measured'],
    ]);
    expect(routing.workloads.map((w) => w.workload)).toEqual(['ocr-rec', 'vad', 'general']);
    for (const w of ['ocr-rec', 'vad']) {
      const { routed, fastest } = routeOf(w);
      expect(routed).toBe(fastest);
    }
    const line = await renderTextLine('Route me');
    const ocr = await engine.runJob({
      kind: 'inference',
      modelHash: rec.hash,
      model: rec.bytes,
      input: line,
    });
    expect(ocr.device).toBe(routeOf('ocr-rec').routed);
    expect(ocr.preview).toMatchObject({ kind: 'ocr', text: 'Route me' });
    const speech = await engine.runJob({
      kind: 'inference',
      modelHash: vad.hash,
      model: vad.bytes,
      input: vadInput(),
    });
    expect(speech.device).toBe(routeOf('vad').routed);
    // The prediction for deadlines is the routed device's.
    const job = { kind: 'inference' as const, modelHash: rec.hash, input: line };
    const byDevice = Object.fromEntries(router.devices.map((d) => [d.id, router.predict(job, d)!]));
    expect(bench.predictRunMs(job)).toBe(Math.min(...Object.values(byDevice)));
  }, 120_000);

  it('counts each device’s queue: jobs submitted together spread as their expected completions say', async () => {
    const job = () => ({
      kind: 'inference' as const,
      modelHash: rec.hash,
      model: rec.bytes,
      input: recLine(),
    });
    const ms = router.devices.map((d) => router.predict(job(), d)!);
    // What the router should do with 6 jobs at once: each to the device where queued work + its run ends first.
    const queue = [0, 0];
    const expected: string[] = [];
    for (let i = 0; i < 6; i++) {
      const ends = queue.map((q, k) => q + ms[k]!);
      const k = ends[0]! <= ends[1]! ? 0 : 1;
      queue[k] = queue[k]! + ms[k]!;
      expected.push(router.devices[k]!.id);
    }
    const results = await Promise.all(Array.from({ length: 6 }, () => engine.runJob(job())));
    expect(results.map((r) => r.device)).toEqual(expected);
    // With 6 queued, the slower device finishes its one job before the faster one's queue would (unless one is
    // more than 6× the other): both serve.
    if (Math.max(...ms) < 6 * Math.min(...ms)) expect(new Set(expected).size).toBe(2);
  }, 120_000);

  it('keeps the rates across a restart, and measures a device again when its configuration changes', async () => {
    // A new node on the same data folder routes at once with the persisted rates.
    const again = new DeviceRouter();
    again.setDevices([all, one]);
    new BenchmarkService({ dataDir: dir, engine, router: again, events: new EventBus(), log: quietLog });
    expect([all, one].map((d) => again.status(d))).toEqual(['measured', 'measured']);
    expect(again.rates(one)).toEqual(router.rates(one));

    // The one-thread device now runs on both cores: another configuration, whose rates are not known.
    const changed = cpuDevice(undefined, 'CPU, all cores again', 'cpu-one');
    const restarted = new DeviceRouter({ onUnmeasured: () => (relaunch = service.measureInBackground()) });
    let relaunch: Promise<void> | null = null;
    const engine2 = createEngine({ devices: [all, changed], router: restarted, log: quietLog });
    const service = new BenchmarkService({
      dataDir: dir,
      engine: engine2,
      router: restarted,
      events: new EventBus(),
      log: quietLog,
      only: ['ocr-rec', 'vad'],
    });
    try {
      const first = await engine2.runJob({
        kind: 'inference',
        modelHash: vad.hash,
        model: vad.bytes,
        input: vadInput(),
      });
      expect(restarted.status(changed)).not.toBe('measured');
      // Until it is measured again, nothing goes to it, whatever it measured before.
      expect(first.device).toBe('cpu');
      expect(relaunch).not.toBeNull();
      await relaunch;
      expect(restarted.status(changed)).toBe('measured');
      expect(restarted.rates(changed)!.fingerprint).not.toBe(router.rates(one)!.fingerprint);
      // Jobs follow the new measurement.
      const report = service.get().routing;
      const w = report.workloads.find((x) => x.workload === 'vad')!;
      const fastest = [...w.rates].sort((a, b) => b.value - a.value)[0]!.device;
      const next = await engine2.runJob({
        kind: 'inference',
        modelHash: vad.hash,
        model: vad.bytes,
        input: vadInput(),
      });
      expect(next.device).toBe(fastest);
    } finally {
      await engine2.close();
    }
  }, 180_000);
});

describe('a GPU provider that fails on this machine', () => {
  it('keeps its jobs on the CPU and says why: WebGPU has no adapter here', async () => {
    const { dir, cleanup } = tempDir('flywheel-routing-');
    // onnxruntime's WebGPU provider for real, on a machine with no GPU: every session it is asked for fails.
    const webgpu: EngineDevice = {
      id: 'gpu0',
      label: 'WebGPU without an adapter',
      executionProvider: 'webgpu',
      deviceIndex: 0,
      intraOpThreads: 1,
      fingerprint: 'webgpu-here',
    };
    const router = new DeviceRouter();
    const engine = createEngine({ devices: [cpuDevice(), webgpu], router, log: quietLog });
    const bench = new BenchmarkService({
      dataDir: dir,
      engine,
      router,
      events: new EventBus(),
      log: quietLog,
      only: ['vad'],
    });
    try {
      const result = await bench.run('quick');
      expect(result.device).toBe('cpu');
      const [cpu, gpu] = bench.get().routing.devices;
      expect(cpu).toMatchObject({ status: 'measured', serves: ['vad', 'general'] });
      expect(gpu).toMatchObject({ status: 'unmeasured', serves: [] });
      expect(gpu!.note).toMatch(
        /^The benchmark failed on it \(WebGPU: .*WebGPU adapter.*\): jobs run on the CPU\.$/s,
      );
      expect(gpu!.action).toBe('Update the GPU driver, then run the benchmark again.');
      const vad = reference('vad');
      const job = await engine.runJob({
        kind: 'inference',
        modelHash: vad.hash,
        model: vad.bytes,
        input: writeSafetensors([tensorOf('audio', 'F32', [1024], new Float32Array(1024))]),
      });
      expect(job.device).toBe('cpu');
      // Measured by name alone, the run fails with onnxruntime's error.
      await expect(bench.run('quick', 'gpu0')).rejects.toMatchObject({ code: 'ENGINE_FAILED' });
    } finally {
      await engine.close();
      cleanup();
    }
  }, 120_000);
});
