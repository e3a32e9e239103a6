/**
 * The risk arithmetic shown before the user bonds: what the node estimated (EconomyEstimate) turned into the few
 * figures a person can weigh — net earnings per day, the chance of at least one missed deadline per day, what one
 * missed deadline costs — and a plain verdict. Pure functions so the numbers can be checked in tests.
 */
import type { EconomyEstimate, EconomyParams } from '../../../shared/api';
import type { Amount } from '../../../shared/api/define';
import { toBigInt } from './money';

/** SLA collateral locked for one job: max(fee × multiple, minimum), as the contract computes it. */
export function collateralPerJob(params: EconomyParams, fee: Amount | bigint): bigint {
  const byFee = (toBigInt(fee) * BigInt(params.collateralFeeMultipleBps)) / 10_000n;
  const floor = toBigInt(params.minCollateral);
  return byFee > floor ? byFee : floor;
}

/** Chance of at least one missed deadline over `jobs` independent jobs, each missed with probability `p`. */
export function chanceOfAnyMiss(p: number, jobs: number): number {
  if (!(p > 0) || !(jobs > 0)) return 0;
  if (p >= 1) return 1;
  // log1p and expm1 keep precision for the small p that matter most.
  return -Math.expm1(jobs * Math.log1p(-p));
}

export interface DailyRisk {
  jobsPerDay: number;
  earningsPerDay: bigint;
  slashPerDay: bigint;
  /** Earnings minus expected slashes; may be negative. */
  netPerDay: bigint;
  /** Chance that at least one job misses its deadline in a day, 0..1. */
  anyMissPerDay: number;
  /** Expected slashes as a share of expected earnings (Infinity when nothing is earned but something is slashed). */
  slashShare: number;
  level: RiskLevel;
}

export type RiskLevel = 'low' | 'moderate' | 'high';

/** A day of serving this economy, as the estimate predicts it. */
export function dailyRisk(estimate: EconomyEstimate): DailyRisk {
  const jobsPerDay = estimate.expectedJobsPerHour * 24;
  const earningsPerDay = toBigInt(estimate.expectedEarningsPerHour) * 24n;
  const slashPerDay = toBigInt(estimate.expectedSlashPerDay);
  const slashShare =
    earningsPerDay > 0n
      ? Number((slashPerDay * 10_000n) / earningsPerDay) / 10_000
      : slashPerDay > 0n
        ? Infinity
        : 0;
  const risk: DailyRisk = {
    jobsPerDay,
    earningsPerDay,
    slashPerDay,
    netPerDay: earningsPerDay - slashPerDay,
    anyMissPerDay: chanceOfAnyMiss(estimate.deadlineMissProbability, jobsPerDay),
    slashShare,
    level: 'low',
  };
  risk.level = riskLevel(estimate.deadlineMissProbability, slashShare);
  return risk;
}

/**
 * The verdict: high when slashes would eat half the earnings or one job in ten misses; moderate from a tenth of the
 * earnings or one job in fifty; low below that.
 */
export function riskLevel(missProbability: number, slashShare: number): RiskLevel {
  if (missProbability >= 0.1 || slashShare >= 0.5) return 'high';
  if (missProbability >= 0.02 || slashShare >= 0.1) return 'moderate';
  return 'low';
}

/** A probability for people: "0 %", "< 0.1 %", "2.5 %", "99.9 %", "100 %". */
export function formatPercent(p: number): string {
  if (!Number.isFinite(p) || p <= 0) return '0 %';
  if (p >= 1) return '100 %';
  if (p < 0.001) return '< 0.1 %';
  if (p > 0.999) return '> 99.9 %';
  const pct = p * 100;
  return `${pct < 10 ? pct.toFixed(1).replace(/\.0$/, '') : Math.round(pct)} %`;
}

/** "about 1 job in 40" for a per-job probability; null when it is zero. */
export function oneIn(p: number): string | null {
  if (!(p > 0)) return null;
  if (p >= 1) return 'every job';
  const n = Math.round(1 / p);
  return n <= 1 ? 'about every job' : `about 1 job in ${n.toLocaleString('en-US')}`;
}
