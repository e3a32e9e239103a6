import { describe, expect, it } from 'vitest';
import {
  cpuFrom,
  detectHardware,
  gpusFromSystemInformation,
  vendorOf,
} from '../../../src/main/hardware/detect';

type Controller = Parameters<typeof gpusFromSystemInformation>[0][number];

describe('hardware detection', () => {
  it('reads this machine without throwing, whatever it has', async () => {
    const report = await detectHardware();
    expect(report.cpu.threads).toBeGreaterThan(0);
    expect(report.memory.totalMiB).toBeGreaterThan(0);
    // One device per GPU plus the CPU, always.
    expect(report.devices).toHaveLength(report.gpus.length + 1);
    expect(report.devices.at(-1)?.id).toBe('cpu');
    if (report.gpus.length === 0) expect(report.notes.join(' ')).toMatch(/No GPU/);
  });

  it('copes with a CPU that reports speed 0 and no brand', () => {
    const cpu = cpuFrom(
      { speed: 0, speedMax: 0, cores: 0, physicalCores: 0, brand: '', manufacturer: '' } as never,
      '',
    );
    expect(cpu).toMatchObject({
      speedGHz: null,
      threads: 1,
      physicalCores: 1,
      brand: 'Unknown CPU',
      simd: [],
    });
  });

  it('keeps the SIMD flags inference cares about', () => {
    const cpu = cpuFrom({ cores: 8, physicalCores: 4 } as never, 'fpu sse4_2 avx avx2 fma f16c avx512f aes');
    expect(cpu.simd).toEqual(['sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx512f']);
  });

  it('turns odd controller entries into usable GPUs and drops empty ones', () => {
    const gpus = gpusFromSystemInformation([
      { vendor: '', model: '', vram: null, bus: '' } as unknown as Controller,
      {
        vendor: 'NVIDIA Corporation',
        model: 'NVIDIA H100 80GB HBM3',
        vram: 81559,
        driverVersion: '550.54.15',
        pciBus: '00000000:19:00.0',
        temperatureGpu: 41,
        utilizationGpu: 0,
      } as unknown as Controller,
      {
        vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]',
        model: 'Radeon RX 7900 XTX',
        vram: -1,
      } as unknown as Controller,
    ]);
    expect(gpus).toHaveLength(2);
    expect(gpus[0]).toMatchObject({ id: 'gpu0', vendor: 'nvidia', vramMiB: 81559, driver: '550.54.15' });
    expect(gpus[1]).toMatchObject({ id: 'gpu1', vendor: 'amd', vramMiB: null, driver: null });
  });

  it.each([
    ['NVIDIA Corporation', 'nvidia'],
    ['Intel Corporation', 'intel'],
    ['Apple', 'apple'],
    ['Matrox', 'other'],
    [undefined, 'other'],
  ] as const)('maps vendor %s to %s', (raw, vendor) => {
    expect(vendorOf(raw)).toBe(vendor);
  });
});
