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
  /** Settled with `settleVote`: its reward credited, or what it risked slashed. */
  settled: boolean;
  weight: bigint;
  /** What the vote risks: slashed at settlement (up to the free bond) if it went against the outcome. */
  atRisk: bigint;
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
  return { cast: v.cast, resultValid: v.resultValid, settled: v.settled, weight: v.weight, atRisk: v.atRisk };
}
