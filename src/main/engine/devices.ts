import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { version as appVersion } from '../../../package.json';
import type { ComputeDevice, HardwareReport } from '#shared/api/hardware';
import type { EngineDevice } from './engine';

// Not named `require`: electron-vite adds a top-level `require` shim to the bundle and the names would clash.
const localRequire = createRequire(import.meta.url);
let ortVersion: string | undefined;

/** onnxruntime-node's version, read from its package (the main process does not load onnxruntime itself). */
export function onnxruntimeVersion(): string {
  if (ortVersion !== undefined) return ortVersion;
  try {
    const file = join(dirname(localRequire.resolve('onnxruntime-node')), '..', 'package.json');
    ortVersion = String(
      (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version ?? 'unknown',
    );
  } catch {
    ortVersion = 'unknown';
  }
  return ortVersion;
}

export { appVersion };

/**
 * What a device's measured rates hold for: its hardware (model, memory, driver), the execution provider and threads
 * it runs with, and the onnxruntime and Flywheel versions. Any change gives another fingerprint, and the router
 * measures the device again before routing jobs to it.
 */
export function deviceFingerprint(parts: Record<string, unknown>): string {
  const text = JSON.stringify({ ...parts, onnxruntime: onnxruntimeVersion(), app: appVersion });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * The engine's devices from a probed hardware report, the CPU first (the known-good default until the benchmark
 * has measured the others), then each GPU with a GPU provider. Which device runs a job is the router's choice, by
 * measured rates (engine/router.ts), not this order. A GPU whose providers all failed is left out (the CPU device
 * covers what it would have run).
 */
export function engineDevicesFrom(report: HardwareReport): EngineDevice[] {
  const threads = Math.max(1, report.cpu.physicalCores);
  const gpus: EngineDevice[] = [];
  let cpu: EngineDevice | null = null;
  const host = {
    cpu: report.cpu.brand,
    cores: report.cpu.physicalCores,
    threads: report.cpu.threads,
    simd: report.cpu.simd,
    os: `${report.os.platform} ${report.os.arch}`,
  };
  for (const d of report.devices) {
    const chosen = d.executionProvider?.chosen;
    if (!chosen) continue;
    const gpu = report.gpus.find((g) => g.id === d.id);
    const deviceIndex = d.deviceIndex ?? 0;
    const device: EngineDevice = {
      id: d.id,
      label: d.label,
      executionProvider: chosen,
      deviceIndex,
      intraOpThreads: threads,
      fingerprint: deviceFingerprint({
        id: d.id,
        executionProvider: chosen,
        deviceIndex,
        intraOpThreads: threads,
        host,
        gpu: gpu ? { vendor: gpu.vendor, model: gpu.model, vramMiB: gpu.vramMiB, driver: gpu.driver } : null,
      }),
    };
    const upgrade = upgradeOf(d);
    if (upgrade) device.upgrade = upgrade;
    if (d.kind === 'cpu') cpu = device;
    else if (chosen !== 'cpu') gpus.push(device);
  }
  return cpu ? [cpu, ...gpus] : gpus;
}

/** A faster provider this device could run with, and what it takes: the first one ranked above the chosen one that was rejected with an action. */
function upgradeOf(device: ComputeDevice): EngineDevice['upgrade'] | undefined {
  const candidates = device.executionProvider?.candidates ?? [];
  for (const c of candidates) {
    if (c.status === 'chosen') return undefined;
    if (c.status === 'rejected' && c.action) return { provider: c.name, reason: c.reason, action: c.action };
  }
  return undefined;
}

/** A CPU device's fingerprint from this machine's CPU (engines built without a hardware report: the CLI, tests). */
export function cpuFingerprint(intraOpThreads: number, id = 'cpu'): string {
  const list = cpus();
  return deviceFingerprint({
    id,
    executionProvider: 'cpu',
    deviceIndex: 0,
    intraOpThreads,
    host: {
      cpu: list[0]?.model ?? 'unknown',
      threads: list.length,
      os: `${process.platform} ${process.arch}`,
    },
    gpu: null,
  });
}
