import type { FleetNode } from '#shared/api';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/feedback';
import { useNow } from '../../hooks/useNow';
import { useAction } from '../../lib/api';
import { formatDateTime, formatDuration, formatRelative } from '../../lib/time';

const PROVIDER_WORDS: Record<string, string> = {
  stopped: 'Not providing (switched off)',
  starting: 'Starting',
  providing: 'Providing',
  held: 'Held back',
  error: 'In error',
};

/** One node of the fleet as its last check saw it, with start / stop through its own API. */
export function FleetNodeCard({ node, onChanged }: { node: FleetNode; onChanged: () => void }) {
  // The clock ticks every 5 s; a check newer than its last tick is not "in the future".
  const now = Math.max(useNow(5000), (node.checkedAt ?? 0) / 1000);
  const start = useAction('fleet.startProviding');
  const stop = useAction('fleet.stopProviding');
  const remove = useAction('fleet.remove');
  const answering = node.state === 'answering';
  const switchedOn = node.provider !== null && node.provider.status !== 'stopped';
  const busy = start.pending || stop.pending || remove.pending;
  const error = start.error ?? stop.error ?? remove.error;
  return (
    <section className="card" aria-label={node.label} data-testid="fleet-node" data-state={node.state}>
      <header className="card-header">
        <h2>{node.label}</h2>
        <StateBadge node={node} />
      </header>
      <p className="muted small">
        <code>{node.origin}</code>
        {node.node && (
          <>
            {' '}
            · {node.node.shell} {node.node.version} · {node.node.network} · up{' '}
            {formatDuration(node.node.uptimeS)}
          </>
        )}
      </p>
      {node.state === 'not-answering' && node.notAnsweringSince !== null && (
        <p className="text-error" data-testid="fleet-down">
          Not answering since {formatDateTime(node.notAnsweringSince)} (
          {formatRelative(node.notAnsweringSince / 1000, now)}).
          {node.lastAnsweredAt !== null ? ` Last answered ${formatDateTime(node.lastAnsweredAt)}.` : ''}
        </p>
      )}
      {(node.state === 'refused' || node.state === 'locked') && node.error && (
        <p className="text-error">{node.error}</p>
      )}
      {node.state !== 'answering' && node.lastAnsweredAt !== null && (
        <p className="muted small">As of its last answer:</p>
      )}
      <dl className={node.state === 'answering' ? 'facts' : 'facts muted'}>
        <div className="fact-row">
          <dt>Provider</dt>
          <dd data-testid="fleet-provider">
            {node.provider ? (
              <>
                {PROVIDER_WORDS[node.provider.status] ?? node.provider.status}
                {node.provider.reason ? `: ${node.provider.reason}` : ''}
                {node.provider.status === 'providing' &&
                  ` in ${node.provider.serving.length} econom${node.provider.serving.length === 1 ? 'y' : 'ies'} · ${node.provider.slots.busy} of ${node.provider.slots.total} slots busy`}
              </>
            ) : (
              <span className="muted">not known</span>
            )}
          </dd>
        </div>
        <div className="fact-row">
          <dt>Jobs in the last hour</dt>
          <dd data-testid="fleet-jobs">{node.jobsLastHour ?? <span className="muted">not known</span>}</dd>
        </div>
        <div className="fact-row">
          <dt>Earnings</dt>
          <dd data-testid="fleet-earnings">
            {node.earnings === null ? (
              <span className="muted">not known (no chain or no wallet there)</span>
            ) : node.earnings.length === 0 ? (
              <span className="muted">none yet</span>
            ) : (
              <ul className="tx-list">
                {node.earnings.map((t) => (
                  <li key={t.token.address}>
                    <Amount value={t.claimable} token={t.token} /> claimable ·{' '}
                    <Amount value={t.pending} token={t.token} /> pending ·{' '}
                    <Amount value={t.withdrawn} token={t.token} /> withdrawn
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div className="fact-row">
          <dt>GPUs</dt>
          <dd data-testid="fleet-gpus">
            {node.gpus === null ? (
              <span className="muted">not known</span>
            ) : node.gpus.length === 0 ? (
              <span className="muted">none (CPU only)</span>
            ) : (
              <ul className="tx-list">
                {node.gpus.map((g) => (
                  <li key={g.id}>
                    {g.model}: {g.temperatureC === null ? 'temperature not reported' : `${g.temperatureC} °C`}
                    {g.utilizationPct !== null && ` · ${g.utilizationPct} % busy`}
                    {g.powerW !== null && ` · ${g.powerW} W`}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
      {node.alerts.length > 0 && (
        <div className="notice notice-warn">
          <ul className="tx-list" aria-label={`Alerts for ${node.label}`} data-testid="fleet-alerts">
            {node.alerts.map((a) => (
              <li key={a.kind + a.text} data-kind={a.kind}>
                {a.text}
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && <ErrorNotice error={error} />}
      <div className="card-actions">
        {switchedOn ? (
          <button
            type="button"
            disabled={!answering || busy}
            onClick={() => void stop.run({ id: node.id }).then((r) => r && onChanged())}
          >
            {stop.pending ? 'Stopping…' : 'Stop providing'}
          </button>
        ) : (
          <button
            type="button"
            disabled={!answering || busy}
            onClick={() => void start.run({ id: node.id }).then((r) => r && onChanged())}
          >
            {start.pending ? 'Starting…' : 'Start providing'}
          </button>
        )}{' '}
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => void remove.run({ id: node.id }).then((r) => r && onChanged())}
        >
          Remove
        </button>
      </div>
    </section>
  );
}

function StateBadge({ node }: { node: FleetNode }) {
  switch (node.state) {
    case 'answering':
      return <span className="badge badge-ok">answering</span>;
    case 'not-answering':
      return <span className="badge badge-bad">not answering</span>;
    case 'refused':
      return <span className="badge badge-bad">token refused</span>;
    case 'locked':
      return <span className="badge badge-neutral">token locked</span>;
    case 'unchecked':
      return <span className="badge badge-neutral">not checked yet</span>;
  }
}
