import type { JobDetail } from '#shared/api';
import { Card, Loaded } from '../../components/feedback';
import { StatusBadge } from '../../components/StatusBadge';
import { TokenAmount } from '../../components/TokenAmount';
import { TxHash } from '../../components/TxHash';
import { useCall, useEvent } from '../../lib/api';
import { useEconomyLookup } from '../../lib/economies';
import { declineText, statusMeaning } from '../../lib/jobs';
import { formatAmount, toBigInt } from '../../lib/money';
import { href } from '../../lib/routes';
import { formatDateTime, formatMs, isoTime } from '../../lib/time';
import { actionText, outcomeText, verdictBadge, verdictText } from '../../lib/validator';
import { JobRefund } from './JobRefund';
import { LocalStep } from './JobList';
import { OutputPreview } from './OutputPreview';
import { TextGeneration } from './TextGeneration';

/** One job: what was asked, what this GPU produced, how long each step took, its transactions and its outcome. */
export function JobDetailView({ jobKey }: { jobKey: string }) {
  const job = useCall('jobs.get', { key: jobKey });
  useEvent('jobs.updated', (j) => j.key === jobKey && job.reload());
  return (
    <div className="stack">
      <a href={href('jobs')}>← All jobs</a>
      <Loaded state={job} loadingLabel="Loading the job…">
        {(j) => <Detail job={j} reload={job.reload} />}
      </Loaded>
    </div>
  );
}

function Detail({ job, reload }: { job: JobDetail; reload: () => void }) {
  return (
    <>
      <Card
        title={`${job.modelName ?? job.kind} #${job.jobId}`}
        actions={<StatusBadge status={job.status} />}
      >
        <Outcome job={job} />
        {job.local && (
          <div className="local-step">
            <LocalStep job={job} />
          </div>
        )}
        <dl className="facts">
          <dt>Economy</dt>
          <dd>{job.economyName}</dd>
          <dt>Kind</dt>
          <dd>{job.kind}</dd>
          <dt>Fee</dt>
          <dd>
            <TokenAmount economy={job.economy} value={job.fee} symbol={job.tokenSymbol} />
          </dd>
          <dt>Model</dt>
          <dd>
            {job.modelName && <>{job.modelName} · </>}
            <code className="break">{job.modelHash}</code>
          </dd>
          {job.verification && (
            <>
              <dt>Verified by</dt>
              <dd data-testid="verified-by">{job.verification.text}</dd>
            </>
          )}
          <dt>Input</dt>
          <dd>
            <code className="break">{job.inputHash}</code>
            <div className="muted small break">{job.inputUri}</div>
          </dd>
          <dt>Output</dt>
          <dd>
            {job.outputHash ? (
              <>
                <code className="break">{job.outputHash}</code>
                {job.outputUri && <div className="muted small break">{job.outputUri}</div>}
              </>
            ) : (
              <span className="muted">none yet</span>
            )}
          </dd>
          <dt>Requester</dt>
          <dd>
            <TxHash hash={job.requester} kind="address" />
          </dd>
          <dt>Posted</dt>
          <dd>{formatDateTime(job.postedAt)}</dd>
          <dt>Deadline</dt>
          <dd>{formatDateTime(job.deadline)}</dd>
        </dl>
      </Card>
      {(job.status !== 'Finalized' || job.declines.length > 0 || job.noShows.length > 0) && (
        <JobRefund job={job} onCancelled={reload} />
      )}
      <TextGeneration job={job} />
      {job.preview && job.preview.kind !== 'text' && (
        <Card title="Output">
          <OutputPreview preview={job.preview} />
        </Card>
      )}
      {job.timings && <Timings timings={job.timings} />}
      {job.checks.length > 0 && <Checks job={job} />}
      <Card title="History">
        <ol className="timeline" data-testid="job-timeline">
          {job.timeline.map((step, i) => (
            <li key={`${step.t}-${i}`}>
              <time dateTime={isoTime(step.t)}>{formatDateTime(step.t)}</time> {step.label}
              {step.txHash && (
                <>
                  {' '}
                  · <TxHash hash={step.txHash} />
                </>
              )}
            </li>
          ))}
        </ol>
        {job.txs.length > 0 && (
          <>
            <h3>Transactions</h3>
            <ul className="tx-list">
              {job.txs.map((tx) => (
                <li key={tx.hash}>
                  {tx.label}: <TxHash hash={tx.hash} />
                  {tx.block !== null && <span className="muted"> · block {tx.block}</span>}
                </li>
              ))}
            </ul>
          </>
        )}
      </Card>
    </>
  );
}

/** What the job's state means for this provider, in one or two sentences. */
function Outcome({ job }: { job: JobDetail }) {
  const economy = useEconomyLookup()(job.economy);
  const reason = job.local?.declineReason ? declineText(job.local.declineReason) : null;
  let text = statusMeaning[job.status];
  if (job.mine && job.status === 'Finalized' && economy) {
    const net = toBigInt(job.fee) - (toBigInt(job.fee) * BigInt(economy.params.protocolFeeBps)) / 10_000n;
    text = `The result stands: ${formatAmount(net, economy.token)} (the fee less the ${(
      economy.params.protocolFeeBps / 100
    ).toFixed(1)} % protocol fee) went to your claimable balance.`;
  }
  return (
    <div className={`outcome outcome-${job.status.toLowerCase()}`} data-testid="outcome">
      <p>{text}</p>
      {reason && (
        <p>
          This node declined it: <strong>{reason.label}</strong> — {reason.meaning}. A decline inside the
          accept window is not slashed.
        </p>
      )}
    </div>
  );
}

/**
 * Validators' re-runs of this result that this node knows of (its own validator's; on the devnet the devnet's
 * validators'): each verdict with its figures, and the challenge or vote it led to.
 */
function Checks({ job }: { job: JobDetail }) {
  return (
    <Card title="Checked by validators">
      <p className="muted small">
        {job.mine ? 'Your result was' : 'This result was'} re-run and judged by the model’s policy
        {job.verification ? ` (${job.verification.text})` : ''}. A check that agrees leaves nothing on-chain:
        these are the ones this node knows of.
      </p>
      <ul className="network-penalties" data-testid="job-checks">
        {job.checks.map((c) => (
          <li key={c.validator} data-verdict={c.verdict}>
            <strong>{c.by}</strong>:{' '}
            <span className={`badge ${verdictBadge[c.verdict]}`}>{verdictText[c.verdict]}</span>
            {c.evidence && <> — {c.evidence.summary}</>}
            {!c.evidence && c.reason && <span className="muted"> — {c.reason}</span>}
            {(actionText(c) || c.outcome) && (
              <div className="small">
                {actionText(c)}
                {c.outcome && (
                  <>
                    {actionText(c) ? ' · ' : ''}
                    {outcomeText[c.outcome]}
                  </>
                )}
              </div>
            )}
            {c.evidence && (
              <div className="muted small">
                Re-run on {c.evidence.device} ({c.evidence.executionProvider}) in {formatMs(c.evidence.runMs)}
                , {formatDateTime(c.updatedAt)}.
              </div>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** Where the time went on this node: fetch, run and submit as one stacked bar. */
function Timings({ timings }: { timings: NonNullable<JobDetail['timings']> }) {
  const parts = [
    { id: 'fetch', label: 'Fetch', ms: timings.fetchMs },
    { id: 'run', label: 'Run', ms: timings.runMs },
    { id: 'submit', label: 'Submit', ms: timings.submitMs },
  ].filter((p): p is { id: string; label: string; ms: number } => p.ms !== null);
  const total = parts.reduce((s, p) => s + p.ms, 0);
  return (
    <Card title="Timings">
      <div
        className="stacked-bar"
        role="img"
        aria-label={parts.map((p) => `${p.label} ${formatMs(p.ms)}`).join(', ')}
      >
        {parts.map((p) => (
          <div
            key={p.id}
            className={`seg seg-${p.id}`}
            style={{ width: `${total > 0 ? (p.ms / total) * 100 : 0}%` }}
          />
        ))}
      </div>
      <ul className="legend">
        {parts.map((p) => (
          <li key={p.id}>
            <span className={`swatch seg-${p.id}`} aria-hidden="true" /> {p.label}: {formatMs(p.ms)}
          </li>
        ))}
        <li>Total: {formatMs(total)}</li>
      </ul>
    </Card>
  );
}
