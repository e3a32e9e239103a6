import { useEffect, useState } from 'react';
import type { NetworkPenalty, Penalty, PenaltyKind } from '../../../shared/api';
import { Card, Empty, Loaded } from '../components/feedback';
import { TokenAmount } from '../components/TokenAmount';
import { TxHash } from '../components/TxHash';
import { useCall, useEvent, type CallState } from '../lib/api';
import { useEconomyLookup } from '../lib/economies';
import { shortHash } from '../lib/jobs';
import { href } from '../lib/routes';
import { formatDateTime, formatDuration, toSeconds } from '../lib/time';

const kindLabel: Record<PenaltyKind, string> = {
  timeout: 'Missed deadline',
  slash: 'Slashed',
  strike: 'Strike',
  jail: 'Jailed',
  unjail: 'Released from jail',
  'challenge-lost': 'Challenge lost',
};

const kindTone: Record<PenaltyKind, 'bad' | 'warn' | 'ok'> = {
  timeout: 'warn',
  slash: 'bad',
  strike: 'warn',
  jail: 'bad',
  unjail: 'ok',
  'challenge-lost': 'bad',
};

/** Slashes, strikes, jails and timeouts against this provider, newest first, each with its evidence and advice. */
export function Penalties() {
  const list = useCall('penalties.list', {});
  const [added, setAdded] = useState<Penalty[]>([]);
  useEvent('penalties.added', (p) => setAdded((a) => [p, ...a.filter((x) => x.id !== p.id)]));
  const data = list.data && [...added.filter((a) => !list.data!.some((p) => p.id === a.id)), ...list.data];
  return (
    <div className="stack">
      <OwnPenalties state={{ ...list, data }} />
      <NetworkPenalties />
    </div>
  );
}

function OwnPenalties({ state }: { state: CallState<Penalty[]> }) {
  return (
    <Loaded state={state} loadingLabel="Loading penalties…">
      {(penalties) =>
        penalties.length === 0 ? (
          <Empty>
            No penalties: every job assigned to you was submitted in time or declined inside its accept
            window.
          </Empty>
        ) : (
          <Card title={`${penalties.length} ${penalties.length === 1 ? 'penalty' : 'penalties'}`}>
            <ol className="penalty-timeline" data-testid="penalty-timeline">
              {penalties.map((p) => (
                <PenaltyItem key={p.id} penalty={p} />
              ))}
            </ol>
          </Card>
        )
      }
    </Loaded>
  );
}

/**
 * Other providers' slashes and jails in the last day: what a missed deadline or a wrong result costs, seen happen.
 * Shown once the node answers (while it cannot, the list above already says why); asked again every 15 s.
 */
function NetworkPenalties() {
  const state = useCall('penalties.network', {});
  const { reload } = state;
  useEffect(() => {
    const timer = setInterval(reload, 15_000);
    return () => clearInterval(timer);
  }, [reload]);
  if (!state.data) return null;
  return (
    <Card title="Across the network">
      <p className="muted small">
        Other providers’ slashes and jails in the last day, in the economies this node follows: the same rules
        apply to you.
      </p>
      {state.data.length === 0 ? (
        <Empty>No provider was slashed or jailed in the last day.</Empty>
      ) : (
        <ul className="network-penalties" data-testid="network-penalties">
          {state.data.map((p) => (
            <NetworkPenaltyItem key={p.id} penalty={p} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function NetworkPenaltyItem({ penalty: p }: { penalty: NetworkPenalty }) {
  const economy = useEconomyLookup()(p.economyId);
  return (
    <li>
      <code title={p.provider}>{shortHash(p.provider)}</code>{' '}
      {p.amount !== null ? (
        <>
          lost <TokenAmount economyId={p.economyId} value={p.amount} />
        </>
      ) : (
        'was jailed'
      )}{' '}
      in {economy?.name ?? <code>{p.economyId}</code>}
      {p.jailedUntil !== undefined && <> until {formatDateTime(p.jailedUntil)}</>}
      {p.jobId !== null && (
        <>
          {' '}
          on <a href={href('jobs', `${p.economyId}:${p.jobId}`)}>job #{p.jobId}</a>
        </>
      )}
      : {p.reason}.{' '}
      <span className="muted small">
        <time>{formatDateTime(p.t)}</time> · <TxHash hash={p.txHash} />
      </span>
    </li>
  );
}

function PenaltyItem({ penalty: p }: { penalty: Penalty }) {
  const economy = useEconomyLookup()(p.economyId);
  return (
    <li className={`penalty penalty-${kindTone[p.kind]}`}>
      <span className="penalty-dot" aria-hidden="true" />
      <div className="penalty-body">
        <div className="penalty-head">
          <strong>{kindLabel[p.kind]}</strong>
          {p.jobId !== null && (
            <>
              {' '}
              on <a href={href('jobs', `${p.economyId}:${p.jobId}`)}>job #{p.jobId}</a>
            </>
          )}{' '}
          in {economy?.name ?? <code>{p.economyId}</code>}
          {p.amount !== null && (
            <>
              {' '}
              · <span className="text-error">−</span>
              <TokenAmount economyId={p.economyId} value={p.amount} />
            </>
          )}
        </div>
        <div className="muted small">
          <time>{formatDateTime(p.t)}</time> · block {p.block} · <TxHash hash={p.txHash} />
        </div>
        <Evidence evidence={p.evidence} />
        <p className="advice">
          <strong>What to do:</strong> {p.advice}
        </p>
      </div>
    </li>
  );
}

/** The evidence in words: when the deadline was, when (or whether) this node submitted, and why. */
export function Evidence({ evidence }: { evidence: Penalty['evidence'] }) {
  const lines: string[] = [];
  if (evidence.deadline !== undefined) {
    const deadline = toSeconds(evidence.deadline);
    if (evidence.submittedAt === null) {
      lines.push(`Deadline ${formatDateTime(deadline)}; this node never submitted a result.`);
    } else if (evidence.submittedAt !== undefined) {
      const late = toSeconds(evidence.submittedAt) - deadline;
      lines.push(
        late > 0
          ? `Deadline ${formatDateTime(deadline)}; the result came ${formatDuration(late)} late.`
          : `Deadline ${formatDateTime(deadline)}; submitted ${formatDuration(-late)} before it.`,
      );
    } else {
      lines.push(`Deadline ${formatDateTime(deadline)}.`);
    }
  }
  if (evidence.reason) lines.push(evidence.reason);
  if (lines.length === 0) return null;
  return (
    <div className="evidence">
      <span className="muted">Evidence: </span>
      {lines.join(' ')}
    </div>
  );
}
