import type { Address } from 'viem';
import { isFinalJobStatus } from '../enums';
import { jobAction } from './economyAction';
import type { ActionClient, ActionReceipt } from './send';

export interface FinalizeParameters {
  economy: Address;
  jobId: bigint;
}

export type FinalizeReturnType = ActionReceipt;

/**
 * Finalizes a Submitted job after its challenge window (anyone may): the provider is credited fee − protocol fee.
 * A job already final is recognised and nothing is sent.
 *
 * @example
 * await finalize(client, { economy, jobId: 7n });
 */
export const finalize: (client: ActionClient, params: FinalizeParameters) => Promise<FinalizeReturnType> =
  jobAction({
    name: 'finalize',
    functionName: 'finalize',
    label: (jobId) => `Finalize job ${jobId}`,
    done: (job) => isFinalJobStatus(job.status),
  });
