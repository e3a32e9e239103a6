import si from 'systeminformation';
import type { CpuInfo, GpuInfo, GpuVendor, HardwareReport } from '#shared/api/hardware';
import { NVIDIA_SMI_ARGS, parseNvidiaSmi, type NvidiaGpu } from './nvidiaSmi';
import { ROCM_SMI_ARGS, parseRocmSmi, type AmdGpu } from './rocmSmi';
import { runTool, type ToolResult } from './tools';

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
      vramUsedMiB: typeof c.memoryUsed === 'number' && c.memoryUsed >= 0 ? c.memoryUsed : null,
      driver: c.driverVersion?.trim() || null,
      busId: c.pciBus?.trim() || c.busAddress?.trim() || null,
      source: 'systeminformation' as const,
      temperatureC: positiveOrNull(c.temperatureGpu),
      utilizationPct: typeof c.utilizationGpu === 'number' ? c.utilizationGpu : null,
      powerW: positiveOrNull(c.powerDraw),
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

/** How detection reaches the outside world; tests pass recorded tool output. */
export interface DetectSources {
  runTool: (command: string, args: string[]) => Promise<ToolResult>;
}

/**
 * GPUs from systeminformation refined by the vendor tools: nvidia-smi and rocm-smi know names, VRAM and drivers
 * better (and see GPUs a VM's PCI listing hides). Matched by PCI bus id, then by order within the vendor; a GPU only
 * a vendor tool sees is added. Ids (`gpu0`, `gpu1`, …) follow bus order.
 */
export function mergeGpus(
  fromSi: GpuInfo[],
  nvidia: NvidiaGpu[],
  amd: AmdGpu[],
): { gpus: GpuInfo[]; deviceIndex: Map<string, number> } {
  const merged = fromSi.map((g) => ({ gpu: { ...g }, deviceIndex: null as number | null }));
  const refine = (
    vendor: GpuVendor,
    source: GpuInfo['source'],
    tool: {
      index: number;
      name: string | null;
      busId: string | null;
      memory: number | null;
      memoryUsed: number | null;
      driver: string | null;
      temperatureC: number | null;
      utilizationPct: number | null;
      powerW: number | null;
    },
  ) => {
    const bus = normalizeBusId(tool.busId);
    let target = bus ? merged.find((m) => normalizeBusId(m.gpu.busId) === bus) : undefined;
    target ??= merged.filter((m) => m.gpu.vendor === vendor && m.deviceIndex === null)[0];
    if (!target) {
      target = {
        gpu: {
          id: '',
          index: 0,
          vendor,
          model: tool.name ?? 'Unknown GPU',
          vramMiB: null,
          vramUsedMiB: null,
          driver: null,
          busId: null,
          source,
          temperatureC: null,
          utilizationPct: null,
          powerW: null,
        },
        deviceIndex: null,
      };
      merged.push(target);
    }
    const g = target.gpu;
    g.vendor = vendor;
    g.source = source;
    if (tool.name) g.model = tool.name;
    g.busId = tool.busId ?? g.busId;
    g.vramMiB = tool.memory ?? g.vramMiB;
    g.vramUsedMiB = tool.memoryUsed ?? g.vramUsedMiB;
    g.driver = tool.driver ?? g.driver;
    g.temperatureC = tool.temperatureC ?? g.temperatureC;
    g.utilizationPct = tool.utilizationPct ?? g.utilizationPct;
    g.powerW = tool.powerW ?? g.powerW;
    target.deviceIndex = tool.index;
  };
  for (const n of nvidia)
    refine('nvidia', 'nvidia-smi', { ...n, memory: n.memoryMiB, memoryUsed: n.memoryUsedMiB });
  for (const a of amd) refine('amd', 'rocm-smi', { ...a, memory: a.vramMiB, memoryUsed: null });
  merged.sort((a, b) => busOrder(a.gpu.busId) - busOrder(b.gpu.busId));
  const deviceIndex = new Map<string, number>();
  const gpus = merged.map((m, index) => {
    const gpu = { ...m.gpu, id: `gpu${index}`, index };
    // The execution provider's device number: the vendor tool's index (CUDA order), else the adapter order.
    deviceIndex.set(gpu.id, m.deviceIndex ?? index);
    return gpu;
  });
  return { gpus, deviceIndex };
}

/** `00000000:01:00.0`, `0000:01:00.0`, `01:00.0` → `0:01:00.0` (domain as a number, lower case). */
export function normalizeBusId(busId: string | null | undefined): string | null {
  const m = /(?:([0-9a-f]{1,8}):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])\s*$/i.exec(busId ?? '');
  if (!m) return null;
  return `${parseInt(m[1] ?? '0', 16)}:${m[2]!.toLowerCase()}:${m[3]!.toLowerCase()}.${m[4]}`;
}

function busOrder(busId: string | null): number {
  const n = normalizeBusId(busId);
  if (!n) return Number.MAX_SAFE_INTEGER;
  const [domain, bus, dev, fn] = n.split(/[:.]/);
  return ((Number(domain) * 256 + parseInt(bus!, 16)) * 32 + parseInt(dev!, 16)) * 8 + Number(fn);
}

/** Detects GPUs, CPU, memory and OS. Never throws: whatever cannot be read becomes a note. */
export async function detectHardware(sources: DetectSources = { runTool }): Promise<HardwareReport> {
  const notes: string[] = [];
  const [graphics, cpu, flags, mem, os, nvidiaOut, rocmOut] = await Promise.all([
    probe('GPU list', () => si.graphics(), { controllers: [], displays: [] }, notes),
    probe('CPU', () => si.cpu(), null, notes),
    probe('CPU flags', () => si.cpuFlags(), '', notes),
    probe('memory', () => si.mem(), null, notes),
    probe('OS', () => si.osInfo(), null, notes),
    sources.runTool('nvidia-smi', NVIDIA_SMI_ARGS),
    sources.runTool('rocm-smi', ROCM_SMI_ARGS),
  ]);
  const nvidia = nvidiaOut.ok ? parseNvidiaSmi(nvidiaOut.stdout, notes) : [];
  const amd = rocmOut.ok ? parseRocmSmi(rocmOut.stdout, notes) : [];
  for (const out of [nvidiaOut, rocmOut]) if (!out.ok && !out.missing) notes.push(out.why);
  const { gpus, deviceIndex } = mergeGpus(gpusFromSystemInformation(graphics.controllers ?? []), nvidia, amd);
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
      ...gpus.map((g) => ({
        id: g.id,
        label: g.model,
        kind: 'gpu' as const,
        deviceIndex: deviceIndex.get(g.id) ?? g.index,
        executionProvider: null,
      })),
      { id: 'cpu', label: cpuInfo.brand, kind: 'cpu' as const, deviceIndex: 0, executionProvider: null },
    ],
    notes,
  };
}
