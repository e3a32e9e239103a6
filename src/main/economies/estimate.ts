import type { Address } from 'viem';
import type { EconomyEstimate } from '../../shared/api/economies';
import type { ChainParams } from '../chain/deploy';
import type { EventStats } from './stats';

export interface EstimateInputs {
  economyId: Address;
  params: ChainParams;
  /** Tokens this provider would bond (base units). */
  bond: bigint;
  /** The score it would declare (its latest benchmark), and that benchmark's spread in percent. */
  score: number;
  spreadPct: number;
  /** Measured / predicted run time of live jobs (1 without history). */
  driftRatio: number;
  /** Typical run time of a job here on this machine, seconds (its own recent jobs, else a guess from the score). */
  runS: number;
  /** Sum of bond (milli-tokens) × score over the other active providers (the draw tree less this provider). */
  othersWeight: bigint;
  /** Share of the last week the node was up while providing (null: no record). */
  uptime: number | null;
  /** Emission of the current epoch (with any young-economy bonus). */
  emissionPerEpoch: bigint;
  recent: EventStats;
}

const ASSUMED_UPTIME = 0.99;

/**
 * What serving an economy would mean for this machine. The model, also given in `basis`:
 * - jobs/hour = the economy's posting rate over the last 24 h × this provider's share of the draw, bond × score
 *   over the active providers' total (what `assign` weighs by);
 * - earnings/hour = jobs/hour × median fee × (1 − protocol fee) + the epoch emission × epochs/hour × the same share
 *   (emissions follow finalized fees);
 * - a job misses its deadline when it runs too slowly (run times taken as log-normal around the typical run time,
 *   stretched by live drift, with the benchmark's spread, against the median deadline) or when the node is away
 *   (one minus its uptime over the last week);
 * - expected slash/day = jobs/day × miss chance × the collateral of a median-fee job.
 */
export function estimateEarnings(inputs: EstimateInputs): EconomyEstimate {
  const p = inputs.params;
  const mine = (inputs.bond / 10n ** 15n) * BigInt(Math.max(1, Math.round(inputs.score)));
  const total = inputs.othersWeight + mine;
  const share = total > 0n ? Number((mine * 1_000_000n) / total) / 1_000_000 : 0;
  const jobsPerHour = (inputs.recent.jobsLast24h / inputs.recent.windowS) * 3600 * share;
  const fee = inputs.recent.medianFee ?? 0n;
  const netFee = (fee * BigInt(10_000 - p.protocolFeeBps)) / 10_000n;
  const perHourMilli = BigInt(Math.round(jobsPerHour * 1000));
  const epochsPerHourMilli = BigInt(Math.round((3600 / p.epochLengthS) * 1000));
  const shareMicro = BigInt(Math.round(share * 1_000_000));
  const earnings =
    (netFee * perHourMilli) / 1000n +
    (inputs.emissionPerEpoch * epochsPerHourMilli * shareMicro) / 1_000_000_000n;

  const deadlineS = inputs.recent.medianDeadlineS ?? p.minDeadlineS;
  const typical = Math.max(0.001, inputs.runS * Math.max(1, inputs.driftRatio));
  const sigma = Math.log(1 + Math.max(0.05, inputs.spreadPct / 100));
  const pSlow = 1 - normalCdf(Math.log(deadlineS / typical) / sigma);
  const up = inputs.uptime ?? ASSUMED_UPTIME;
  const pMiss = Math.min(1, 1 - (1 - pSlow) * up);
  const collateralByFee = (fee * BigInt(p.collateralFeeMultipleBps)) / 10_000n;
  const collateral = collateralByFee > p.minCollateral ? collateralByFee : p.minCollateral;
  const slashPerDay = (collateral * BigInt(Math.round(jobsPerHour * 24 * pMiss * 1_000_000))) / 1_000_000n;

  const basis =
    `${round(share * 100)} % of the draw (bond × score ${Math.round(inputs.score)} against the active providers) × ` +
    `${round((inputs.recent.jobsLast24h / inputs.recent.windowS) * 3600)} jobs/h posted here lately, paid the median ` +
    `fee less ${p.protocolFeeBps / 100} % plus that share of the epoch emission. A job misses its ${deadlineS} s ` +
    `deadline if a run of about ${round(typical)} s (±${round(Math.max(5, inputs.spreadPct))} % benchmark spread` +
    `${inputs.driftRatio > 1 ? `, ×${round(inputs.driftRatio)} live drift` : ''}) overruns it, or if the node is ` +
    `away (uptime ${round(up * 100)} %${inputs.uptime === null ? ', assumed: no record yet' : ' over the last week'}).`;
  return {
    economyId: inputs.economyId,
    bond: inputs.bond.toString(),
    expectedJobsPerHour: jobsPerHour,
    expectedEarningsPerHour: earnings.toString(),
    deadlineMissProbability: pMiss,
    expectedSlashPerDay: slashPerDay.toString(),
    basis,
  };
}

function round(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** Φ(x), the standard normal CDF (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}
