/** Jobs as the UI lists them: merging live updates, and words for each state and step. */
import type { JobStatus, JobStep, JobSummary } from '#shared/api';
import { declineReasons, type DeclineReasonName } from '#shared/decline';
import { formatDuration } from './time';

/** Puts an updated job into a newest-first list (replacing its older copy), keeping at most `limit`. */
export function upsertJob(list: readonly JobSummary[], job: JobSummary, limit = 100): JobSummary[] {
  const rest = list.filter((j) => j.key !== job.key);
  const merged = [job, ...rest];
  merged.sort((a, b) => b.postedAt - a.postedAt || b.updatedAt - a.updatedAt);
  return merged.slice(0, limit);
}

/** What each on-chain state means, as the README's "A job's life" (Contracts) tells it. */
export const statusMeaning: Record<JobStatus, string> = {
  Posted: 'Waiting for an eligible provider to be drawn.',
  Assigned: 'A provider was drawn and must submit before the deadline.',
  Submitted: 'The result is in; it finalizes when the challenge window ends.',
  Voting: 'A validator challenged the result; staked validators are voting.',
  Finalized: 'The result stands and the provider was paid.',
  Rejected: 'The result lost a challenge: the provider was slashed and the requester refunded.',
  Refunded: 'No result: the requester got the fee back.',
};

export type StatusTone = 'neutral' | 'active' | 'ok' | 'bad';

export const statusTone: Record<JobStatus, StatusTone> = {
  Posted: 'neutral',
  Assigned: 'active',
  Submitted: 'active',
  Voting: 'active',
  Finalized: 'ok',
  Rejected: 'bad',
  Refunded: 'neutral',
};

/** Where this node is with a job (its journaled step), as a short phrase: what it does during that step. */
export const stepLabel: Record<JobStep, string> = {
  assigned: 'Fetching model and input',
  fetched: 'Queued',
  running: 'Running',
  ran: 'Output stored',
  submitting: 'Submitting the result',
  submitted: 'Result submitted',
  finalized: 'Finalized',
  declining: 'Declining',
  declined: 'Declined',
  failed: 'Failed',
};

/** Steps during which the job is still in this machine's hands (shown with a progress bar). */
export function isWorking(step: JobStep): boolean {
  return (
    step === 'assigned' || step === 'fetched' || step === 'running' || step === 'ran' || step === 'submitting'
  );
}

/** "Model hash mismatch — the model bytes do not hash to the job's model hash". */
export function declineText(reason: DeclineReasonName): { label: string; meaning: string } {
  const r = declineReasons[reason];
  return { label: r.label, meaning: r.meaning };
}

/** A hash shortened for tables: 0x1234…abcd. */
export function shortHash(hash: string, keep = 4): string {
  return hash.length <= 2 + keep * 2 + 1 ? hash : `${hash.slice(0, 2 + keep)}…${hash.slice(-keep)}`;
}

/** Whether a job can still miss its deadline: only while a provider holds it and has not submitted. */
export function canMissDeadline(status: JobStatus): boolean {
  return status === 'Assigned';
}

/**
 * The deadline cell: a countdown only while the job can still miss it ("in 42 s", "passed 8 s ago"); after that, what
 * became of it, without a clock that means nothing any more.
 */
export function deadlineText(job: Pick<JobSummary, 'status' | 'deadline'>, nowS: number): string {
  if (canMissDeadline(job.status)) {
    const diff = Math.round(job.deadline - nowS);
    return diff >= 0
      ? diff === 0
        ? 'now'
        : `in ${formatDuration(diff)}`
      : `passed ${formatDuration(-diff)} ago`;
  }
  if (job.status === 'Posted') return 'set when assigned';
  if (job.status === 'Submitted' || job.status === 'Voting' || job.status === 'Finalized') return 'met';
  return '—';
}

/**
 * A job's progress for its bar: a fraction only where the work reports one (fine-tune steps, downloads); a
 * single-run job (one inference) shows "running" without a percentage, never a fake 0 %.
 */
export function shownProgress(
  job: Pick<JobSummary, 'kind'>,
  local: { step: JobStep; progress: number | null },
): number | null {
  if (local.step === 'running' && job.kind !== 'fine-tune' && !local.progress) return null;
  return local.progress;
}
