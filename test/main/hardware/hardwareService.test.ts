import { describe, expect, it } from 'vitest';
import type { HardwareReport } from '../../../src/shared/api/hardware';
import { engineDevicesFrom } from '../../../src/main/engine/devices';
import { EventBus } from '../../../src/main/events';
import { detectHardware } from '../../../src/main/hardware/detect';
import { probeExecutionProviders } from '../../../src/main/hardware/probe';
import { HardwareService } from '../../../src/main/hardware/hardwareService';
import { LogSink } from '../../../src/main/log';

const log = new LogSink({ consoleLevel: 'silent' }).logger('hardware');

describe('hardware service', () => {
  it('reports first, then tries execution providers and reports again with them', async () => {
    const events = new EventBus();
    const reports: HardwareReport[] = [];
    events.subscribe((m) => {
      if (m.name === 'hardware.changed') reports.push(m.payload);
    });
    const service = new HardwareService(events, log, { probeProviders: (r) => probeExecutionProviders(r) });
    const first = await service.get();
    expect(first.devices.every((d) => d.executionProvider === null)).toBe(true);
    const probed = await service.probed();
    service.close();
    expect(probed.devices.at(-1)?.executionProvider?.chosen).toBe('cpu');
    expect(await service.get()).toBe(probed);
    expect(reports).toEqual([first, probed]);
    // This machine's engine devices: the CPU with its physical cores first (the default until the benchmark has
    // measured the others), then its GPUs that have a GPU provider.
    expect(engineDevicesFrom(probed)[0]).toMatchObject({
      id: 'cpu',
      executionProvider: 'cpu',
      intraOpThreads: probed.cpu.physicalCores,
    });
  });

  it('gives the engine the CPU first, then each GPU that has a GPU provider, leaving out one that fell back to the CPU', async () => {
    const report = await detectHardware({ runTool: async () => ({ ok: false, missing: true, why: '' }) });
    const ep = (chosen: 'cuda' | 'cpu') => ({ chosen, candidates: [] });
    const devices = engineDevicesFrom({
      ...report,
      devices: [
        { id: 'gpu0', label: 'A', kind: 'gpu', deviceIndex: 0, executionProvider: ep('cuda') },
        { id: 'gpu1', label: 'B', kind: 'gpu', deviceIndex: 1, executionProvider: ep('cuda') },
        { id: 'gpu2', label: 'C', kind: 'gpu', deviceIndex: 0, executionProvider: ep('cpu') },
        { id: 'cpu', label: 'CPU', kind: 'cpu', deviceIndex: 0, executionProvider: ep('cpu') },
      ],
    });
    expect(devices.map((d) => [d.id, d.executionProvider, d.deviceIndex])).toEqual([
      ['cpu', 'cpu', 0],
      ['gpu0', 'cuda', 0],
      ['gpu1', 'cuda', 1],
    ]);
    // Each configuration has its own fingerprint: measured rates hold for it alone.
    expect(new Set(devices.map((d) => d.fingerprint)).size).toBe(3);
  });
});
