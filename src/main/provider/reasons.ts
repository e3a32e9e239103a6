import type { HardwareReport } from '#shared/api/hardware';
import type { Limits } from '#shared/api/settings';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Why the schedule in the limits says "not now" (null: inside it, or no schedule). */
export function outsideSchedule(schedule: Limits['schedule'], now = new Date()): string | null {
  if (!schedule.enabled) return null;
  const minutes = now.getHours() * 60 + now.getMinutes();
  const [sh, sm] = schedule.start.split(':').map(Number) as [number, number];
  const [eh, em] = schedule.end.split(':').map(Number) as [number, number];
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  // A window that ends before it starts runs over midnight (22:00–06:00); its early hours belong to the day before.
  const overnight = end <= start;
  const inTime = overnight ? minutes >= start || minutes < end : minutes >= start && minutes < end;
  const day = overnight && minutes < end ? (now.getDay() + 6) % 7 : now.getDay();
  if (inTime && schedule.days.includes(day)) return null;
  const days = schedule.days.length === 7 ? 'every day' : schedule.days.map((d) => DAYS[d]).join(', ');
  return `Outside the schedule (${days}, ${schedule.start}–${schedule.end})`;
}

/** The GPUs jobs may run on (Settings → Limits → devices; null: all): only their readings can stop jobs. */
function usable(report: HardwareReport | null, devices: Limits['devices']) {
  return (report?.gpus ?? []).filter((g) => devices === null || devices.includes(g.id));
}

/** The first usable GPU over the temperature limit, in words (null: none over, or no temperatures reported). */
export function overTemperature(
  report: HardwareReport | null,
  limitC: number,
  devices: Limits['devices'] = null,
): string | null {
  for (const gpu of usable(report, devices)) {
    if (gpu.temperatureC !== null && gpu.temperatureC >= limitC) {
      return `GPU ${gpu.index} at ${gpu.temperatureC} °C (limit ${limitC} °C)`;
    }
  }
  return null;
}

/** The first GPU drawing more board power than the cap, in words (null: none over, no cap, or no power reported). */
export function overPower(
  report: HardwareReport | null,
  limitW: number | null,
  devices: Limits['devices'] = null,
): string | null {
  if (limitW === null) return null;
  for (const gpu of usable(report, devices)) {
    if (gpu.powerW !== null && gpu.powerW > limitW) {
      return `GPU ${gpu.index} draws ${Math.round(gpu.powerW)} W (cap ${limitW} W)`;
    }
  }
  return null;
}
