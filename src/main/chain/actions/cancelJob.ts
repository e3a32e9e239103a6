import type { Address } from 'viem';
import { jobAction } from './economyAction';
import type { ActionClient, ActionReceipt } from './send';

export interface CancelJobParameters {
  economy: Address;
  jobId: bigint;
}

export type CancelJobReturnType = ActionReceipt;

/**
 * Cancels a job nobody could be drawn for (its requester only, 256 blocks after its draw block — each draw that keeps
 * nobody re-seeds it — or at once after 16 such draws): the fee is refunded. Already refunded → nothing is sent.
 *
 * @example
 * await cancelJob(client, { economy, jobId: 7n });
 */
export const cancelJob: (client: ActionClient, params: CancelJobParameters) => Promise<CancelJobReturnType> =
  jobAction({
    name: 'cancelJob',
    functionName: 'cancelJob',
    label: (jobId) => `Cancel job ${jobId}`,
    done: (job) => job.status === 'Refunded',
  });
