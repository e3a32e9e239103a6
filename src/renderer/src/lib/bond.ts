/** Checks a bond the user typed before it is estimated or sent: the economy's minimum, and what the wallet holds. */
import type { EconomySummary } from '../../../shared/api';
import { formatAmount, parseAmount, toBigInt, type ParseResult } from './money';

export function checkBond(text: string, economy: EconomySummary): ParseResult {
  const parsed = parseAmount(text, economy.token.decimals);
  if (!parsed.ok) return parsed;
  const min = toBigInt(economy.params.minBond);
  if (parsed.value < min) {
    return {
      ok: false,
      error: `The minimum bond in ${economy.name} is ${formatAmount(min, economy.token)}.`,
    };
  }
  const balance = economy.membership.walletBalance;
  if (balance !== undefined && parsed.value > toBigInt(balance)) {
    return {
      ok: false,
      error: `Your wallet holds ${formatAmount(balance, economy.token)}: bond at most that.`,
    };
  }
  return parsed;
}
