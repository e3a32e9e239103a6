import type { ChainParams } from '../chain/deploy';

/**
 * The capacity to declare on-chain for `maxConcurrentJobs` local slots. The contract counts a job against a
 * provider's capacity from assignment until it is final — through the challenge window, long after the run — so
 * declaring only the local slots would keep the provider out of the draw while its results wait to finalize (a full
 * provider has no leaf in the draw trees). Taking a job that suits the economy to need at most a tenth of its
 * minimum deadline, each slot finishes challengeWindow / (minDeadline / 10) jobs while one waits to finalize; the
 * declaration adds those (at most the contract's 64). Local slots still bound the runs: a job assigned while all are
 * busy waits for one when its deadline allows that wait, and is declined DEADLINE_INFEASIBLE inside its accept
 * window when it does not.
 */
export function declaredCapacity(
  maxConcurrentJobs: number,
  params: Pick<ChainParams, 'challengeWindowS' | 'minDeadlineS'>,
  /**
   * What a typical job takes on this machine as routed (benchmark `routedJobS()`: 100 s ÷ the routed score), when
   * measured: a machine slower than a tenth of the minimum deadline declares only the jobs it can deliver.
   */
  routedJobS?: number | null,
): number {
  const perJobS = Math.max(1, params.minDeadlineS / 10, routedJobS ?? 0);
  const waiting = Math.ceil(params.challengeWindowS / perJobS);
  return Math.max(1, Math.min(64, maxConcurrentJobs * (1 + waiting)));
}
