import { useId, useState } from 'react';
import type { ValidatorConfig } from '#shared/api';
import { Card } from '../../components/feedback';
import { SaveFooter } from '../../components/SaveFooter';
import { useSave } from '../../lib/api';

type Check = { ok: true; value: number } | { ok: false; error: string };

function checkNumber(text: string, min: number, max: number, integer: boolean, what: string): Check {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value))
    return { ok: false, error: `Enter ${what} as a number.` };
  if (integer && !Number.isInteger(value)) return { ok: false, error: `Enter ${what} as a whole number.` };
  if (value < min || value > max) return { ok: false, error: `Enter ${what} from ${min} to ${max}.` };
  return { ok: true, value };
}

/** The sampling rate and the budget: how much of the network is checked and how much of this machine it takes. */
export function ValidatorConfigForm({ config, onSaved }: { config: ValidatorConfig; onSaved: () => void }) {
  const id = useId();
  const save = useSave('validator.configure');
  const [rate, setRate] = useState(() => String(Math.round(config.sampleRate * 1000) / 10));
  const [perHour, setPerHour] = useState(() => String(config.jobsPerHour));
  const [share, setShare] = useState(() => String(config.maxEngineSharePct));
  const checks = {
    rate: checkNumber(rate, 0, 100, false, 'the sampling rate'),
    perHour: checkNumber(perHour, 0, 100_000, true, 're-runs per hour'),
    share: checkNumber(share, 1, 100, false, 'the engine share'),
  };
  const ok = checks.rate.ok && checks.perHour.ok && checks.share.ok;
  const field = (
    key: keyof typeof checks,
    label: string,
    value: string,
    set: (v: string) => void,
    help: string,
  ) => {
    const c = checks[key];
    return (
      <div className="field">
        <label htmlFor={`${id}-${key}`}>{label}</label>
        <input
          id={`${id}-${key}`}
          inputMode="decimal"
          value={value}
          onChange={(e) => (set(e.target.value), save.edit())}
          aria-invalid={!c.ok}
          aria-describedby={`${id}-${key}-help`}
        />
        <div id={`${id}-${key}-help`} className={c.ok ? 'muted small' : 'text-error small'}>
          {c.ok ? help : c.error}
        </div>
      </div>
    );
  };
  return (
    <Card title="Sampling and budget">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!checks.rate.ok || !checks.perHour.ok || !checks.share.ok) return;
          void save
            .submit({
              sampleRate: checks.rate.value / 100,
              jobsPerHour: checks.perHour.value,
              maxEngineSharePct: checks.share.value,
            })
            .then((r) => r && onSaved());
        }}
      >
        <div className="field-grid">
          {field(
            'rate',
            'Sampling rate (%)',
            rate,
            setRate,
            'Share of the results in their challenge window that are re-run; providers checked less are picked more often.',
          )}
          {field(
            'perHour',
            'Re-runs per hour, at most',
            perHour,
            setPerHour,
            'A result over this budget is skipped with the reason, never voted on.',
          )}
          {field(
            'share',
            'Engine share (%), at most',
            share,
            setShare,
            'Share of the engine’s time re-runs may take: a re-run is followed by a rest.',
          )}
        </div>
        <SaveFooter save={save} label="Save" disabled={!ok} savedText="Saved: the next pass uses it." />
      </form>
    </Card>
  );
}
