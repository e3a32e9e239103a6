import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface VoteParameters {
  economy: Address;
  jobId: bigint;
  /** true: the result is right (the challenger loses); false: it is wrong. */
  resultValid: boolean;
}

export type VoteReturnType = ActionReceipt;
export type VoteErrorType = ActionErrorType;

/**
 * Votes on a challenged result before its vote ends, weighted by the validator's stake at the block before the
 * challenge opened; locks `voteSlashBps` of that weight until the vote is settled (`settleVote`), lost if the vote
 * goes the other way. The challenger cannot vote (its bond is its "invalid"). Already voted → nothing is sent.
 *
 * @example
 * await vote(client, { economy, jobId: 7n, resultValid: false });
 */
export async function vote(client: ActionClient, params: VoteParameters): Promise<VoteReturnType> {
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'vote',
    args: [params.jobId, params.resultValid],
    key: `vote:${params.economy}:${params.jobId}`,
    label: `Vote on job ${params.jobId}: result ${params.resultValid ? 'valid' : 'invalid'}`,
    alreadyDone: () =>
      client.publicClient.readContract({
        address: params.economy,
        abi: economyAbi,
        functionName: 'hasVoted',
        args: [params.jobId, client.tx.address],
      }),
  });
}
