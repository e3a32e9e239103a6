import type { Address, Hash } from 'viem';
import { declineReasons, type DeclineReasonName } from '#shared/decline';
import { economyAbi } from '../artifacts';
import { readJob } from './readJob';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface DeclineJobParameters {
  economy: Address;
  jobId: bigint;
  reason: DeclineReasonName;
  /** Called with each signed attempt before it is broadcast: the job journal records `declining(txHash)`. */
  onSent?: (hash: Hash) => void | Promise<void>;
}

export type DeclineJobReturnType = ActionReceipt;

/**
 * Turns an assigned job down inside its accept window with a reason code (no slash: the collateral is released and
 * the job is drawn again without this provider). Once the job is no longer assigned to this account — declined
 * already, or moved on — nothing is sent. After the window it reverts `AcceptWindowClosed`.
 *
 * @example
 * await declineJob(client, { economy, jobId: 7n, reason: 'INPUT_INVALID' });
 */
export async function declineJob(
  client: ActionClient,
  params: DeclineJobParameters,
): Promise<DeclineJobReturnType> {
  const me = client.tx.address.toLowerCase();
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'declineJob',
    args: [params.jobId, declineReasons[params.reason].code],
    key: `declineJob:${params.economy}:${params.jobId}`,
    label: `Decline job ${params.jobId} (${declineReasons[params.reason].label.toLowerCase()})`,
    alreadyDone: async () => {
      const job = await readJob(client, { economy: params.economy, jobId: params.jobId });
      return !(job.status === 'Assigned' && job.provider?.toLowerCase() === me);
    },
    ...(params.onSent ? { onSent: (hash: Hash) => params.onSent!(hash) } : {}),
  });
}
