import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface ReportTimeoutParameters {
  economy: Address;
  jobId: bigint;
  /**
   * The deadline being reported (unix seconds, from `job(jobId).deadline`): a job re-drawn after one timeout can
   * time out again with its next provider, and each is its own report.
   */
  deadline: bigint;
}

export type ReportTimeoutReturnType = ActionReceipt;

/**
 * Reports an Assigned job that was let go (anyone may). Accepted and past its deadline: a timeout — the provider's
 * collateral is slashed, it gets a strike, and the job is re-drawn or refunded. Never accepted and past its accept
 * window: a no-show — re-drawn (or refunded) without a slash. Already reported (the job moved on) → nothing is sent.
 *
 * @example
 * const job = await publicClient.readContract({ address: economy, abi: economyAbi, functionName: 'job', args: [7n] });
 * await reportTimeout(client, { economy, jobId: 7n, deadline: job.deadline });
 */
export async function reportTimeout(
  client: ActionClient,
  params: ReportTimeoutParameters,
): Promise<ReportTimeoutReturnType> {
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'reportTimeout',
    args: [params.jobId],
    key: `reportTimeout:${params.economy}:${params.jobId}:${params.deadline}`,
    label: `Report job ${params.jobId} let go (missed deadline or no-show)`,
    alreadyDone: async () => {
      const job = await client.publicClient.readContract({
        address: params.economy,
        abi: economyAbi,
        functionName: 'job',
        args: [params.jobId],
      });
      // Still Assigned with this deadline = not reported yet.
      return !(job.status === 2 && job.deadline === params.deadline);
    },
  });
}
