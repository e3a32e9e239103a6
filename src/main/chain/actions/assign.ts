import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readJob } from './readJob';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface AssignParameters {
  economy: Address;
  jobId: bigint;
  /** The job's draw block as last read (`readJob().drawBlock`): one draw per block, one key per draw. */
  drawBlock: bigint;
}

export type AssignReturnType = ActionReceipt;
export type AssignErrorType = ActionErrorType;

/**
 * Draws a Posted job's provider (anyone may, from the block after its draw block). Providers' nodes call this as
 * soon as they can, which keeps the caller's choice of block small (README "The draw"). A job no longer Posted, or
 * posted again since (a new draw block), is recognised and nothing is sent; `NoEligibleProvider` and
 * `DrawNotReady` revert in simulation, before anything is signed, and may be retried from the next block.
 *
 * @example
 * const job = await readJob(client, { economy, jobId });
 * if (job.status === 'Posted') await assign(client, { economy, jobId, drawBlock: job.drawBlock });
 */
export async function assign(client: ActionClient, params: AssignParameters): Promise<AssignReturnType> {
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'assign',
    args: [params.jobId],
    key: `assign:${params.economy}:${params.jobId}:${params.drawBlock}`,
    label: `Draw a provider for job ${params.jobId}`,
    alreadyDone: async () => {
      const job = await readJob(client, { economy: params.economy, jobId: params.jobId });
      return job.status !== 'Posted' || job.drawBlock !== params.drawBlock;
    },
  });
}
