import si from 'systeminformation';
import type { CpuInfo, GpuInfo, GpuVendor, HardwareReport } from '../../shared/api/hardware';

const SIMD_FLAGS = [
  'sse4_2',
  'avx',
  'avx2',
  'fma',
  'f16c',
  'avx512f',
  'avx512_bf16',
  'avx512_vnni',
  'amx_tile',
  'neon',
  'asimd',
];

/** Runs a systeminformation query, turning a throw or a hang into `fallback` and a note. */
async function probe<T>(
  what: string,
  fn: () => Promise<T>,
  fallback: T,
  notes: string[],
  timeoutMs = 5000,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    notes.push(`${what}: ${(err as Error).message}`);
    return fallback;
  } finally {
    clearTimeout(timer);
  }
}

export function vendorOf(raw: string | undefined | null): GpuVendor {
  const v = (raw ?? '').toLowerCase();
  if (v.includes('nvidia')) return 'nvidia';
  if (v.includes('amd') || v.includes('advanced micro') || v.includes('ati ')) return 'amd';
  if (v.includes('intel')) return 'intel';
  if (v.includes('apple')) return 'apple';
  return 'other';
}

function positiveOrNull(n: unknown): number | null {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
}

/** GPUs as systeminformation sees them; virtual display adapters with no memory and no vendor are dropped. */
export function gpusFromSystemInformation(
  controllers: si.Systeminformation.GraphicsControllerData[],
): GpuInfo[] {
  return controllers
    .filter((c) => (c.model ?? '').trim() !== '' || (c.vendor ?? '').trim() !== '')
    .map((c, index) => ({
      id: `gpu${index}`,
      index,
      vendor: vendorOf(c.vendor || c.model),
      model: (c.model || c.name || 'Unknown GPU').trim(),
      vramMiB: positiveOrNull(c.vram),
      driver: c.driverVersion?.trim() || null,
      busId: c.pciBus?.trim() || c.busAddress?.trim() || null,
      source: 'systeminformation' as const,
      temperatureC: positiveOrNull(c.temperatureGpu),
      utilizationPct: typeof c.utilizationGpu === 'number' ? c.utilizationGpu : null,
    }));
}

export function cpuFrom(cpu: si.Systeminformation.CpuData | null, flags: string): CpuInfo {
  const flagSet = new Set(flags.toLowerCase().split(/\s+/).filter(Boolean));
  const threads = cpu?.cores && cpu.cores > 0 ? cpu.cores : 1;
  return {
    manufacturer: cpu?.manufacturer?.trim() || 'Unknown',
    brand: cpu?.brand?.trim() || 'Unknown CPU',
    physicalCores: cpu?.physicalCores && cpu.physicalCores > 0 ? cpu.physicalCores : threads,
    threads,
    speedGHz: positiveOrNull(cpu?.speedMax) ?? positiveOrNull(cpu?.speed),
    simd: SIMD_FLAGS.filter((f) => flagSet.has(f)),
  };
}

/** Detects GPUs, CPU, memory and OS. Never throws: whatever cannot be read becomes a note. */
export async function detectHardware(): Promise<HardwareReport> {
  const notes: string[] = [];
  const [graphics, cpu, flags, mem, os] = await Promise.all([
    probe('GPU list', () => si.graphics(), { controllers: [], displays: [] }, notes),
    probe('CPU', () => si.cpu(), null, notes),
    probe('CPU flags', () => si.cpuFlags(), '', notes),
    probe('memory', () => si.mem(), null, notes),
    probe('OS', () => si.osInfo(), null, notes),
  ]);
  const gpus = gpusFromSystemInformation(graphics.controllers ?? []);
  if (gpus.length === 0) notes.push('No GPU was found: jobs will run on the CPU.');
  const cpuInfo = cpuFrom(cpu, flags);
  if (cpuInfo.speedGHz === null) notes.push('The OS does not report the CPU clock speed.');
  return {
    detectedAt: Date.now(),
    gpus,
    cpu: cpuInfo,
    memory: {
      totalMiB: Math.round((mem?.total ?? 0) / 2 ** 20),
      availableMiB: Math.round((mem?.available ?? 0) / 2 ** 20),
    },
    os: {
      platform: os?.platform ?? process.platform,
      distro: os?.distro ?? '',
      release: os?.release ?? '',
      arch: os?.arch ?? process.arch,
    },
    devices: [
      ...gpus.map((g) => ({ id: g.id, label: g.model, kind: 'gpu' as const, executionProvider: null })),
      { id: 'cpu', label: cpuInfo.brand, kind: 'cpu' as const, executionProvider: null },
    ],
    notes,
  };
}
