import type { ProviderState } from '#shared/api';
import { ErrorNotice, Loading } from '../../components/feedback';
import { NotDrawableNotice } from '../../components/NotDrawable';
import { useAction, useLive } from '../../lib/api';
import { useEconomies } from '../../lib/economies';
import { href } from '../../lib/routes';
import './ProvideSwitch.css';

/** The one big switch: provide this GPU to the economies joined, or stop. */
export function ProvideSwitch() {
  const state = useLive('provider.get', {}, 'provider.changed');
  const start = useAction('provider.start');
  const stop = useAction('provider.stop');
  const provider = state.data;
  // Stopped, the provider serves nowhere (its memberships are paused on-chain): what it has joined comes from the
  // economies' memberships, so right after a join the dashboard says "switch on", not "join an economy first".
  const economies = useEconomies();
  const joined = new Set([
    ...(provider?.serving ?? []).map((economy) => economy.toLowerCase()),
    ...(economies.data ?? [])
      .filter((e) => e.membership.status === 'active' || e.membership.status === 'paused')
      .map((e) => e.economy.toLowerCase()),
  ]).size;
  const on =
    provider?.status === 'providing' || provider?.status === 'starting' || provider?.status === 'held';
  const pending = start.pending || stop.pending || provider?.status === 'starting';
  const toggle = async () => {
    await (on ? stop.run({}) : start.run({}));
    state.reload();
  };
  return (
    <section className="provide card" aria-label="Provide GPU">
      <button
        type="button"
        role="switch"
        aria-checked={on}
        className={`provide-switch${on ? ' on' : ''}`}
        disabled={!provider || pending}
        onClick={() => void toggle()}
        data-testid="provide-switch"
      >
        <span className="provide-knob" aria-hidden="true" />
        <span className="provide-label">{on ? 'Stop' : 'Provide GPU'}</span>
      </button>
      <div className="provide-text" aria-live="polite">
        {state.error && <ErrorNotice error={state.error} onRetry={state.reload} />}
        {!provider && state.loading && <Loading />}
        {provider && <ProviderSentence provider={provider} joined={joined} />}
        {provider?.notDrawable?.map((b) => (
          <NotDrawableNotice
            key={b.economy}
            economy={b.economy}
            name={b.name}
            reason={b.reason}
            topUp={b.topUp}
            onDone={state.reload}
          />
        ))}
        {start.error && <ErrorNotice error={start.error} />}
        {stop.error && <ErrorNotice error={stop.error} />}
      </div>
    </section>
  );
}

function ProviderSentence({ provider, joined }: { provider: ProviderState; joined: number }) {
  const economies = `${provider.serving.length} ${provider.serving.length === 1 ? 'economy' : 'economies'}`;
  const joinedText = `${joined} ${joined === 1 ? 'economy' : 'economies'}`;
  const slots = `${provider.slots.busy} of ${provider.slots.total} job slots busy`;
  switch (provider.status) {
    case 'providing':
      return (
        <p data-testid="provider-status">
          <strong>Providing</strong> in {economies} · {slots}. Stopping declines new jobs inside their accept
          window (no slash); running jobs finish.
        </p>
      );
    case 'starting':
      return (
        <p data-testid="provider-status">
          <strong>Starting…</strong> resuming in {economies}.
        </p>
      );
    case 'held':
      return (
        <p data-testid="provider-status">
          <strong>Held back</strong>: {provider.reason ?? 'a limit was reached'}. Jobs resume by themselves
          when it clears.
        </p>
      );
    case 'error':
      return (
        <p data-testid="provider-status" className="text-error">
          <strong>Stopped by an error</strong>: {provider.reason ?? 'see the log'}.
        </p>
      );
    case 'stopped':
      return (
        <p data-testid="provider-status">
          <strong>Stopped</strong>: your GPU takes no jobs.{' '}
          {joined === 0 ? (
            <>
              Join an economy first on the <a href={href('economies')}>Economies</a> page.
            </>
          ) : (
            <>Switch on to take jobs in {joinedText}.</>
          )}
        </p>
      );
  }
}
