import { describe, expect, it } from 'vitest';
import type { GpuInfo, HardwareReport } from '../../../src/shared/api';
import { outsideSchedule, overPower, overTemperature } from '../../../src/main/provider/reasons';

const gpu = (index: number, temperatureC: number | null, powerW: number | null): GpuInfo => ({
  id: `gpu${index}`,
  index,
  vendor: 'nvidia',
  model: 'GPU',
  vramMiB: 8192,
  vramUsedMiB: null,
  driver: null,
  busId: null,
  source: 'nvidia-smi',
  temperatureC,
  utilizationPct: null,
  powerW,
});
const report = (...gpus: GpuInfo[]) => ({ gpus }) as HardwareReport;

describe('why the limits stop new jobs', () => {
  it('temperature: the first usable GPU at or over the limit; none reported is no reason', () => {
    expect(overTemperature(report(gpu(0, 70, null), gpu(1, 85, null)), 85)).toBe(
      'GPU 1 at 85 °C (limit 85 °C)',
    );
    expect(overTemperature(report(gpu(0, null, null)), 50)).toBeNull();
    expect(overTemperature(null, 50)).toBeNull();
    expect(overTemperature(report(gpu(0, 70, null), gpu(1, 90, null)), 85, ['gpu0', 'cpu'])).toBeNull();
  });

  it('power: only with a cap, only over it, only GPUs that report it', () => {
    const r = report(gpu(0, null, 250.4), gpu(1, null, null));
    expect(overPower(r, null)).toBeNull();
    expect(overPower(r, 250)).toBe('GPU 0 draws 250 W (cap 250 W)');
    expect(overPower(r, 251)).toBeNull();
    expect(overPower(r, 100, ['gpu1'])).toBeNull();
  });

  it('schedule: inside the days and hours, a window over midnight belongs to the day it starts', () => {
    const at = (day: number, hh: number, mm = 0) => new Date(2026, 10, 29 + day, hh, mm); // 29 Nov 2026: a Sunday
    const weekdays = { enabled: true, days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
    expect(outsideSchedule(weekdays, at(1, 10))).toBeNull();
    expect(outsideSchedule(weekdays, at(1, 17))).toBe(
      'Outside the schedule (Mon, Tue, Wed, Thu, Fri, 09:00–17:00)',
    );
    expect(outsideSchedule(weekdays, at(0, 10))).not.toBeNull();
    const nights = { enabled: true, days: [5], start: '22:00', end: '06:00' };
    expect(outsideSchedule(nights, at(5, 23))).toBeNull(); // Friday night
    expect(outsideSchedule(nights, at(6, 5, 59))).toBeNull(); // …into Saturday morning
    expect(outsideSchedule(nights, at(6, 23))).not.toBeNull(); // Saturday night is not Friday's
    expect(outsideSchedule({ ...nights, enabled: false }, at(6, 23))).toBeNull();
  });
});
