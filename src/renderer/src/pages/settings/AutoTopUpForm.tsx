import { useId, useState } from 'react';
import type { Settings } from '#shared/api';
import { SaveFooter } from '../../components/SaveFooter';
import { useLive, useSave } from '../../lib/api';

/** The cap as typed: a token amount ("20", "2.5"), above 0 for auto top-up to be on. */
export function checkCap(cap: string, enabled: boolean): string | null {
  if (!/^\d{1,15}(\.\d{1,18})?$/.test(cap.trim())) return 'A token amount, such as 20 or 2.5.';
  if (enabled && Number(cap) <= 0) return 'Set a cap above 0 to turn auto top-up on.';
  return null;
}

/**
 * Opt-in auto top-up: after a slash leaves the bond under an economy's minimum (no weight in the draw), the node adds
 * the shortfall from the wallet by itself, within a cap — a total per economy, in that economy's tokens — and the
 * wallet's balance. Shows what it added so far and why it last could not.
 */
export function AutoTopUpForm({ settings }: { settings: Settings }) {
  const id = useId();
  const [enabled, setEnabled] = useState(settings.autoTopUp.enabled);
  const [cap, setCap] = useState(settings.autoTopUp.cap);
  const save = useSave('settings.update');
  const provider = useLive('provider.get', {}, 'provider.changed');
  const problem = checkCap(cap, enabled);
  const done = provider.data?.autoTopUp ?? [];

  return (
    <form
      className="form"
      aria-label="Bond auto top-up"
      onSubmit={(e) => {
        e.preventDefault();
        if (problem) return;
        void save.submit({ patch: { autoTopUp: { enabled, cap: cap.trim() } } });
      }}
    >
      <label className="check">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(e) => {
            setEnabled(e.target.checked);
            save.edit();
          }}
        />
        Top up my bond from the wallet when a slash leaves it under an economy’s minimum
      </label>
      <div className="field">
        <label htmlFor={`${id}-cap`}>
          Cap <span className="muted">(tokens of each economy, in total)</span>
        </label>
        <input
          id={`${id}-cap`}
          inputMode="decimal"
          value={cap}
          onChange={(e) => {
            setCap(e.target.value);
            save.edit();
          }}
          aria-invalid={problem !== null}
          aria-describedby={`${id}-cap-help`}
        />
        <div id={`${id}-cap-help`} className={problem ? 'text-error small' : 'muted small'}>
          {problem ??
            'The node adds exactly the missing bond, never more than this in each economy altogether nor more than the wallet holds; otherwise it adds nothing and says why. Off, the dashboard offers the top-up as one click instead.'}
        </div>
      </div>
      {done.length > 0 && (
        <ul className="plain" data-testid="auto-top-ups">
          {done.map((d) => (
            <li key={d.economy}>
              <strong>{d.name}:</strong> {d.text}
            </li>
          ))}
        </ul>
      )}
      <SaveFooter save={save} label="Save auto top-up" disabled={problem !== null} />
    </form>
  );
}
