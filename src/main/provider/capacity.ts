import type { ChainParams } from '../chain/deploy';

/**
 * The capacity to declare on-chain for `maxConcurrentJobs` local slots. The contract counts a job against a
 * provider's capacity from assignment until it is final — through the challenge window, long after the run —
 * so declaring only the local slots would keep the provider out of the draw while its results wait to finalize.
 * Each local slot can finish about one job per minimum deadline, so the declaration adds the jobs that many slots
 * leave waiting in a challenge window (at most the contract's 64). Local slots still bound the runs: a job assigned
 * while all are busy waits for one if its deadline allows, and is declined OVER_CAPACITY otherwise.
 */
export function declaredCapacity(
  maxConcurrentJobs: number,
  params: Pick<ChainParams, 'challengeWindowS' | 'minDeadlineS'>,
): number {
  const waiting = Math.ceil(params.challengeWindowS / Math.max(1, params.minDeadlineS));
  return Math.max(1, Math.min(64, maxConcurrentJobs * (1 + waiting)));
}

/** The score declared on-chain: the benchmark's, rounded into the contract's range (1 … 1,000,000). */
export function declaredScore(score: number | null | undefined): number {
  if (!score || !Number.isFinite(score)) return 100;
  return Math.max(1, Math.min(1_000_000, Math.round(score)));
}
