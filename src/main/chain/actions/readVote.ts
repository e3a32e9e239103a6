import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import type { ActionClient } from './send';

export interface ReadVoteParameters {
  economy: Address;
  jobId: bigint;
  validator: Address;
}

/** One validator's vote in a challenge (`voteOf`); `cast: false` when it has not voted. */
export interface ReadVoteReturnType {
  cast: boolean;
  resultValid: boolean;
  /** Settled with `settleVote`: its lock released (and its reward credited), or slashed. */
  settled: boolean;
  weight: bigint;
  /** Part of its bond the vote locks until settled. */
  locked: bigint;
}

/**
 * Reads a validator's vote on a challenged job. The challenger's own "invalid" is its challenge bond, not a vote:
 * it reads as not cast.
 *
 * @example
 * const v = await readVote(client, { economy, jobId: 7n, validator });
 * if (v.cast && !v.settled) await settleVote(client, { economy, jobId: 7n, voter: validator });
 */
export async function readVote(
  client: Pick<ActionClient, 'publicClient'>,
  params: ReadVoteParameters,
): Promise<ReadVoteReturnType> {
  const v = await client.publicClient.readContract({
    address: params.economy,
    abi: economyAbi,
    functionName: 'voteOf',
    args: [params.jobId, params.validator],
  });
  return { cast: v.cast, resultValid: v.resultValid, settled: v.settled, weight: v.weight, locked: v.locked };
}
