import type { Address, Hex } from 'viem';
import { economyAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface ChallengeParameters {
  economy: Address;
  jobId: bigint;
  /** The salt given to (or returned by) `commitChallenge`. */
  salt: Hex;
}

export type ChallengeReturnType = ActionReceipt;
export type ChallengeErrorType = ActionErrorType;

/**
 * Reveals a committed challenge on a Submitted result inside its challenge window: locks the economy's
 * `challengeBond` of the validator's bond, votes "invalid" with the whole bond and opens the vote (job → Voting).
 * Already challenged by this validator → nothing is sent.
 *
 * @example
 * await challenge(client, { economy, jobId: 7n, salt });
 */
export async function challenge(
  client: ActionClient,
  params: ChallengeParameters,
): Promise<ChallengeReturnType> {
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'challenge',
    args: [params.jobId, params.salt],
    key: `challenge:${params.economy}:${params.jobId}`,
    label: `Challenge the result of job ${params.jobId}`,
    alreadyDone: async () => {
      const c = await client.publicClient.readContract({
        address: params.economy,
        abi: economyAbi,
        functionName: 'challengeOf',
        args: [params.jobId],
      });
      return c.challenger.toLowerCase() === client.tx.address.toLowerCase();
    },
  });
}
