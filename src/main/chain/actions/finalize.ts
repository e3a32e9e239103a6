import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface FinalizeParameters {
  economy: Address;
  jobId: bigint;
}

export type FinalizeReturnType = ActionReceipt;
export type FinalizeErrorType = ActionErrorType;

/** Contract `JobStatus` values after which a job can no longer be finalized (Finalized, Rejected, Refunded). */
const FINAL = new Set([5, 6, 7]);

/**
 * Finalizes a Submitted job after its challenge window (anyone may): the provider is credited fee − protocol fee.
 * A job already final is recognised and nothing is sent.
 *
 * @example
 * await finalize(client, { economy, jobId: 7n });
 */
export async function finalize(
  client: ActionClient,
  params: FinalizeParameters,
): Promise<FinalizeReturnType> {
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'finalize',
    args: [params.jobId],
    key: `finalize:${params.economy}:${params.jobId}`,
    label: `Finalize job ${params.jobId}`,
    alreadyDone: async () => {
      const job = await client.publicClient.readContract({
        address: params.economy,
        abi: economyAbi,
        functionName: 'job',
        args: [params.jobId],
      });
      return FINAL.has(job.status);
    },
  });
}
