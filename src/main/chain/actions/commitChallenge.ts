import { randomBytes } from 'node:crypto';
import { encodeAbiParameters, keccak256, toHex, type Address, type Hash, type Hex } from 'viem';
import { economyAbi } from '../artifacts';
import { sendCall, type ActionClient } from './send';

export interface CommitChallengeParameters {
  economy: Address;
  jobId: bigint;
  /** Secret until the reveal; a fresh random one when left out. Keep it: `challenge` needs it. */
  salt?: Hex;
}

export interface CommitChallengeReturnType {
  commitment: Hash;
  salt: Hex;
  hash: Hash | null;
}

/** keccak256(abi.encode(jobId, validator, salt)): what `challenge(jobId, salt)` later reveals. */
export function challengeCommitment(jobId: bigint, validator: Address, salt: Hex): Hash {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'uint256' }, { type: 'address' }, { type: 'bytes32' }],
      [jobId, validator, salt],
    ),
  );
}

/**
 * The first half of a commit-reveal challenge (validators only): records a commitment to challenging `jobId`, so
 * a bot copying the reveal from the mempool has none of its own. Reveal with `challenge` from the next block.
 *
 * @example
 * const { salt } = await commitChallenge(client, { economy, jobId: 7n });
 * await challenge(client, { economy, jobId: 7n, salt });
 */
export async function commitChallenge(
  client: ActionClient,
  params: CommitChallengeParameters,
): Promise<CommitChallengeReturnType> {
  const salt = params.salt ?? toHex(randomBytes(32));
  const commitment = challengeCommitment(params.jobId, client.tx.address, salt);
  const { hash } = await sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'commitChallenge',
    args: [commitment],
    key: `commitChallenge:${params.economy}:${commitment}`,
    label: `Commit to challenging job ${params.jobId}`,
  });
  return { commitment, salt, hash };
}
