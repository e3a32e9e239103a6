import type { JobStep } from '#shared/api/jobs';
import type { JobContext } from './context';
import type { JournalJob, JournalStepData } from './journal';

/**
 * How one pass of a job's pipeline left it, for the job loop: `submitted` (the result is on-chain; the loop watches
 * its finalization), `declined`, `failed`, `waiting` (the chain or the wallet did not answer: the job stays at its
 * step and runs again once they do), or `skipped` (nothing to do: not assigned to this node, or that round is over).
 */
export type JobOutcome = 'submitted' | 'declined' | 'failed' | 'waiting' | 'skipped';

/** Journals the next step of a job (durably, before the node acts on it); returns the job as it stands now. */
export function append<S extends JobStep>(
  ctx: JobContext,
  entry: JournalJob,
  step: S,
  data: JournalStepData[S],
): JournalJob {
  return ctx.journal.append(entry.economy, entry.jobId, step, data);
}

/** Ends the job's round as failed, with the first line of what went wrong. */
export function fail(ctx: JobContext, entry: JournalJob, err: unknown): 'failed' {
  const error = firstLine(err);
  ctx.log.warn('job failed', { economy: entry.economy, jobId: entry.jobId, step: entry.step, error });
  try {
    ctx.journal.append(entry.economy, entry.jobId, 'failed', { error });
  } catch (journalErr) {
    ctx.log.warn('could not journal a failed job', { error: (journalErr as Error).message });
    ctx.local.update(entry.economy, BigInt(entry.jobId), { error });
  }
  return 'failed';
}

export function firstLine(err: unknown): string {
  return ((err as Error)?.message ?? String(err)).split('\n')[0]!.slice(0, 500);
}
