import { zeroAddress, type Address } from 'viem';
import { economyAbi } from '../artifacts';
import type { ActionClient } from './send';

export interface ReadChallengeParameters {
  economy: Address;
  jobId: bigint;
}

/**
 * A challenge and its vote (`challengeOf(jobId)`). Weights are validator stake at the block before the challenge
 * opened; the challenger's own weight (its challenge bond) is in `invalidWeight`. null when the job was never
 * challenged.
 */
export type ReadChallengeReturnType = {
  challenger: Address;
  /** Block of the challenger's commitment (an older commitment revealed later takes the challenge over). */
  commitBlock: bigint;
  openedBlock: bigint;
  /** Unix seconds; moved on by a late flip of the lead (at most twice). */
  voteEndsAt: number;
  extensions: number;
  validWeight: bigint;
  invalidWeight: bigint;
  /** Voters' weight (both sides, not the challenger's bond) the vote needs; without it the result stands. */
  quorum: bigint;
  resolved: boolean;
  quorumMet: boolean;
  resultValid: boolean;
  /** Shared by the voters on the winning side, pro rata to weight, as their votes are settled. */
  voterPot: bigint;
  winningVoterWeight: bigint;
} | null;

/**
 * Reads a job's challenge.
 *
 * @example
 * const c = await readChallenge(client, { economy, jobId: 7n });
 * if (c && !c.resolved && now >= c.voteEndsAt) await resolveChallenge(keeper, { economy, jobId: 7n });
 */
export async function readChallenge(
  client: Pick<ActionClient, 'publicClient'>,
  params: ReadChallengeParameters,
): Promise<ReadChallengeReturnType> {
  const c = await client.publicClient.readContract({
    address: params.economy,
    abi: economyAbi,
    functionName: 'challengeOf',
    args: [params.jobId],
  });
  if (c.challenger === zeroAddress) return null;
  return {
    challenger: c.challenger,
    commitBlock: c.commitBlock,
    openedBlock: c.openedBlock,
    voteEndsAt: Number(c.voteEndsAt),
    extensions: c.extensions,
    validWeight: c.validWeight,
    invalidWeight: c.invalidWeight,
    quorum: c.quorum,
    resolved: c.resolved,
    quorumMet: c.quorumMet,
    resultValid: c.resultValid,
    voterPot: c.voterPot,
    winningVoterWeight: c.winningVoterWeight,
  };
}
