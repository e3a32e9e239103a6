import type { ValidatorCheck } from '#shared/api';
import { Card, Empty } from '../../components/feedback';
import { TokenAmount } from '../../components/TokenAmount';
import { TxHash } from '../../components/TxHash';
import { useEconomyLookup } from '../../lib/economies';
import { shortHash } from '../../lib/jobs';
import { href } from '../../lib/routes';
import { formatDateTime, formatMs, isoTime } from '../../lib/time';
import {
  actionText,
  isChallengeOrVote,
  outcomeText,
  stepText,
  verdictBadge,
  verdictText,
} from '../../lib/validator';

function JobLink({ check }: { check: ValidatorCheck }) {
  return <a href={href('jobs', `${check.economy}:${check.jobId}`)}>job #{check.jobId}</a>;
}

function EconomyName({ id }: { id: string }) {
  const economy = useEconomyLookup()(id);
  return economy ? <>{economy.name}</> : <code title={id}>{shortHash(id)}</code>;
}

/** The outcome of a challenge, with what it paid this node or took from it. */
function Outcome({ check: c }: { check: ValidatorCheck }) {
  if (!c.outcome) return null;
  return (
    <>
      {outcomeText[c.outcome]}
      {c.reward !== null && BigInt(c.reward) > 0n && (
        <>
          {' '}
          · <span className="text-ok">+</span>
          <TokenAmount economy={c.economy} value={c.reward} />
        </>
      )}
      {c.slashed !== null && BigInt(c.slashed) > 0n && (
        <>
          {' '}
          · <span className="text-error">−</span>
          <TokenAmount economy={c.economy} value={c.slashed} />
        </>
      )}
    </>
  );
}

/** What was compared and on what, or why the result was not judged. */
function Evidence({ check: c }: { check: ValidatorCheck }) {
  if (c.evidence) {
    const e = c.evidence;
    return (
      <>
        <div>{e.summary}</div>
        <div className="muted small">
          {e.policyText && <>Policy: {e.policyText}. </>}
          Re-run on {e.device} ({e.executionProvider}) in {formatMs(e.runMs)}.
        </div>
      </>
    );
  }
  if (c.reason) return <span className={c.verdict === 'skipped' ? 'muted' : 'text-warn'}>{c.reason}</span>;
  if (c.verdict === 'pending') return <span className="muted">re-running on this machine…</span>;
  return null;
}

/** Every check, newest first: agreements and disagreements with their figures, skipped ones with their reason. */
export function ChecksTable({ checks }: { checks: ValidatorCheck[] }) {
  if (checks.length === 0) {
    return (
      <Empty>
        No checks yet. While validation is on, the node picks results in their challenge window and re-runs
        them here; each one appears with its figures.
      </Empty>
    );
  }
  return (
    <div className="table-scroll">
      <table className="table" data-testid="validator-checks">
        <caption className="sr-only">Checks, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Provider</th>
            <th scope="col">Verdict</th>
            <th scope="col">Evidence</th>
            <th scope="col">Challenge or vote</th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((c) => (
            <tr key={`${c.economy}:${c.jobId}`} data-verdict={c.verdict}>
              <th scope="row">
                <JobLink check={c} />
                <div className="muted small">
                  <EconomyName id={c.economy} /> · {c.purpose === 'vote' ? 'to vote' : 'sampled'}
                </div>
              </th>
              <td>{c.provider ? <code title={c.provider}>{shortHash(c.provider)}</code> : '—'}</td>
              <td>
                <span className={`badge ${verdictBadge[c.verdict]}`}>{verdictText[c.verdict]}</span>
              </td>
              <td>
                <Evidence check={c} />
              </td>
              <td>
                {actionText(c) ?? <span className="muted">—</span>}
                {c.outcome && (
                  <div className="small">
                    <Outcome check={c} />
                  </div>
                )}
              </td>
              <td className="small">
                <time>{formatDateTime(c.updatedAt)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Once settled: how the votes went and what the provider lost. */
function Settlement({ check: c }: { check: ValidatorCheck }) {
  if (!c.votes) return null;
  const lost = c.providerSlashed !== null && BigInt(c.providerSlashed) > 0n;
  return (
    <div className="small" data-testid="challenge-votes">
      Votes: {c.votes.invalid} invalid, {c.votes.valid} valid
      {lost ? (
        <>
          {' '}
          · provider slashed <TokenAmount economy={c.economy} value={c.providerSlashed!} />
        </>
      ) : (
        <> · the provider kept its collateral</>
      )}
    </div>
  );
}

/** The check's steps with their times and transactions: commit → reveal, or the vote, then resolve and settle. */
function Steps({ check: c }: { check: ValidatorCheck }) {
  const steps = c.steps.filter((s) => s.step !== 'picked');
  if (steps.length === 0) return null;
  return (
    <ol className="timeline small" data-testid="challenge-steps" aria-label={`Steps of job #${c.jobId}`}>
      {steps.map((s) => (
        <li key={`${s.step}-${s.t}`}>
          <time dateTime={isoTime(s.t)}>{formatDateTime(s.t)}</time> {stepText[s.step]}
          {s.txHash && (
            <>
              {' '}
              · <TxHash hash={s.txHash} />
            </>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The challenges this node opened and the votes it cast (or is casting), each with its outcome. */
export function ChallengesAndVotes({ checks }: { checks: ValidatorCheck[] }) {
  const list = checks.filter(isChallengeOrVote);
  if (list.length === 0) return null;
  return (
    <Card title="Challenges and votes">
      <ul className="network-penalties" data-testid="validator-challenges">
        {list.map((c) => (
          <li key={`${c.economy}:${c.jobId}`}>
            <JobLink check={c} /> in <EconomyName id={c.economy} />
            {c.provider && (
              <>
                {' '}
                (provider <code title={c.provider}>{shortHash(c.provider)}</code>)
              </>
            )}
            : {actionText(c) ?? (c.purpose === 'vote' ? 'checking before voting' : verdictText[c.verdict])}
            {c.outcome && (
              <>
                {' '}
                · <Outcome check={c} />
              </>
            )}
            {c.evidence && <div className="muted small">{c.evidence.summary}</div>}
            {!c.evidence && c.reason && <div className="muted small">{c.reason}</div>}
            <Settlement check={c} />
            <Steps check={c} />
          </li>
        ))}
      </ul>
    </Card>
  );
}
