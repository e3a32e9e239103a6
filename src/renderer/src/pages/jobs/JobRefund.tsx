import type { JobDetail } from '#shared/api';
import { Card, ErrorNotice } from '../../components/feedback';
import { TxHash } from '../../components/TxHash';
import { useAction } from '../../lib/api';
import { formatDateTime } from '../../lib/time';

/**
 * Why the job is not done and how its fee comes back: each decline with its reason, the no-shows, the refund in
 * words (by itself at the economy's maxDeclines, or by a cancel from a block) and, for a job this wallet posted
 * that nobody took, the cancel button — or why it cannot be pressed yet.
 */
export function JobRefund({ job, onCancelled }: { job: JobDetail; onCancelled: () => void }) {
  const cancel = useAction('jobs.cancel');
  const { refund } = job;
  const offerCancel = refund.yours && job.status === 'Posted';
  return (
    <Card title="Declines and refund">
      {job.declines.length > 0 ? (
        <ol className="declines" data-testid="job-declines">
          {job.declines.map((d, i) => (
            <li key={`${d.t}-${i}`}>
              <strong title={d.meaning ?? undefined}>{d.label}</strong>
              {d.meaning && <span className="muted"> — {d.meaning}</span>} ·{' '}
              <TxHash hash={d.provider} kind="address" /> · <time>{formatDateTime(d.t)}</time>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">No provider declined this job.</p>
      )}
      {job.noShows.length > 0 && (
        <p data-testid="job-no-shows">
          {job.noShows.length === 1 ? '1 provider' : `${job.noShows.length} providers`} drawn for it never
          accepted it inside the accept window: drawn again, nobody slashed.
        </p>
      )}
      <p data-testid="job-refund">{refund.text}</p>
      {offerCancel && (
        <div className="button-row">
          <button
            type="button"
            className="primary"
            disabled={!refund.cancellable || cancel.pending}
            aria-describedby="job-refund-why"
            onClick={() =>
              void cancel.run({ key: job.key }).then((next) => {
                if (next) onCancelled();
              })
            }
          >
            {cancel.pending ? 'Cancelling…' : 'Cancel the job and take the fee back'}
          </button>
          <span id="job-refund-why" className="muted small">
            {refund.cancellable
              ? 'The fee goes to your claimable balance in this economy.'
              : refund.cancellableFromBlock
                ? `Can cancel from block ${refund.cancellableFromBlock}.`
                : 'Cannot be cancelled now.'}
          </span>
        </div>
      )}
      {cancel.error && <ErrorNotice error={cancel.error} />}
    </Card>
  );
}
