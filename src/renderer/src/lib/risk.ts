/**
 * The risk arithmetic shown before the user bonds: what the node estimated (EconomyEstimate) turned into the few
 * figures a person can weigh — net earnings per day, the chance of at least one missed deadline per day, what one
 * missed deadline costs — and a plain verdict. Pure functions so the numbers can be checked in tests.
 */
import type { EconomyEstimate, EconomyParams } from '#shared/api';
import type { Amount } from '#shared/api/define';
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
  /** Fees over a day, less the protocol fee (the estimate's expected value). */
  feesPerDay: bigint;
  /** Newly minted tokens over a day (emission), valued at one token each: no price is assumed. */
  emissionPerDay: bigint;
  /** Fees and emission. */
  earningsPerDay: bigint;
  slashPerDay: bigint;
  /** Earnings minus expected slashes; may be negative. */
  netPerDay: bigint;
  /** Chance that at least one job misses its deadline in a day, 0..1. */
  anyMissPerDay: number;
  /** Expected missed deadlines in a day. */
  missesPerDay: number;
  /** Expected slashes as a share of expected earnings (Infinity when nothing is earned but something is slashed). */
  slashShare: number;
  level: RiskLevel;
  /** The verdict in one sentence, built from the figures above (so it cannot contradict them). */
  verdict: string;
}

export type RiskLevel = 'low' | 'moderate' | 'high';

/** A day of serving this economy, as the estimate predicts it, with the verdict drawn from the same figures. */
export function dailyRisk(
  estimate: EconomyEstimate,
  params: Pick<EconomyParams, 'jailStrikes'> = { jailStrikes: Infinity },
): DailyRisk {
  const jobsPerDay = estimate.expectedJobsPerHour * 24;
  const feesPerDay = toBigInt(estimate.feesOverHorizon.expected);
  const emissionPerDay = toBigInt(estimate.emissionOverHorizon.expected);
  const earningsPerDay = feesPerDay + emissionPerDay;
  const slashPerDay = toBigInt(estimate.expectedSlashPerDay);
  const slashShare =
    earningsPerDay > 0n
      ? Number((slashPerDay * 10_000n) / earningsPerDay) / 10_000
      : slashPerDay > 0n
        ? Infinity
        : 0;
  const figures = {
    missProbability: estimate.deadlineMissProbability,
    anyMissPerDay: chanceOfAnyMiss(estimate.deadlineMissProbability, jobsPerDay),
    missesPerDay: jobsPerDay * Math.max(0, Math.min(1, estimate.deadlineMissProbability || 0)),
    slashShare,
    netPerDay: earningsPerDay - slashPerDay,
    jailStrikes: params.jailStrikes,
  };
  const { level, reasons } = riskLevel(figures);
  return {
    jobsPerDay,
    feesPerDay,
    emissionPerDay,
    earningsPerDay,
    slashPerDay,
    netPerDay: figures.netPerDay,
    anyMissPerDay: figures.anyMissPerDay,
    missesPerDay: figures.missesPerDay,
    slashShare,
    level,
    verdict: verdictSentence(level, reasons, figures, estimate.speedSource),
  };
}

/** What the verdict is drawn from: each a figure the panel shows. */
export interface RiskFigures {
  missProbability: number;
  anyMissPerDay: number;
  missesPerDay: number;
  slashShare: number;
  netPerDay: bigint;
  jailStrikes: number;
}

/**
 * The verdict, from the figures shown next to it:
 * - high when one job in ten misses, slashes would eat half the earnings or more than all of them, or the expected
 *   misses of one day reach the strikes that jail;
 * - moderate from one job in fifty, a tenth of the earnings, or when a missed deadline is more likely than not on a
 *   given day;
 * - low below all of these.
 * The reasons are the triggered rules, in words with the same formatted figures.
 */
export function riskLevel(f: RiskFigures): { level: RiskLevel; reasons: string[] } {
  const high: string[] = [];
  if (f.missProbability >= 0.1) high.push(`${oneIn(f.missProbability)} would miss its deadline`);
  if (f.netPerDay < 0n) high.push('expected slashes exceed what it earns');
  else if (f.slashShare >= 0.5)
    high.push(`slashes would take ${formatPercent(f.slashShare)} of the earnings`);
  if (f.missesPerDay >= f.jailStrikes)
    high.push(
      `about ${formatCount(f.missesPerDay)} missed deadlines a day would jail it (${f.jailStrikes} strikes jail)`,
    );
  if (high.length) return { level: 'high', reasons: high };
  const moderate: string[] = [];
  if (f.missProbability >= 0.02) moderate.push(`${oneIn(f.missProbability)} would miss its deadline`);
  if (f.slashShare >= 0.1) moderate.push(`slashes would take ${formatPercent(f.slashShare)} of the earnings`);
  if (f.anyMissPerDay >= 0.5)
    moderate.push(`a missed deadline is likely on any given day (${formatPercent(f.anyMissPerDay)})`);
  if (moderate.length) return { level: 'moderate', reasons: moderate };
  return { level: 'low', reasons: [] };
}

const speedPrefix: Record<EconomyEstimate['speedSource'], string> = {
  jobs: 'At the speed of this machine’s own recent jobs',
  benchmark: 'At this machine’s benchmarked speed',
  assumed: 'At an assumed speed (no benchmark has run yet: run one on the Dashboard for a measured figure)',
};

function verdictSentence(
  level: RiskLevel,
  reasons: string[],
  f: RiskFigures,
  speed: EconomyEstimate['speedSource'],
): string {
  const prefix = speedPrefix[speed];
  if (level === 'low')
    return (
      `${prefix}, a missed deadline is unlikely on a given day (${formatPercent(f.anyMissPerDay)}) and ` +
      `slashes would take ${formatPercent(f.slashShare)} of the earnings.`
    );
  const why = reasons.join('; ');
  if (level === 'moderate') return `${prefix}, expect occasional missed deadlines: ${why}.`;
  return (
    `${prefix}, ${why}. Consider a lighter economy, fewer concurrent jobs (Settings → Limits), or a full ` +
    `benchmark first.`
  );
}

/** A count for a sentence: "0.4", "3", "12". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '∞';
  return n >= 10 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1).replace(/\.0$/, '');
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
