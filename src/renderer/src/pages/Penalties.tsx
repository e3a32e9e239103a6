import { useEffect, useState } from 'react';
import type {
  ChallengeEvidence,
  NetworkPenalty,
  Penalty,
  PenaltyKind,
  SlashRule,
  SlashSplit,
} from '#shared/api';
import { Card, Empty, Loaded } from '../components/feedback';
import { TokenAmount } from '../components/TokenAmount';
import { TxHash } from '../components/TxHash';
import { useCall, useEvent, type CallState } from '../lib/api';
import { useEconomyLookup } from '../lib/economies';
import { shortHash } from '../lib/jobs';
import { href } from '../lib/routes';
import { formatDateTime, formatDuration, toSeconds } from '../lib/time';
import './Penalties.css';

const kindLabel: Record<PenaltyKind, string> = {
  timeout: 'Missed deadline',
  slash: 'Slashed',
  strike: 'Strike',
  jail: 'Jailed',
  unjail: 'Released from jail',
  'challenge-lost': 'Challenge lost',
  'no-show': 'No-show',
};

/** Which rule took a slash, in words. */
const ruleLabel: Record<SlashRule, string> = {
  'missed-deadline': 'missed deadline (an accepted job’s deadline passed without a result)',
  'lost-challenge': 'lost challenge (validators voted the result wrong by the model’s policy)',
};

const kindTone: Record<PenaltyKind, 'bad' | 'warn' | 'ok'> = {
  timeout: 'warn',
  slash: 'bad',
  strike: 'warn',
  jail: 'bad',
  unjail: 'ok',
  'challenge-lost': 'bad',
  'no-show': 'warn',
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
  const economy = useEconomyLookup()(p.economy);
  return (
    <li>
      <code title={p.provider}>{shortHash(p.provider)}</code>{' '}
      {p.amount !== null ? (
        <>
          lost <TokenAmount economy={p.economy} value={p.amount} />
        </>
      ) : (
        'was jailed'
      )}{' '}
      in {economy?.name ?? <code>{p.economy}</code>}
      {p.jailedUntil !== undefined && <> until {formatDateTime(p.jailedUntil)}</>}
      {p.jobId !== null && (
        <>
          {' '}
          on <a href={href('jobs', `${p.economy}:${p.jobId}`)}>job #{p.jobId}</a>
        </>
      )}
      : {p.reason}.{' '}
      <span className="muted small">
        <time>{formatDateTime(p.t)}</time> · <TxHash hash={p.txHash} />
      </span>
      {p.challenge?.unavailable && <div className="muted small">{p.challenge.unavailable}</div>}
    </li>
  );
}

function PenaltyItem({ penalty: p }: { penalty: Penalty }) {
  const economy = useEconomyLookup()(p.economy);
  return (
    <li className={`penalty penalty-${kindTone[p.kind]}`}>
      <span className="penalty-dot" aria-hidden="true" />
      <div className="penalty-body">
        <div className="penalty-head">
          <strong>{kindLabel[p.kind]}</strong>
          {p.jobId !== null && (
            <>
              {' '}
              on <a href={href('jobs', `${p.economy}:${p.jobId}`)}>job #{p.jobId}</a>
            </>
          )}{' '}
          in {economy?.name ?? <code>{p.economy}</code>}
          {p.amount !== null && (
            <>
              {' '}
              · <span className="text-error">−</span>
              <TokenAmount economy={p.economy} value={p.amount} />
            </>
          )}
        </div>
        <div className="muted small">
          <time>{formatDateTime(p.t)}</time> · block {p.block} · <TxHash hash={p.txHash} />
        </div>
        <Evidence evidence={p.evidence} />
        {p.evidence.rule && (
          <SlashDetails economy={p.economy} rule={p.evidence.rule} split={p.evidence.split} />
        )}
        {p.evidence.challenge && <ChallengeDetails economy={p.economy} challenge={p.evidence.challenge} />}
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

/** Which rule took the slash, and where the collateral went. */
function SlashDetails({ economy, rule, split }: { economy: string; rule: SlashRule; split?: SlashSplit }) {
  const parts = split
    ? (
        [
          ['toRequester', 'to the requester'],
          ['toTreasury', 'to the treasury'],
          ['toWinner', 'to the challenger'],
          ['toVoters', 'to the validators who voted with the outcome'],
          ['burned', 'burned'],
        ] as const
      ).filter(([k]) => BigInt(split[k]) > 0n)
    : [];
  return (
    <div className="slash-rule">
      <span className="muted">Rule: </span>
      {ruleLabel[rule]}.
      {split && parts.length > 0 && (
        <>
          {' '}
          <span className="muted">Where it went: </span>
          {parts.map(([k, words], i) => (
            <span key={k}>
              {i > 0 && ' · '}
              <TokenAmount economy={economy} value={split[k]} /> {words}
            </span>
          ))}
          .
        </>
      )}
    </div>
  );
}

/**
 * A lost challenge's evidence: the model's policy and the figures the challenger compared (or why they cannot be
 * shown), the two outputs, and the vote.
 */
export function ChallengeDetails({
  economy,
  challenge: c,
}: {
  economy: string;
  challenge: ChallengeEvidence;
}) {
  return (
    <dl className="challenge-evidence" data-testid="challenge-evidence">
      {c.policy && (
        <>
          <dt>Policy</dt>
          <dd>{c.policy}</dd>
        </>
      )}
      {c.figures && (
        <>
          <dt>Compared</dt>
          <dd>
            {c.figures}
            {c.detail && <div className="muted small">{c.detail}</div>}
          </dd>
        </>
      )}
      {c.unavailable && (
        <>
          <dt>Evidence</dt>
          <dd className="text-error" role="note">
            {c.unavailable}
          </dd>
        </>
      )}
      {c.policyMismatch && (
        <>
          <dt>Note</dt>
          <dd className="text-error">{c.policyMismatch}</dd>
        </>
      )}
      {(c.submittedHash || c.referenceHash) && (
        <>
          <dt>Outputs</dt>
          <dd>
            {c.submittedHash && (
              <>
                this node’s <code title={c.submittedHash}>{shortHash(c.submittedHash)}</code>
              </>
            )}
            {c.submittedHash && c.referenceHash && ' · '}
            {c.referenceHash && (
              <>
                the challenger’s re-run <code title={c.referenceHash}>{shortHash(c.referenceHash)}</code>
              </>
            )}
          </dd>
        </>
      )}
      {c.vote && (
        <>
          <dt>Vote</dt>
          <dd>
            invalid <TokenAmount economy={economy} value={c.vote.invalidWeight} /> · valid{' '}
            <TokenAmount economy={economy} value={c.vote.validWeight} /> · quorum{' '}
            <TokenAmount economy={economy} value={c.vote.quorum} /> {c.vote.quorumMet ? 'met' : 'not met'}:{' '}
            {c.vote.resultValid ? 'the result stood' : 'the result was rejected'}
          </dd>
        </>
      )}
      <dt>Challenger</dt>
      <dd>
        <code title={c.challenger}>{shortHash(c.challenger)}</code>
        {c.evidenceUri && (
          <>
            {' '}
            · evidence <code title={c.evidenceUri}>{shortUri(c.evidenceUri)}</code>
          </>
        )}
      </dd>
    </dl>
  );
}

/** blob:0xefef…efef; any other long URI cut in the middle (the full one is its title). */
function shortUri(uri: string): string {
  const blob = /^blob:(0x[0-9a-fA-F]{64})$/.exec(uri);
  if (blob) return `blob:${shortHash(blob[1]!)}`;
  return uri.length > 32 ? `${uri.slice(0, 22)}…${uri.slice(-8)}` : uri;
}
