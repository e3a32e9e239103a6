import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  detectHardware,
  gpusFromSystemInformation,
  mergeGpus,
  normalizeBusId,
} from '../../../src/main/hardware/detect';
import { parseNvidiaSmi } from '../../../src/main/hardware/nvidiaSmi';
import { parseRocmSmi } from '../../../src/main/hardware/rocmSmi';
import { runTool } from '../../../src/main/hardware/tools';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../fixtures/hardware', name), 'utf8');

describe('nvidia-smi output', () => {
  it('reads every GPU of a two-GPU machine in index order', () => {
    const gpus = parseNvidiaSmi(fixture('nvidia-smi-two-gpus.csv'));
    expect(gpus).toEqual([
      {
        index: 0,
        name: 'NVIDIA GeForce RTX 4090',
        busId: '00000000:01:00.0',
        memoryMiB: 24564,
        driver: '550.54.15',
        temperatureC: 41,
        utilizationPct: 3,
        powerW: 28.71,
        memoryUsedMiB: 1873,
      },
      {
        index: 1,
        name: 'NVIDIA GeForce RTX 3060',
        busId: '00000000:2B:00.0',
        memoryMiB: 12288,
        driver: '550.54.15',
        temperatureC: 35,
        utilizationPct: 0,
        powerW: null,
        memoryUsedMiB: 0,
      },
    ]);
  });

  it('turns [N/A] fields into null and skips warnings and truncated lines with a note', () => {
    const notes: string[] = [];
    const gpus = parseNvidiaSmi(fixture('nvidia-smi-odd.csv'), notes);
    expect(gpus).toHaveLength(1);
    expect(gpus[0]).toMatchObject({
      name: 'NVIDIA A100-SXM4-80GB',
      memoryMiB: 81920,
      temperatureC: null,
      utilizationPct: null,
      powerW: null,
      memoryUsedMiB: null,
    });
    expect(notes).toHaveLength(2);
  });
});

describe('rocm-smi output', () => {
  it('reads each card with its bus, VRAM and the system driver version', () => {
    const gpus = parseRocmSmi(fixture('rocm-smi-two-gpus.json'));
    expect(gpus.map((g) => [g.index, g.name, g.busId, g.vramMiB, g.driver])).toEqual([
      [0, 'Radeon RX 7900 XTX', '0000:03:00.0', 24560, '6.7.0'],
      [1, 'AMD Instinct MI210', '0000:83:00.0', 65520, '6.7.0'],
    ]);
    expect(gpus[1]!.temperatureC).toBe(39);
    // Power under either key name rocm-smi versions use; N/A is null.
    expect(gpus.map((g) => g.powerW)).toEqual([61, null]);
  });

  it('gives no GPUs and a note for output that is not JSON', () => {
    const notes: string[] = [];
    expect(parseRocmSmi(fixture('rocm-smi-garbled.txt'), notes)).toEqual([]);
    expect(notes).toEqual(['rocm-smi: the output was not JSON']);
  });
});

describe('merging systeminformation with the vendor tools', () => {
  it('matches by bus id, lets the tool refine the figures, adds GPUs only the tool sees, orders by bus', () => {
    const fromSi = gpusFromSystemInformation([
      { vendor: 'Advanced Micro Devices, Inc.', model: 'Navi 31', vram: 0, pciBus: '03:00.0' },
      { vendor: 'NVIDIA Corporation', model: 'GA106', vram: 12288, busAddress: '2b:00.0' },
    ] as never);
    const { gpus, deviceIndex } = mergeGpus(
      fromSi,
      parseNvidiaSmi(fixture('nvidia-smi-two-gpus.csv')),
      parseRocmSmi(fixture('rocm-smi-two-gpus.json')),
    );
    expect(gpus.map((g) => [g.id, g.model, g.source])).toEqual([
      ['gpu0', 'NVIDIA GeForce RTX 4090', 'nvidia-smi'],
      ['gpu1', 'Radeon RX 7900 XTX', 'rocm-smi'],
      ['gpu2', 'NVIDIA GeForce RTX 3060', 'nvidia-smi'],
      ['gpu3', 'AMD Instinct MI210', 'rocm-smi'],
    ]);
    expect(gpus[1]!.vramMiB).toBe(24560);
    // Each GPU usable on its own: the provider device number is the vendor's own index (CUDA order for NVIDIA).
    expect(['gpu0', 'gpu1', 'gpu2', 'gpu3'].map((id) => deviceIndex.get(id))).toEqual([0, 0, 1, 1]);
  });

  it.each([
    ['00000000:01:00.0', '0:01:00.0'],
    ['0000:2B:00.0', '0:2b:00.0'],
    ['01:00.0', '0:01:00.0'],
    ['garbage', null],
    [null, null],
  ])('normalizes bus id %s', (raw, want) => {
    expect(normalizeBusId(raw)).toBe(want);
  });

  it('detects with recorded tool output: one device per GPU plus the CPU', async () => {
    const report = await detectHardware({
      runTool: async (command) =>
        command === 'nvidia-smi'
          ? { ok: true, stdout: fixture('nvidia-smi-two-gpus.csv') }
          : { ok: false, missing: false, why: 'rocm-smi failed: no AMD GPU' },
    });
    const nvidia = report.devices.filter((d) => d.label.startsWith('NVIDIA'));
    expect(nvidia.map((d) => d.deviceIndex)).toEqual([0, 1]);
    expect(report.devices.at(-1)?.id).toBe('cpu');
    expect(report.notes).toContain('rocm-smi failed: no AMD GPU');
  });

  it('says a missing tool is missing instead of throwing', async () => {
    expect(await runTool('flywheel-no-such-tool', [])).toMatchObject({ ok: false, missing: true });
  });
});
