import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface SettleVoteParameters {
  economy: Address;
  jobId: bigint;
  /** The validator whose vote is settled (anyone may settle anyone's). */
  voter: Address;
}

export type SettleVoteReturnType = ActionReceipt;

/**
 * Settles one vote of a resolved challenge: a vote with the outcome gets its share of the voter pot; a vote against
 * it loses what it risked (up to the voter's free bond); without quorum nothing changes hands. A validator's exit
 * waits for all its votes to be settled. Already settled → nothing is sent.
 *
 * @example
 * await settleVote(client, { economy, jobId: 7n, voter: client.tx.address });
 */
export async function settleVote(
  client: ActionClient,
  params: SettleVoteParameters,
): Promise<SettleVoteReturnType> {
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'settleVote',
    args: [params.jobId, params.voter],
    key: `settleVote:${params.economy}:${params.jobId}:${params.voter.toLowerCase()}`,
    label: `Settle the vote on job ${params.jobId}`,
    alreadyDone: async () => {
      const v = await client.publicClient.readContract({
        address: params.economy,
        abi: economyAbi,
        functionName: 'voteOf',
        args: [params.jobId, params.voter],
      });
      return v.settled;
    },
  });
}
