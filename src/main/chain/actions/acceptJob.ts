import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readJob } from './readJob';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface AcceptJobParameters {
  economy: Address;
  jobId: bigint;
  /** The assignment being accepted (unix seconds, `readJob().assignedAt`): a re-drawn job is a new one to accept. */
  assignedAt: number;
}

export type AcceptJobReturnType = ActionReceipt;

/**
 * Says, inside the accept window, that this provider runs an assigned job: from then on a missed deadline is its
 * fault and is slashed. A job neither accepted nor answered (submitted or declined) inside the window is a no-show
 * that anyone may report: re-drawn without a slash, and after three in a row the provider is paused. A job already
 * accepted, or no longer assigned to this account, is recognised and nothing is sent; after the window it reverts
 * `AcceptWindowClosed`.
 *
 * @example
 * const job = await readJob(client, { economy, jobId });
 * await acceptJob(client, { economy, jobId, assignedAt: job.assignedAt });
 */
export async function acceptJob(
  client: ActionClient,
  params: AcceptJobParameters,
): Promise<AcceptJobReturnType> {
  const me = client.tx.address.toLowerCase();
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'acceptJob',
    args: [params.jobId],
    key: `acceptJob:${params.economy}:${params.jobId}:${params.assignedAt}`,
    label: `Accept job ${params.jobId}`,
    alreadyDone: async () => {
      const job = await readJob(client, { economy: params.economy, jobId: params.jobId });
      return (
        job.accepted ||
        !(
          job.status === 'Assigned' &&
          job.provider?.toLowerCase() === me &&
          job.assignedAt === params.assignedAt
        )
      );
    },
  });
}
