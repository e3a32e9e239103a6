import type { ValidatorState } from '#shared/api';
import { ErrorNotice } from '../../components/feedback';
import { useAction } from '../../lib/api';
import '../dashboard/ProvideSwitch.css';

/** Validation on or off, why it is where it is, and how much it checked. */
export function ValidatorSwitch({ state, onChanged }: { state: ValidatorState; onChanged: () => void }) {
  const start = useAction('validator.start');
  const stop = useAction('validator.stop');
  const pending = start.pending || stop.pending;
  const toggle = async () => {
    await (state.on ? stop.run({}) : start.run({}));
    onChanged();
  };
  return (
    <section className="provide card" aria-label="Validation">
      <button
        type="button"
        role="switch"
        aria-checked={state.on}
        className={`provide-switch${state.on ? ' on' : ''}`}
        disabled={pending}
        onClick={() => void toggle()}
        data-testid="validate-switch"
      >
        <span className="provide-knob" aria-hidden="true" />
        <span className="provide-label">{state.on ? 'Stop' : 'Validate'}</span>
      </button>
      <div className="provide-text" aria-live="polite">
        <StatusSentence state={state} />
        <Stats state={state} />
        {start.error && <ErrorNotice error={start.error} />}
        {stop.error && <ErrorNotice error={stop.error} />}
      </div>
    </section>
  );
}

function StatusSentence({ state }: { state: ValidatorState }) {
  const active = state.economies.filter((e) => e.standing === 'active').length;
  const economies = `${active} ${active === 1 ? 'economy' : 'economies'}`;
  const c = state.config;
  switch (state.status) {
    case 'validating':
      return (
        <p data-testid="validator-status">
          <strong>Validating</strong> in {economies}: re-running {Math.round(c.sampleRate * 100)} % of the
          results in their challenge window, at most {c.jobsPerHour} an hour and {c.maxEngineSharePct} % of
          the engine’s time.
          {state.reason && <span className="text-warn"> Last pass: {state.reason}.</span>}
        </p>
      );
    case 'waiting':
      return (
        <p data-testid="validator-status">
          <strong>Waiting</strong>: {state.reason ?? 'not ready yet'}. Checking starts by itself once that is
          done.
        </p>
      );
    case 'off':
      return (
        <p data-testid="validator-status">
          <strong>Off</strong>: this node checks no new results.{' '}
          {active === 0
            ? 'Bond in an economy as a validator below, then switch on.'
            : `Switch on to check results in ${economies}.`}{' '}
          Challenges and votes already begun are still finished.
        </p>
      );
  }
}

function Stats({ state }: { state: ValidatorState }) {
  const s = state.stats;
  return (
    <dl className="facts" data-testid="validator-stats">
      <dt>Checked in the last hour</dt>
      <dd>
        {s.checkedLastHour} of at most {state.config.jobsPerHour}
      </dd>
      <dt>Engine time taken</dt>
      <dd>
        {s.engineSharePct} % of at most {state.config.maxEngineSharePct} %
      </dd>
      <dt>All checks</dt>
      <dd>
        {s.checked} judged: {s.valid} agree, {s.invalid} disagree · {s.skipped} skipped
      </dd>
      <dt>Challenges and votes</dt>
      <dd>
        {s.challenges} {s.challenges === 1 ? 'challenge' : 'challenges'} · {s.votes}{' '}
        {s.votes === 1 ? 'vote' : 'votes'}
      </dd>
    </dl>
  );
}
