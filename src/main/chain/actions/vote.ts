import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface VoteParameters {
  economy: Address;
  jobId: bigint;
  /** true: the result is right (the challenger loses); false: it is wrong. */
  resultValid: boolean;
}

export type VoteReturnType = ActionReceipt;

/**
 * Votes on a challenged result before its vote ends, weighted by the validator's stake at the block before the
 * challenge opened. Nothing is locked: `voteSlashBps` of that weight is at risk, slashed when the vote is settled
 * (`settleVote`) if it went against the outcome. The challenger, the job's provider and its requester cannot vote.
 * Already voted → nothing is sent.
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
