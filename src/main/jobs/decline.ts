import type { Decline, DeclineReasonName } from '#shared/decline';
import { declineJob } from '../chain/actions/declineJob';
import type { ReadJobReturnType } from '../chain/actions/readJob';
import type { ActionClient } from '../chain/actions/send';
import type { JobContext } from './context';
import type { JournalJob } from './journal';
import { append, fail } from './steps';

/** Reasons that say "not now" rather than "bad job": past the accept window such a job is run anyway. */
export const SOFT_REASONS: readonly DeclineReasonName[] = ['OVER_CAPACITY', 'DEADLINE_INFEASIBLE'];

/** How a failed decline is journaled: the next round runs the job instead (it is still ours). */
export const DECLINE_FAILED = 'the decline did not land';

/**
 * Declines a job on-chain with the reason it was declined for, inside the accept window (no slash). Journaled first,
 * so a restart finishes the decline instead of the job; past the window a job that cannot be done fails instead.
 */
export async function decline(
  ctx: JobContext,
  client: ActionClient,
  entry: JournalJob,
  job: ReadJobReturnType,
  why: Decline,
): Promise<'declined' | 'failed'> {
  const { economy, jobId } = entry;
  const id = BigInt(jobId);
  const open = ctx.chain.now() < job.acceptWindowEndsAt;
  if (!open && entry.step !== 'declining') {
    // Too late to decline without a slash, and the job cannot be done (bad input, broken model): fail it.
    return fail(ctx, entry, new Error(`too late to decline (${why.reason}: ${why.details})`));
  }
  ctx.log.info('declining a job', { economy, jobId, reason: why.reason, details: why.details });
  if (entry.step !== 'declining') entry = append(ctx, entry, 'declining', { reason: why.reason });
  ctx.local.update(economy, id, { error: why.details });
  try {
    const outcome = await declineJob(client, {
      economy,
      jobId: id,
      reason: why.reason,
      onSent: (txHash) => {
        entry = append(ctx, entry, 'declining', { reason: why.reason, txHash });
      },
    });
    append(ctx, entry, 'declined', { reason: why.reason, ...(outcome.hash ? { txHash: outcome.hash } : {}) });
    return 'declined';
  } catch (err) {
    // Most likely the accept window closed first: the job stays ours. The loop starts a new round for it, which
    // runs it when it can (over capacity, deadline) or fails it (a bad job).
    return fail(ctx, entry, new Error(`${DECLINE_FAILED}: ${(err as Error).message}`));
  }
}
