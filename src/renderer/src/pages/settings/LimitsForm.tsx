import { useId, useState } from 'react';
import type { Limits, Settings } from '#shared/api';
import { ErrorNotice } from '../../components/feedback';
import { SaveFooter } from '../../components/SaveFooter';
import { useCall, useSave } from '../../lib/api';

const dayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Bounds a whole-number field; returns the problem in words, or null. */
export function checkRange(value: number, min: number, max: number): string | null {
  if (!Number.isInteger(value)) return 'A whole number.';
  if (value < min || value > max) return `Between ${min} and ${max}.`;
  return null;
}

/** How much of this machine Flywheel may use, and when. */
export function LimitsForm({ settings }: { settings: Settings }) {
  const id = useId();
  const [limits, setLimits] = useState<Limits>(settings.limits);
  const save = useSave('settings.update');
  const hardware = useCall('hardware.get', {});
  const set = (patch: Partial<Limits>) => {
    setLimits((l) => ({ ...l, ...patch }));
    save.edit();
  };
  const problems = {
    maxConcurrentJobs: checkRange(limits.maxConcurrentJobs, 1, 16),
    gpuSharePct: checkRange(limits.gpuSharePct, 10, 100),
    maxTemperatureC: checkRange(limits.maxTemperatureC, 50, 100),
    maxPowerW: limits.maxPowerW === null ? null : checkRange(limits.maxPowerW, 10, 2000),
    idleMinutes: checkRange(limits.idleMinutes, 1, 240),
    maxBlobMiB: checkRange(limits.maxBlobMiB, 1, 65536),
  };
  const valid = Object.values(problems).every((p) => p === null);

  const number = (name: keyof typeof problems, label: string, unit: string, help?: string) => {
    const value = limits[name];
    return (
      <div className="field">
        <label htmlFor={`${id}-${name}`}>
          {label} <span className="muted">({unit})</span>
        </label>
        <input
          id={`${id}-${name}`}
          type="number"
          value={value ?? ''}
          onChange={(e) =>
            set({ [name]: e.target.value === '' && name === 'maxPowerW' ? null : Number(e.target.value) })
          }
          aria-invalid={problems[name] !== null}
          aria-describedby={`${id}-${name}-help`}
        />
        <div id={`${id}-${name}-help`} className={problems[name] ? 'text-error small' : 'muted small'}>
          {problems[name] ?? help}
        </div>
      </div>
    );
  };

  const devices = hardware.data?.devices ?? [];
  const chosen = (deviceId: string) => limits.devices === null || limits.devices.includes(deviceId);
  const toggleDevice = (deviceId: string, on: boolean) => {
    const current = limits.devices ?? devices.map((d) => d.id);
    const next = on ? [...new Set([...current, deviceId])] : current.filter((d) => d !== deviceId);
    set({ devices: next.length === devices.length ? null : next });
  };
  const toggleDay = (day: number, on: boolean) => {
    const days = on
      ? [...new Set([...limits.schedule.days, day])].sort()
      : limits.schedule.days.filter((d) => d !== day);
    set({ schedule: { ...limits.schedule, days } });
  };

  return (
    <form
      className="form"
      aria-label="Limits"
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        void save.submit({ patch: { limits } });
      }}
    >
      <fieldset>
        <legend>Devices jobs may use</legend>
        {hardware.error && <ErrorNotice error={hardware.error} onRetry={hardware.reload} />}
        {devices.map((d) => (
          <label key={d.id} className="check">
            <input
              type="checkbox"
              checked={chosen(d.id)}
              onChange={(e) => toggleDevice(d.id, e.target.checked)}
            />
            {d.label} <span className="muted">({d.kind})</span>
          </label>
        ))}
        {limits.devices !== null && limits.devices.length === 0 && (
          <div className="text-error small">With no device chosen, no job can run.</div>
        )}
        <div className="muted small">
          Jobs move to a new choice of devices when Flywheel next starts; a left-out GPU’s temperature and
          power stop no job from now on.
        </div>
      </fieldset>
      <div className="field-grid">
        {number('maxConcurrentJobs', 'Jobs at once', '1–16', 'More at once earns more but risks deadlines.')}
        {number(
          'gpuSharePct',
          'GPU share',
          '%',
          'Share of the time jobs keep a job slot busy: at 50 % each run is followed by a rest as long.',
        )}
        {number('maxTemperatureC', 'Stop above', '°C', 'New jobs wait until the GPU cools down.')}
        {number(
          'maxPowerW',
          'Power cap',
          'W, empty: none',
          'New jobs wait while a GPU draws more (where it reports its board power).',
        )}
        {number('maxBlobMiB', 'Largest model or input', 'MiB', 'Bigger ones are declined (no slash).')}
      </div>
      <fieldset>
        <legend>Schedule</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={limits.schedule.enabled}
            onChange={(e) => set({ schedule: { ...limits.schedule, enabled: e.target.checked } })}
          />
          Only take jobs at set times
        </label>
        {limits.schedule.enabled && (
          <>
            <div className="radio-row" role="group" aria-label="Days">
              {dayNames.map((name, day) => (
                <label key={name} className="check">
                  <input
                    type="checkbox"
                    checked={limits.schedule.days.includes(day)}
                    onChange={(e) => toggleDay(day, e.target.checked)}
                  />
                  {name}
                </label>
              ))}
            </div>
            <div className="field-grid">
              <div className="field">
                <label htmlFor={`${id}-start`}>From</label>
                <input
                  id={`${id}-start`}
                  type="time"
                  value={limits.schedule.start}
                  onChange={(e) => set({ schedule: { ...limits.schedule, start: e.target.value } })}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-end`}>Until</label>
                <input
                  id={`${id}-end`}
                  type="time"
                  value={limits.schedule.end}
                  onChange={(e) => set({ schedule: { ...limits.schedule, end: e.target.value } })}
                />
              </div>
            </div>
          </>
        )}
      </fieldset>
      <fieldset>
        <legend>While you use this computer</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={limits.stopWhenUserActive}
            onChange={(e) => set({ stopWhenUserActive: e.target.checked })}
          />
          Stop providing while I am using it (jobs already running finish; the desktop app reads the keyboard
          and mouse idle time, the headless shell cannot)
        </label>
        {limits.stopWhenUserActive && number('idleMinutes', 'Away after', 'minutes without input')}
      </fieldset>
      <SaveFooter save={save} label="Save limits" disabled={!valid} />
    </form>
  );
}
