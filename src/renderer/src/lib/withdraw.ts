/**
 * Fee-aware withdrawal: what "Withdraw all" will and will not move, given the node's quotes. Economies whose gas
 * would cost more than they pay are skipped unless the user forces them.
 */
import type { WithdrawQuote } from '#shared/api';
import type { Address } from '#shared/api/define';
import { toBigInt } from './money';

export interface WithdrawPlan {
  /** Quotes worth their gas, and those skipped. */
  worth: WithdrawQuote[];
  skipped: WithdrawQuote[];
  /** Gas for the worthwhile ones (or for all when forced), in wei. */
  gasWei: bigint;
  /** Amount that will move per economy (only non-zero ones). */
  amounts: { economy: Address; amount: bigint }[];
}

export function planWithdrawAll(quotes: readonly WithdrawQuote[], force: boolean): WithdrawPlan {
  const nonZero = quotes.filter((q) => toBigInt(q.amount) > 0n);
  const worth = nonZero.filter((q) => q.worthIt);
  const skipped = nonZero.filter((q) => !q.worthIt);
  const moving = force ? nonZero : worth;
  return {
    worth,
    skipped,
    gasWei: moving.reduce((sum, q) => sum + toBigInt(q.gasCostWei), 0n),
    amounts: moving.map((q) => ({ economy: q.economy, amount: toBigInt(q.amount) })),
  };
}
