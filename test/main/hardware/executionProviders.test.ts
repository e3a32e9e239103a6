import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardwareReport } from '../../../src/shared/api/hardware';
import { startProber, type ProviderProber } from '../../../src/main/engine/probe';
import {
  chooseExecutionProviders,
  executionProviderEnvironment,
} from '../../../src/main/hardware/executionProviders';

/** A report with the GPUs given and this machine's CPU; the probes below are real onnxruntime sessions. */
function report(gpus: HardwareReport['gpus']): HardwareReport {
  return {
    detectedAt: 0,
    gpus,
    cpu: { manufacturer: 'x', brand: 'Test CPU', physicalCores: 2, threads: 2, speedGHz: null, simd: [] },
    memory: { totalMiB: 1, availableMiB: 1 },
    os: { platform: 'linux', distro: '', release: '', arch: 'x64' },
    devices: [
      ...gpus.map((g) => ({
        id: g.id,
        label: g.model,
        kind: 'gpu' as const,
        deviceIndex: g.index,
        executionProvider: null,
      })),
      { id: 'cpu', label: 'Test CPU', kind: 'cpu' as const, deviceIndex: 0, executionProvider: null },
    ],
    notes: [],
  };
}

const gpu = (index: number, vendor: 'nvidia' | 'amd', model: string) => ({
  id: `gpu${index}`,
  index,
  vendor,
  model,
  vramMiB: 8192,
  vramUsedMiB: null,
  driver: null,
  busId: null,
  source: 'systeminformation' as const,
  temperatureC: null,
  utilizationPct: null,
  powerW: null,
});

let prober: ProviderProber;
beforeAll(async () => {
  prober = await startProber();
});
afterAll(() => prober.close());

describe('execution provider choice (probed for real in a worker process)', () => {
  it('chooses the CPU provider for the CPU device on this machine', async () => {
    const env = executionProviderEnvironment(await prober.backends());
    const probed = await chooseExecutionProviders(report([]), env, prober.probe);
    const cpu = probed.devices[0]!;
    expect(cpu.executionProvider?.chosen).toBe('cpu');
    expect(cpu.executionProvider?.candidates.map((c) => [c.name, c.status])).toEqual([
      ['cuda', 'not-applicable'],
      ['dml', 'not-applicable'],
      ['coreml', 'not-applicable'],
      ['webgpu', 'not-applicable'],
      ['cpu', 'chosen'],
    ]);
  });

  it('falls back from WebGPU (no adapter here) and tells NVIDIA users how to get CUDA', async () => {
    const env = {
      ...executionProviderEnvironment(await prober.backends()),
      platform: 'linux' as const,
      cudaLibraries: false,
    };
    const probed = await chooseExecutionProviders(
      report([gpu(0, 'nvidia', 'NVIDIA GeForce RTX 4090'), gpu(1, 'amd', 'Radeon RX 7900 XTX')]),
      env,
      prober.probe,
    );
    const [nvidia, amd, cpu] = probed.devices;
    const byName = (d: typeof nvidia) => new Map(d!.executionProvider!.candidates.map((c) => [c.name, c]));
    const first = byName(nvidia);
    expect(first.get('cuda')).toMatchObject({
      status: 'rejected',
      reason: 'CUDA: provider libraries not installed',
    });
    expect(first.get('cuda')!.action).toMatch(/npm run cuda:install/);
    expect(first.get('dml')!.status).toBe('not-applicable');
    expect(first.get('webgpu')!.status).toBe('rejected');
    expect(first.get('webgpu')!.reason).toMatch(/^WebGPU: .*WebGPU adapter/);
    expect(first.get('webgpu')!.action).toMatch(/Vulkan/);
    // No GPU provider works here: the GPU falls back to the CPU, with the reasons kept for the user.
    expect(nvidia!.executionProvider!.chosen).toBe('cpu');
    expect(first.get('cpu')!.status).toBe('chosen');
    // The second GPU: not NVIDIA, and WebGPU's single adapter belongs to the first.
    const second = byName(amd);
    expect(second.get('cuda')).toMatchObject({
      status: 'not-applicable',
      reason: 'CUDA: only for NVIDIA GPUs',
    });
    expect(second.get('webgpu')!.status).toBe('not-applicable');
    expect(cpu!.executionProvider?.chosen).toBe('cpu');
  });
});
