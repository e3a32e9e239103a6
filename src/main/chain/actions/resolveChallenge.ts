import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface ResolveChallengeParameters {
  economy: Address;
  jobId: bigint;
}

export type ResolveChallengeReturnType = ActionReceipt;
export type ResolveChallengeErrorType = ActionErrorType;

/**
 * Settles a challenge once its vote has ended (anyone may). Without quorum (counted over the voters, never the
 * challenger's bond) the result stands (Finalized, nobody slashed). With it, Rejected when "invalid" outweighs
 * "valid" (the provider's collateral slashed: a part burned, the winner's share — at most its bond — to the
 * challenger, the rest to the winning voters; the requester refunded), else Finalized and the challenger's bond
 * slashed the same way. Voters then settle with `settleVote`. Already settled → nothing is sent.
 *
 * @example
 * await resolveChallenge(client, { economy, jobId: 7n });
 */
export async function resolveChallenge(
  client: ActionClient,
  params: ResolveChallengeParameters,
): Promise<ResolveChallengeReturnType> {
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'resolveChallenge',
    args: [params.jobId],
    key: `resolveChallenge:${params.economy}:${params.jobId}`,
    label: `Settle the challenge of job ${params.jobId}`,
    alreadyDone: async () => {
      const job = await client.publicClient.readContract({
        address: params.economy,
        abi: economyAbi,
        functionName: 'job',
        args: [params.jobId],
      });
      return job.status === 5 || job.status === 6; // Finalized or Rejected
    },
  });
}
