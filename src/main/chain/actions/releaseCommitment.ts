import type { Address, Hash } from 'viem';
import { economyAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface ReleaseCommitmentParameters {
  economy: Address;
  /** keccak256(abi.encode(jobId, validator, salt)), as `commitChallenge` returned it. */
  commitment: Hash;
}

export type ReleaseCommitmentReturnType = ActionReceipt;

/**
 * Unlocks the challenge bond of a commitment that was never revealed (its owner only), once a challenge window has
 * passed since it was made; the economy keeps `commitFeeBps` of the bond. A commitment already revealed or
 * released → nothing is sent.
 *
 * @example
 * await releaseCommitment(client, { economy, commitment });
 */
export async function releaseCommitment(
  client: ActionClient,
  params: ReleaseCommitmentParameters,
): Promise<ReleaseCommitmentReturnType> {
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'releaseCommitment',
    args: [params.commitment],
    key: `releaseCommitment:${params.economy}:${params.commitment}`,
    label: 'Release an unrevealed challenge commitment',
    alreadyDone: async () =>
      (await client.publicClient.readContract({
        address: params.economy,
        abi: economyAbi,
        functionName: 'commitmentBlock',
        args: [params.commitment],
      })) === 0n,
  });
}
