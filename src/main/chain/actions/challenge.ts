import type { Address, Hex } from 'viem';
import { economyAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface ChallengeParameters {
  economy: Address;
  jobId: bigint;
  /** The salt given to (or returned by) `commitChallenge`. */
  salt: Hex;
  /**
   * Where the evidence is: the policy applied and the figures compared (src/main/verification/evidence.ts), e.g.
   * the `blob:` URI of its JSON. Published with the challenge for the voters and the provider to check.
   */
  evidenceUri: string;
}

export type ChallengeReturnType = ActionReceipt;

/**
 * Reveals a challenge commitment on a result inside its challenge window (from a block after the commitment, which
 * must be no older than the result): opens the vote with the challenge bond as the challenger's "invalid" weight
 * (job → Voting) — or, when the result is already challenged through a younger commitment, takes the challenge over.
 * This validator already the challenger → nothing is sent.
 *
 * @example
 * await challenge(client, { economy, jobId: 7n, salt, evidenceUri: `blob:${evidenceHash}` });
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
    args: [params.jobId, params.salt, params.evidenceUri],
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
