import type { Address } from 'viem';
import type { EconomyStats } from '#shared/api/economies';
import type { Hash } from '#shared/api/define';
import type { ReadEconomyStatsReturnType } from '../chain/actions/readEconomyStats';
import { big, type StoredLog } from '../chain/sync/storedLog';

const DAY = 24 * 3600;

/** What an economy's recent events say, for its stats and for estimates. */
export interface EventStats {
  jobsLast24h: number;
  /** The same by job kind: each kind is drawn from its own tree. */
  jobsByKind: { inference: number; fineTune: number };
  finalizedLast24h: number;
  assignedLast24h: number;
  slashesLast24h: number;
  medianFee: bigint | null;
  /** Median price per generated token of the jobs priced per token posted in the window (null: none posted). */
  medianPricePerToken: bigint | null;
  /** Median `deadlineS` of the jobs posted in the window (null: none posted). */
  medianDeadlineS: number | null;
  /** Jobs priced per token (language-model jobs) posted in the window, their median max_tokens and commonest model. */
  textJobs: number;
  medianMaxTokens: number | null;
  textModel: Hash | null;
  /** Seconds of history the window really covers (less than a day for a young economy or a fresh node). */
  windowS: number;
}

/** Counts the last 24 hours (chain time) of one economy's events. */
export function eventStats(
  logs: readonly StoredLog[],
  economy: Address,
  now: number,
  since: number,
): EventStats {
  const from = now - DAY;
  const fees: bigint[] = [];
  const tokenPrices: bigint[] = [];
  const deadlines: number[] = [];
  const maxTokens: number[] = [];
  const modelOf = new Map<string, Hash>();
  const textModels = new Map<Hash, number>();
  const byKind = { inference: 0, fineTune: 0 };
  let finalized = 0;
  let assigned = 0;
  let slashes = 0;
  for (const l of logs) {
    if (l.t < from || l.address !== economy) continue;
    switch (l.name) {
      case 'JobPosted':
        fees.push(big(l, 'fee'));
        deadlines.push(Number(l.args.deadlineS ?? 0));
        modelOf.set(String(l.args.jobId), String(l.args.modelHash).toLowerCase() as Hash);
        if (Number(l.args.kind ?? 0) === 1) byKind.fineTune++;
        else byKind.inference++;
        break;
      case 'JobPricedPerToken':
        tokenPrices.push(big(l, 'pricePerToken'));
        maxTokens.push(Number(l.args.maxTokens ?? 0));
        {
          // JobPricedPerToken comes right after its JobPosted, in the same transaction.
          const model = modelOf.get(String(l.args.jobId));
          if (model) textModels.set(model, (textModels.get(model) ?? 0) + 1);
        }
        break;
      case 'JobFinalized':
        finalized++;
        break;
      case 'JobAssigned':
        assigned++;
        break;
      case 'ProviderSlashed':
        slashes++;
        break;
    }
  }
  const byValue = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  fees.sort(byValue);
  tokenPrices.sort(byValue);
  deadlines.sort((a, b) => a - b);
  maxTokens.sort((a, b) => a - b);
  const textModel = [...textModels.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  return {
    jobsLast24h: fees.length,
    jobsByKind: byKind,
    finalizedLast24h: finalized,
    assignedLast24h: assigned,
    slashesLast24h: slashes,
    medianFee: fees.length ? fees[(fees.length - 1) >> 1]! : null,
    medianPricePerToken: tokenPrices.length ? tokenPrices[(tokenPrices.length - 1) >> 1]! : null,
    medianDeadlineS: deadlines.length ? deadlines[(deadlines.length - 1) >> 1]! : null,
    textJobs: maxTokens.length,
    medianMaxTokens: maxTokens.length ? maxTokens[(maxTokens.length - 1) >> 1]! : null,
    textModel,
    windowS: Math.max(60, Math.min(DAY, now - since)),
  };
}

/** Shortest window a posting rate is counted over: a young economy's first minutes are not extrapolated to an hour. */
export const MIN_RATE_WINDOW_S = 3600;

/**
 * The one "jobs per hour" the app shows: jobs posted in the last 24 h ÷ the hours that window covers, at least one
 * (so 28 jobs in an economy's first 4 minutes are 28 an hour, not 420). The estimate and the comparison table both
 * use it.
 */
export function jobsPerHour(jobs: number, windowS: number): number {
  return (jobs * 3600) / Math.max(windowS, MIN_RATE_WINDOW_S);
}

/** The comparison table's stats: live counters from the contract, the 24-hour figures from events. */
export function toEconomyStats(live: ReadEconomyStatsReturnType, recent: EventStats): EconomyStats {
  return {
    activeProviders: Number(live.activeProviders),
    totalBonded: live.totalBonded.toString(),
    jobsLast24h: recent.jobsLast24h,
    jobsPerHour: jobsPerHour(recent.jobsLast24h, recent.windowS),
    windowS: recent.windowS,
    finalizedLast24h: recent.finalizedLast24h,
    medianFee: recent.medianFee === null ? null : recent.medianFee.toString(),
    feePer1kTokens:
      recent.medianPricePerToken === null ? null : (recent.medianPricePerToken * 1000n).toString(),
    emissionPerEpoch: live.currentEmission.toString(),
    slashRate: recent.assignedLast24h ? Math.min(1, recent.slashesLast24h / recent.assignedLast24h) : 0,
    treasury: live.treasury.toString(),
    activeStake: live.activeStake.toString(),
  };
}
