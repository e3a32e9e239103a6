import { z } from 'zod';
import { defineCall, defineEvent, type Address, type Amount } from './define';
import { addressSchema } from './settings';

export interface TokenInfo {
  address: Address;
  name: string;
  symbol: string;
  decimals: number;
}

/**
 * Every parameter an economy stores, in the order of the contract's `Params` struct (bit i of a fork's override mask
 * is field i), each with what its value is: `amount` a token amount in base units, `number` a whole number (seconds,
 * basis points, counts). The one list of them: the node's and the API's types below are made from it.
 */
export const economyParamKinds = {
  /** Smallest bond a provider registers (and stays drawable) with. */
  minBond: 'amount',
  /** SLA collateral locked per job: max(collateralFeeMultipleBps/10000 × fee, minCollateral). */
  minCollateral: 'amount',
  collateralFeeMultipleBps: 'number',
  /** After assignment, the provider may decline without a slash for this long. */
  acceptWindowS: 'number',
  /** Shortest time a requester may give a provider to deliver. */
  minDeadlineS: 'number',
  /** A submitted result finalizes after this long unless a validator challenges it. */
  challengeWindowS: 'number',
  voteWindowS: 'number',
  /** Share of each finalized fee that goes to the economy's treasury. */
  protocolFeeBps: 'number',
  /** Share of a timeout slash that compensates the requester (the rest goes to the treasury). */
  requesterSlashShareBps: 'number',
  /** Share of a lost challenge's slash that is burned instead of paid out. */
  slashBurnBps: 'number',
  /** Strikes (timeouts, lost challenges) after which a provider is jailed. */
  jailStrikes: 'number',
  jailCooldownS: 'number',
  /** How long an exiting provider or validator waits before withdrawing its bond. */
  unbondingPeriodS: 'number',
  epochLengthS: 'number',
  /** Tokens minted per epoch, accrued to active providers by bond. */
  emissionPerEpoch: 'amount',
  /** Epochs during which the emission carries a linearly fading bonus. */
  bootstrapEpochs: 'number',
  /** That bonus in the first epoch, in basis points of emissionPerEpoch. */
  bootstrapBonusBps: 'number',
  /** Declines after which a job is refunded instead of re-drawn. */
  maxDeclines: 'number',
  validatorMinBond: 'amount',
  /** Part of a validator's bond a challenge locks (and loses if the challenge fails). */
  challengeBond: 'amount',
  /** Smallest fee a job may carry. */
  minFee: 'amount',
  /** Share of the validator stake that must vote on a challenge for the vote to count (else the result stands). */
  quorumBps: 'number',
  /** Share of a voter's weight locked by its vote, slashed if it voted against the outcome. */
  voteSlashBps: 'number',
  /** Share of a lost challenge's slash (after the burn) paid to the winning party; the rest to the winning voters. */
  winnerShareBps: 'number',
  /** Share of the challenge bond a validator forfeits for a challenge commitment it never reveals. */
  commitFeeBps: 'number',
} as const satisfies Record<string, 'amount' | 'number'>;

export type EconomyParamName = keyof typeof economyParamKinds;

/** An economy's parameters with token amounts written as `TAmount`. */
export type EconomyParamSet<TAmount> = {
  -readonly [K in EconomyParamName]: (typeof economyParamKinds)[K] extends 'amount' ? TAmount : number;
};

/**
 * Every parameter an economy stores, validated at genesis and fork, shown in the comparison table (amounts as
 * decimal strings of base units; the node holds them as bigint: `ChainParams`).
 */
export type EconomyParams = EconomyParamSet<Amount>;

export interface EconomyStats {
  activeProviders: number;
  totalBonded: Amount;
  jobsLast24h: number;
  /**
   * The one posting rate shown anywhere: `jobsLast24h` ÷ the hours the window covers, at least one hour
   * (src/main/economies/stats.ts `jobsPerHour`).
   */
  jobsPerHour: number;
  /** Seconds of history behind `jobsLast24h` (less than a day for a young economy or a fresh node). */
  windowS: number;
  finalizedLast24h: number;
  /** null when no job was posted in the last 24 h. */
  medianFee: Amount | null;
  /**
   * What a thousand generated tokens cost in jobs priced per token (text generation): the median price per token of
   * those posted in the last 24 h × 1000, on top of each job's base fee; null when none was posted.
   */
  feePer1kTokens: Amount | null;
  emissionPerEpoch: Amount;
  /** Slashed jobs / assigned jobs over the last 24 h, 0..1. */
  slashRate: number;
  treasury: Amount;
  /** Bond that earns emission now: the sum of the active providers' bonds (each at least the minimum bond). */
  activeStake: Amount;
}

export type MembershipStatus = 'none' | 'active' | 'paused' | 'exiting' | 'exited' | 'jailed';

/** This provider's standing in one economy, straight from the chain. */
export interface Membership {
  status: MembershipStatus;
  bond: Amount;
  /** SLA collateral locked by assigned jobs. */
  locked: Amount;
  free: Amount;
  /** Bond earning emission now: the whole bond while active and at least the minimum bond, else 0. */
  stake: Amount;
  strikes: number;
  /** Unix seconds; set while exiting. */
  unbondingEndsAt: number | null;
  jailedUntil: number | null;
  /** Accept windows missed in a row; at 3 the contract paused this provider (absent: not read). */
  noShows?: number;
  /** This wallet's balance of the economy's token: what it could bond now (absent: not known yet). */
  walletBalance?: Amount;
  /** A fork's genesis allocation this wallet can claim by Merkle proof (null: none for this wallet). */
  forkAllocation: { amount: Amount; claimed: boolean } | null;
}

export interface EconomySummary {
  /** The economy contract's address, as everywhere else: the field `economy`. */
  economy: Address;
  name: string;
  token: TokenInfo;
  /** The parent economy's address; null for a genesis economy. */
  parent: Address | null;
  forkBlock: number | null;
  createdAt: number;
  /** 0 for genesis, 1 for its forks, … */
  depth: number;
  params: EconomyParams;
  stats: EconomyStats;
  membership: Membership;
}

/** What serving an economy would mean for this machine, from its benchmark and uptime: shown before bonding. */
export interface EconomyEstimate {
  economy: Address;
  bond: Amount;
  expectedJobsPerHour: number;
  /** Fees and emission together. */
  expectedEarningsPerHour: Amount;
  /** The part from job fees (less the protocol fee). */
  expectedFeesPerHour: Amount;
  /**
   * The part from emission, which accrues to active bonds by size alone: bond / (active stake + bond) × emission
   * per hour (fees play no part).
   */
  expectedEmissionPerHour: Amount;
  /** That share of the active stake, 0..1. */
  emissionShare: number;
  /** Probability that a job assigned to this machine misses its deadline, 0..1. */
  deadlineMissProbability: number;
  expectedSlashPerDay: Amount;
  /** How it was worked out, in one or two sentences. */
  basis: string;
  /** Jobs posted here per hour, the same figure as the economy's `stats.jobsPerHour`. */
  postedPerHour: number;
  /** The hours the ranges below cover (a day). */
  horizonH: number;
  /** Fees over the horizon, less the protocol fee: a 90 % range and the expected value. */
  feesOverHorizon: AmountRange;
  /**
   * Emission over the horizon: newly minted tokens of this economy. Their worth is the token's price, which the
   * estimate does not assume. Low end: one more provider with the same bond joins; high end: the stake stays.
   */
  emissionOverHorizon: AmountRange;
  /** Where the run time came from: this machine's own jobs, its benchmark, or an assumption (no benchmark yet). */
  speedSource: 'jobs' | 'benchmark' | 'assumed';
  /** Whether the uptime is this node's record over the last week or an assumption (no record yet). */
  uptimeSource: 'measured' | 'assumed';
}

/** An estimated amount with its range (base units). */
export interface AmountRange {
  low: Amount;
  expected: Amount;
  high: Amount;
}

/** `{ economy }`: the payload of a call about one economy (economies, provider and validator calls). */
const economy = z.object({ economy: addressSchema }).strict();
const amount = z.string().regex(/^\d{1,78}$/, 'an amount in base units');

export const economiesCalls = {
  'economies.list': defineCall<EconomySummary[]>()(
    'Every economy the factory knows (genesis and forks), with parameters, stats and this provider’s membership.',
    z.object({}).strict(),
  ),
  'economies.get': defineCall<EconomySummary>()('One economy.', economy),
  'economies.estimate': defineCall<EconomyEstimate>()(
    'Expected earnings and risk of serving an economy with a given bond (default: its minimum).',
    z.object({ economy: addressSchema, bond: amount.optional() }).strict(),
  ),
};

export const economiesEvents = {
  'economies.changed': defineEvent<EconomySummary[]>(
    'Economies, their stats or this provider’s membership changed.',
  ),
};

export { economy as economyCallSchema, amount as amountSchema };
