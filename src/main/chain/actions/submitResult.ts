import type { Address, Hash } from 'viem';
import { economyAbi } from '../artifacts';
import { readJob } from './readJob';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface SubmitResultParameters {
  economy: Address;
  jobId: bigint;
  /** keccak256 of the output file (non-zero). */
  outputHash: Hash;
  /** Where validators and the requester fetch the output. */
  outputUri: string;
  /**
   * Tokens the output holds (a text-generation output's token ids): sent with a job priced per token, which pays
   * for them (validators check the count); leave out for a flat-fee job.
   */
  tokens?: number;
  /** Called with each signed attempt before it is broadcast: the job journal records `submitting(txHash)`. */
  onSent?: (hash: Hash) => void | Promise<void>;
}

export type SubmitResultReturnType = ActionReceipt;

/**
 * Delivers a job's result before its deadline. Keyed by job, so it is sent at most once across retries and
 * restarts; a result this account already submitted (the job is Submitted or later with this provider) is
 * recognised and nothing is sent. A job that moved on (timed out, reassigned) reverts in simulation: nothing is
 * signed and the error names why (`DeadlinePassed`, `NotJobProvider`, `WrongJobStatus`).
 *
 * @example
 * await submitResult(client, { economy, jobId: 7n, outputHash, outputUri: `blob:${outputHash}` });
 */
export async function submitResult(
  client: ActionClient,
  params: SubmitResultParameters,
): Promise<SubmitResultReturnType> {
  const me = client.tx.address.toLowerCase();
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    ...(params.tokens === undefined
      ? ({ functionName: 'submitResult', args: [params.jobId, params.outputHash, params.outputUri] } as const)
      : ({
          functionName: 'submitResultTokens',
          args: [params.jobId, params.outputHash, params.outputUri, params.tokens],
        } as const)),
    key: `submitResult:${params.economy}:${params.jobId}`,
    label: `Submit the result of job ${params.jobId}`,
    alreadyDone: async () => {
      const job = await readJob(client, { economy: params.economy, jobId: params.jobId });
      return (
        job.provider?.toLowerCase() === me &&
        (job.status === 'Submitted' ||
          job.status === 'Voting' ||
          job.status === 'Finalized' ||
          job.status === 'Rejected')
      );
    },
    ...(params.onSent ? { onSent: (hash: Hash) => params.onSent!(hash) } : {}),
  });
}
