import type { Address } from 'viem';
import type { EconomyEstimate } from '#shared/api/economies';
import type { ChainParams } from '../chain/deploy';
import { jobsPerHour as ratePerHour, type EventStats } from './stats';

export interface EstimateInputs {
  economy: Address;
  params: ChainParams;
  /** Tokens this provider would bond (base units). */
  bond: bigint;
  /** Its latest benchmark's spread in percent (the benchmark stays off-chain: it predicts run times). */
  spreadPct: number;
  /** Measured / predicted run time of live jobs (1 without history). */
  driftRatio: number;
  /** Typical run time of a job here on this machine, seconds (its own recent jobs, else a guess from the score). */
  runS: number;
  /** Where `runS` and the spread come from: own jobs, a benchmark, or neither (an assumed score). */
  speedSource: EconomyEstimate['speedSource'];
  /**
   * A typical language-model job of this economy (its median max_tokens, a prompt as long) on this machine, from the
   * benchmark's language figures; its model's size taken as the benchmark's 90 M llama when this machine does not
   * hold it (`modelAssumed`). Null: the economy posts none lately, or no device has language figures. Used when
   * `runS` comes from the benchmark: a machine's own jobs already include its language-model jobs.
   */
  textRun?: { s: number; maxTokens: number; modelAssumed: boolean } | null;
  /**
   * Draw weight (bond in milli-tokens) of every other provider in each kind's tree: the tree's total less this
   * provider's own leaf.
   */
  othersWeight: { inference: bigint; fineTune: bigint };
  /** Bond earning emission now, less this provider's own (base units). */
  othersStake: bigint;
  /** Share of the last week the node was up while providing (null: no record). */
  uptime: number | null;
  /** Emission of the current epoch (with any young-economy bonus). */
  emissionPerEpoch: bigint;
  recent: EventStats;
}

const ASSUMED_UPTIME = 0.99;
const MILLI_TOKEN = 10n ** 15n;
/** The horizon of the ranges: a day. */
const HORIZON_H = 24;
/** z of a two-sided 90 % interval. */
const Z90 = 1.645;

/**
 * What serving an economy would mean for this machine. The model, also given in `basis`:
 * - jobs/hour = the economy's posting rate of each job kind (`jobsPerHour` in stats.ts: jobs in the last 24 h over
 *   the hours covered, at least one) × this provider's share of that kind's draw, its bond over the total bond in the
 *   kind's tree (what `assign` weighs by);
 * - over a day, fees have a 90 % range from the two counts behind them: the jobs seen (the rate's uncertainty) and
 *   the jobs this bond would draw (Poisson); emission ranges from "one more provider with this bond joins" to "the
 *   stake stays as it is";
 * - fees/hour = jobs/hour × median fee × (1 − protocol fee);
 * - emission/hour = the epoch emission × epochs/hour × bond / (active stake + bond): emission accrues to active
 *   bonds by size, whatever the fees (a missed deadline or a rejected result gives up what accrued since the last
 *   settlement);
 * - a job misses its deadline when it runs too slowly (run times taken as log-normal around the typical run time,
 *   stretched by live drift, with the benchmark's spread, against the median deadline) or when the node is away
 *   (one minus its uptime over the last week);
 * - expected slash/day = jobs/day × miss chance × the collateral of a median-fee job.
 */
export function estimateEarnings(inputs: EstimateInputs): EconomyEstimate {
  const p = inputs.params;
  const mine = inputs.bond / MILLI_TOKEN;
  const drawShare = (others: bigint) =>
    others + mine > 0n ? Number((mine * 1_000_000n) / (others + mine)) / 1_000_000 : 0;
  const byKind = inputs.recent.jobsByKind;
  const windowS = inputs.recent.windowS;
  const postedPerHour = ratePerHour(inputs.recent.jobsLast24h, windowS);
  const jobsPerHour =
    ratePerHour(byKind.inference, windowS) * drawShare(inputs.othersWeight.inference) +
    ratePerHour(byKind.fineTune, windowS) * drawShare(inputs.othersWeight.fineTune);
  const fee = inputs.recent.medianFee ?? 0n;
  const netFee = (fee * BigInt(10_000 - p.protocolFeeBps)) / 10_000n;
  const fees = (netFee * BigInt(Math.round(jobsPerHour * 1000))) / 1000n;

  // Only a bond at or above the minimum earns emission.
  const stake = inputs.bond >= p.minBond ? inputs.bond : 0n;
  const totalStake = inputs.othersStake + stake;
  const shareMicro = totalStake > 0n ? (stake * 1_000_000n) / totalStake : 0n;
  const emissionPerHour = (inputs.emissionPerEpoch * 3600n) / BigInt(p.epochLengthS);
  const emission = (emissionPerHour * shareMicro) / 1_000_000n;
  const earnings = fees + emission;

  // A day: fees ± the uncertainty of the two counts; emission between one more equal bond joining and no change.
  const jobsDay = jobsPerHour * HORIZON_H;
  const seen = inputs.recent.jobsLast24h;
  const rel = jobsDay > 0 && seen > 0 ? Math.sqrt(1 / seen + 1 / jobsDay) : 0;
  const scale = (v: bigint, f: number) => (v * BigInt(Math.round(Math.max(0, f) * 1_000_000))) / 1_000_000n;
  const feesDay = fees * BigInt(HORIZON_H);
  const emissionDay = emission * BigInt(HORIZON_H);
  const crowdedShare = totalStake + stake > 0n ? (stake * 1_000_000n) / (totalStake + stake) : 0n;
  const emissionLow = (emissionPerHour * BigInt(HORIZON_H) * crowdedShare) / 1_000_000n;

  const deadlineS = inputs.recent.medianDeadlineS ?? p.minDeadlineS;
  const drift = Math.max(1, inputs.driftRatio);
  const typical = Math.max(0.001, inputs.runS * drift);
  const sigma = Math.log(1 + Math.max(0.05, inputs.spreadPct / 100));
  const slowChance = (runS: number) => 1 - normalCdf(Math.log(deadlineS / runS) / sigma);
  // Language-model jobs run for their tokens, not as the typical job: each kind of job misses on its own run time.
  const text = inputs.speedSource === 'jobs' ? null : (inputs.textRun ?? null);
  const textShare =
    text && inputs.recent.jobsLast24h > 0
      ? Math.min(1, inputs.recent.textJobs / inputs.recent.jobsLast24h)
      : 0;
  const textTypical = text ? Math.max(0.001, text.s * drift) : 0;
  const pSlow =
    (1 - textShare) * slowChance(typical) + (textShare > 0 ? textShare * slowChance(textTypical) : 0);
  const up = inputs.uptime ?? ASSUMED_UPTIME;
  const pMiss = Math.min(1, 1 - (1 - pSlow) * up);
  const collateralByFee = (fee * BigInt(p.collateralFeeMultipleBps)) / 10_000n;
  const collateral = collateralByFee > p.minCollateral ? collateralByFee : p.minCollateral;
  const slashPerDay = (collateral * BigInt(Math.round(jobsPerHour * 24 * pMiss * 1_000_000))) / 1_000_000n;

  const share = Number(shareMicro) / 1_000_000;
  const basis =
    `About ${round(jobsPerHour)} of the ${round(postedPerHour)} jobs/h posted here ` +
    `(${seen} in the last ${windowWords(windowS)}${windowS < 3600 ? ', counted over at least an hour' : ''}) ` +
    `would be drawn for this bond (the draw weighs bond alone, kind by kind), paid the median fee less ` +
    `${p.protocolFeeBps / 100} %; the fee range is 90 % from those counts; ` +
    `emission accrues to ${round(share * 100)} % of the active stake with this bond, whatever the fees. A ` +
    `missed deadline or a rejected result gives up the emission accrued since the last settlement. A job misses its ` +
    `${deadlineS} s deadline if a run of about ${round(typical)} s ` +
    `(${speedWords[inputs.speedSource]}; ±${round(Math.max(5, inputs.spreadPct))} % spread` +
    `${inputs.driftRatio > 1 ? `, ×${round(inputs.driftRatio)} live drift` : ''})` +
    (text && textShare > 0
      ? ` or, for the language-model jobs (${round(textShare * 100)} % of those posted), a run of about ` +
        `${round(textTypical)} s (${text.maxTokens} tokens and a prompt as long, by the benchmark's language figures` +
        `${text.modelAssumed ? ", the model's size taken as the benchmark's 90 M llama: not on this machine yet" : ''})`
      : '') +
    ` overruns it, or ` +
    `if the node is away (uptime ${round(up * 100)} %` +
    `${inputs.uptime === null ? ', assumed: no record yet' : ' over the last week'}).`;
  return {
    economy: inputs.economy,
    bond: inputs.bond.toString(),
    expectedJobsPerHour: jobsPerHour,
    expectedEarningsPerHour: earnings.toString(),
    expectedFeesPerHour: fees.toString(),
    expectedEmissionPerHour: emission.toString(),
    emissionShare: share,
    deadlineMissProbability: pMiss,
    expectedSlashPerDay: slashPerDay.toString(),
    basis,
    postedPerHour,
    horizonH: HORIZON_H,
    feesOverHorizon: {
      low: scale(feesDay, 1 - Z90 * rel).toString(),
      expected: feesDay.toString(),
      high: scale(feesDay, 1 + Z90 * rel).toString(),
    },
    emissionOverHorizon: {
      low: emissionLow.toString(),
      expected: emissionDay.toString(),
      high: emissionDay.toString(),
    },
    speedSource: inputs.speedSource,
    uptimeSource: inputs.uptime === null ? 'assumed' : 'measured',
  };
}

const speedWords: Record<EconomyEstimate['speedSource'], string> = {
  jobs: "this machine's own recent jobs",
  benchmark: "this machine's benchmark",
  assumed: 'assumed: no benchmark has run yet',
};

function windowWords(s: number): string {
  if (s >= 86_400 - 60) return '24 h';
  if (s >= 3600) return `${round(s / 3600)} h`;
  return `${Math.max(1, Math.round(s / 60))} min`;
}

function round(x: number): string {
  const text = x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
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
