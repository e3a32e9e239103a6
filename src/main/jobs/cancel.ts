import type { Address } from 'viem';
import { FlywheelError } from '#shared/errors';
import { cancelJob } from '../chain/actions/cancelJob';
import type { ReadJobReturnType } from '../chain/actions/readJob';
import type { ActionClient, ActionReceipt } from '../chain/actions/send';
import { sameAddress } from '../chain/sync/storedLog';
import { CANCEL_AFTER_MISSES } from './refund';

/**
 * A requester's cancel of a job nobody was assigned to, as the API (`jobs.cancel`) and the CLI (`flywheel job
 * cancel`) send it: the contract refunds its fee to the claimable balance. The contract's own checks are said first
 * in words (a revert would only name them).
 */

/** Refuses (CONFLICT) a cancel the contract would revert: a job that is not `me`'s, or no longer Posted. */
export function checkCancel(job: ReadJobReturnType, jobId: bigint, me: Address): void {
  if (!sameAddress(job.requester, me)) {
    throw new FlywheelError(`Job ${jobId} is not yours: only its requester ${job.requester} can cancel it.`, {
      code: 'CONFLICT',
      details: `requester ${job.requester}; this wallet ${me}`,
    });
  }
  if (job.status !== 'Posted') {
    throw new FlywheelError(
      job.status === 'Refunded'
        ? `Job ${jobId} was already refunded.`
        : `Job ${jobId} is ${job.status}: only a job still waiting for a provider (Posted) can be cancelled.`,
      { code: 'CONFLICT', details: `WrongJobStatus(${job.status})` },
    );
  }
}

/** Sends the cancel; a cancel before its block (CancelTooEarly) is refused with that block and the blocks to go. */
export async function cancelPostedJob(
  sender: ActionClient,
  params: { economy: Address; jobId: bigint },
): Promise<ActionReceipt> {
  try {
    return await cancelJob(sender, params);
  } catch (err) {
    const early = /CancelTooEarly\(\d+, (\d+)\)/.exec((err as Error).message);
    if (!early) throw err;
    const from = BigInt(early[1]!);
    const now = await sender.publicClient.getBlockNumber();
    throw new FlywheelError(
      `Job ${params.jobId} cannot be cancelled yet: it can be from block ${from} (now ${now}, ${from - now} blocks to go), or at once after ${CANCEL_AFTER_MISSES} draws that kept nobody.`,
      {
        code: 'CONFLICT',
        details: `CancelTooEarly(${params.jobId}, ${from})`,
        action: 'A draw may still assign it in the meantime; try again from that block.',
      },
    );
  }
}
