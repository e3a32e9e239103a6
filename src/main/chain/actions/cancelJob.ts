import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface CancelJobParameters {
  economy: Address;
  jobId: bigint;
}

export type CancelJobReturnType = ActionReceipt;
export type CancelJobErrorType = ActionErrorType;

/**
 * Cancels a job nobody could be drawn for (its requester only, 256 blocks after its draw block — each draw that keeps
 * nobody re-seeds it — or at once after 16 such draws): the fee is refunded. Already refunded → nothing is sent.
 *
 * @example
 * await cancelJob(client, { economy, jobId: 7n });
 */
export async function cancelJob(
  client: ActionClient,
  params: CancelJobParameters,
): Promise<CancelJobReturnType> {
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'cancelJob',
    args: [params.jobId],
    key: `cancelJob:${params.economy}:${params.jobId}`,
    label: `Cancel job ${params.jobId}`,
    alreadyDone: async () => {
      const job = await client.publicClient.readContract({
        address: params.economy,
        abi: economyAbi,
        functionName: 'job',
        args: [params.jobId],
      });
      return job.status === 7; // Refunded
    },
  });
}
