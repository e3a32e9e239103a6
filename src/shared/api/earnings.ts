import { z } from 'zod';
import type { TokenInfo } from './economies';
import { defineCall, defineEvent, type Address, type Amount, type Hash } from './define';
import { addressSchema } from './settings';

/** Where this provider's tokens are in one economy. */
export interface EconomyEarnings {
  economy: Address;
  economyName: string;
  token: TokenInfo;
  bonded: Amount;
  locked: Amount;
  /** Results submitted but still inside their challenge window. */
  pending: Amount;
  /**
   * What a withdrawal pays now: the claimable balance (fees, refunds, settled emission) and the emission accrued to
   * the bond, which the node claims (`claimEmission`) just before it withdraws.
   */
  claimable: Amount;
  withdrawn: Amount;
  /** Everything ever credited: fees, emissions (with what has accrued and is not settled yet), fork allocation. */
  lifetime: Amount;
  slashed: Amount;
  /**
   * Emission accrued to the bond and not settled yet: part of `claimable`, lost on a missed deadline or a rejected
   * result.
   */
  pendingEmission: Amount;
  /** Emission given up by missed deadlines and rejected results. */
  forfeited: Amount;
}

export interface EarningsEvent {
  t: number;
  block: number;
  economy: Address;
  /**
   * `emission`: emission accrued to the bond, credited when the bond changed or on a withdrawal; `forfeit`: emission
   * accrued since the last such credit and given up by a missed deadline or a rejected result (never
   * credited, so it counts in no total).
   */
  kind: 'fee' | 'emission' | 'forfeit' | 'allocation' | 'withdrawal' | 'slash';
  amount: Amount;
  txHash: Hash;
  jobId: string | null;
}

export interface TokenTotals {
  token: TokenInfo;
  bonded: Amount;
  pending: Amount;
  claimable: Amount;
  withdrawn: Amount;
  lifetime: Amount;
  /** The part of `claimable` that is emission accrued and not yet settled (claimed at withdrawal; it keeps growing). */
  pendingEmission?: Amount;
}

export interface EarningsReport {
  economies: EconomyEarnings[];
  /** One row per distinct token (each economy has its own token). */
  totals: TokenTotals[];
  /** Oldest first. */
  history: EarningsEvent[];
  payoutAddress: Address | null;
}

/** What a withdrawal would cost and whether it is worth it. */
export interface WithdrawQuote {
  economy: Address;
  amount: Amount;
  /** Gas the transaction needs at today's price, in wei of the chain's native coin. */
  gasCostWei: Amount;
  worthIt: boolean;
  /** One sentence: "Withdraw: 12.5 FLY for ~0.0001 ETH of gas", "Wait: gas would cost more than 0.2 FLY pays". */
  advice: string;
  /** The part of `amount` already settled (fees, refunds, settled emission): it does not change until withdrawn. */
  settled?: Amount;
  /**
   * The part of `amount` that is emission accrued to the bond since the last settlement, as of the quote: the
   * withdrawal claims it first, and it keeps growing until the transaction lands.
   */
  accruedEmission?: Amount;
  /** How fast `accruedEmission` grows now (base units per second; 0 while the bond earns none). */
  emissionPerSecond?: Amount;
}

const target = z.union([addressSchema, z.literal('all')]);

export const earningsCalls = {
  'earnings.get': defineCall<EarningsReport>()(
    'Earnings per economy and per token, with history.',
    z.object({}).strict(),
  ),
  'earnings.quote': defineCall<WithdrawQuote[]>()(
    'Gas cost and advice for withdrawing one economy or all of them.',
    z.object({ economy: target }).strict(),
  ),
  'earnings.withdraw': defineCall<{ txs: { economy: Address; amount: Amount; hash: Hash }[] }>()(
    'Withdraw claimable tokens to the payout address (or the wallet). With `all`, economies not worth the gas are skipped unless `force`.',
    z.object({ economy: target, force: z.boolean().default(false) }).strict(),
  ),
};

export const earningsEvents = {
  'earnings.changed': defineEvent<EarningsReport>('Any balance moved.'),
};
