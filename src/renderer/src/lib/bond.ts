/**
 * Checks a bond the user typed before it is estimated or sent: the economy's minimum for the role (a provider's
 * `minBond`, a validator's `validatorMinBond`; a validator bond of 0 is refused even where that minimum is 0), and
 * what the wallet holds.
 */
import type { EconomySummary } from '#shared/api';
import type { Amount } from '#shared/api/define';
import { formatAmount, parseAmount, toBigInt, type ParseResult } from './money';

/** Whose bond it is: a provider's membership (`provider.*` calls) or a validator's (`validator.*`). */
export type BondRole = 'provider' | 'validator';

/** The economy's minimum bond for the role. */
export function minBond(economy: EconomySummary, role: BondRole): Amount {
  return role === 'validator' ? economy.params.validatorMinBond : economy.params.minBond;
}

export function checkBond(text: string, economy: EconomySummary, role: BondRole = 'provider'): ParseResult {
  const parsed = parseAmount(text, economy.token.decimals);
  if (!parsed.ok) return parsed;
  const validator = role === 'validator';
  const min = toBigInt(minBond(economy, role));
  if (parsed.value < min || (validator && parsed.value === 0n)) {
    return {
      ok: false,
      error: `The minimum ${validator ? 'validator ' : ''}bond in ${economy.name} is ${formatAmount(min, economy.token)}.`,
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
