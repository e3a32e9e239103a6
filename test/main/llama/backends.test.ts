import { describe, expect, it } from 'vitest';
import type { HardwareReport } from '../../../src/shared/api/hardware';
import {
  chooseLlamaBackends,
  llamaBackendOf,
  probeLlamaBackend,
  type LlamaProbe,
} from '../../../src/main/engine/llama/backends';

const report = (vendor: 'nvidia' | 'amd'): HardwareReport => ({
  detectedAt: 0,
  gpus: [
    {
      id: 'gpu0',
      index: 0,
      vendor,
      model: vendor === 'nvidia' ? 'NVIDIA H200' : 'Radeon RX 7900',
      vramMiB: 24_000,
      vramUsedMiB: null,
      driver: null,
      busId: null,
      source: 'systeminformation',
      temperatureC: null,
      utilizationPct: null,
      powerW: null,
    },
  ],
  cpu: { manufacturer: 'AMD', brand: 'EPYC', physicalCores: 2, threads: 2, speedGHz: null, simd: [] },
  memory: { totalMiB: 1, availableMiB: 1 },
  os: { platform: 'linux', distro: '', release: '', arch: 'x64' },
  devices: [
    { id: 'gpu0', label: 'GPU', kind: 'gpu', deviceIndex: 0, executionProvider: null },
    { id: 'cpu', label: 'CPU', kind: 'cpu', deviceIndex: 0, executionProvider: null },
  ],
  notes: [],
});

describe('llama.cpp backends in the hardware report', () => {
  it('on an NVIDIA GPU without the CUDA 13 runtime: CUDA rejected with what to install, Vulkan chosen', async () => {
    const tried: string[] = [];
    const probe: LlamaProbe = async (b) => {
      tried.push(b);
      return b === 'cuda' ? { ok: false, error: 'NoBinaryFoundError' } : { ok: true, gpus: ['NVIDIA H200'] };
    };
    const out = await chooseLlamaBackends(report('nvidia'), probe, 'linux');
    const gpu = out.devices[0]!.llama;
    expect(gpu.chosen).toBe('vulkan');
    expect(gpu.candidates.map((c) => [c.name, c.status])).toEqual([
      ['cuda', 'rejected'],
      ['vulkan', 'chosen'],
      ['metal', 'not-applicable'],
      ['cpu', 'not-applicable'],
    ]);
    expect(gpu.candidates[0]!.action).toMatch(/libcudart\.so\.13/);
    expect(out.devices[1]!.llama.chosen).toBe('cpu');
    expect(tried).toEqual(['cuda', 'vulkan']);
    expect(llamaBackendOf(out, { id: 'gpu0', executionProvider: 'cuda' })).toBe('vulkan');
    expect(llamaBackendOf(null, { id: 'cpu', executionProvider: 'cpu' })).toBe('cpu');
  });

  it('with no GPU backend working: the GPU runs no language model, the report says so and how to fix it', async () => {
    const out = await chooseLlamaBackends(
      report('amd'),
      async () => ({ ok: false, error: 'no loader' }),
      'linux',
    );
    const gpu = out.devices[0]!.llama;
    expect(gpu.chosen).toBeNull();
    expect(gpu.candidates.find((c) => c.name === 'vulkan')).toMatchObject({
      status: 'rejected',
      action: expect.stringMatching(/apt install libvulkan1/),
    });
    expect(gpu.candidates.find((c) => c.name === 'cuda')).toMatchObject({ status: 'not-applicable' });
    expect(out.notes.at(-1)).toMatch(
      /no llama.cpp GPU backend works, so language models run on the CPU only/,
    );
  });

  it('really tries a GPU build here, in a child process, and says why it does not load on this GPU-less machine', async () => {
    const result = await probeLlamaBackend('vulkan');
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
  });
});
