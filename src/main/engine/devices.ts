import type { HardwareReport } from '../../shared/api/hardware';
import type { EngineDevice } from './engine';

/**
 * The engine's devices from a probed hardware report, best first: each GPU with a GPU provider, then the CPU.
 * A GPU whose providers all failed is left out (the CPU device covers what it would have run).
 */
export function engineDevicesFrom(report: HardwareReport): EngineDevice[] {
  const threads = Math.max(1, report.cpu.physicalCores);
  const gpus: EngineDevice[] = [];
  let cpu: EngineDevice | null = null;
  for (const d of report.devices) {
    const chosen = d.executionProvider?.chosen;
    if (!chosen) continue;
    const device = {
      id: d.id,
      label: d.label,
      executionProvider: chosen,
      deviceIndex: d.deviceIndex ?? 0,
      intraOpThreads: threads,
    };
    if (d.kind === 'cpu') cpu = device;
    else if (chosen !== 'cpu') gpus.push(device);
  }
  return cpu ? [...gpus, cpu] : gpus;
}
