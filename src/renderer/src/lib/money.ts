/**
 * Token amounts as the UI shows and reads them. Amounts travel as decimal strings of base units; every sum and
 * comparison here is done in bigint so no amount ever passes through a float. (Our own few lines rather than
 * viem's formatUnits: we need truncation with a "< 0.0001" floor and strict parsing that refuses extra
 * decimals instead of rounding them away, and it keeps viem out of the renderer bundle.)
 */
import type { Amount } from '#shared/api/define';
import { formatTokenAmount, formatUnits, type AmountFormat } from '#shared/units';

export interface TokenLike {
  symbol: string;
  decimals: number;
}

/** The chain's native coin as gas costs are quoted (wei). */
export const NATIVE: TokenLike = { symbol: 'ETH', decimals: 18 };

/** Parses a base-unit decimal string; anything else is a bug upstream, so it throws. */
export function toBigInt(amount: Amount | bigint): bigint {
  if (typeof amount === 'bigint') return amount;
  if (!/^-?\d+$/.test(amount)) throw new Error(`not an amount in base units: ${JSON.stringify(amount)}`);
  return BigInt(amount);
}

export { formatUnits };

export type FormatOptions = AmountFormat;

/**
 * A token amount for people: digits grouped, at most `maxFractionDigits` decimals, truncated toward zero so a
 * balance is never shown larger than it is; a non-zero amount too small to show reads "< 0.0001". The node's
 * notifications use the same function (src/shared/units.ts), so a toast and a card show the same figure.
 */
export function formatAmount(amount: Amount | bigint, token: TokenLike, options: FormatOptions = {}): string {
  return formatTokenAmount(toBigInt(amount), token, options);
}

export type ParseResult = { ok: true; value: bigint } | { ok: false; error: string };

/**
 * Reads an amount the user typed ("150", "0.25", "1,000.5") into base units. Refuses more decimals than the token
 * has rather than silently rounding what the user asked to bond or send.
 */
export function parseAmount(text: string, decimals: number): ParseResult {
  const cleaned = text.trim().replace(/,/g, '');
  if (cleaned === '') return { ok: false, error: 'Enter an amount.' };
  const match = /^(\d*)(?:\.(\d*))?$/.exec(cleaned);
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) {
    return { ok: false, error: 'Use digits and at most one decimal point, e.g. 150 or 0.5.' };
  }
  const whole = match[1] || '0';
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) {
    return {
      ok: false,
      error: `This token has ${decimals} decimals; use at most ${decimals} after the point.`,
    };
  }
  const value = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  return { ok: true, value };
}

export function sumAmounts(amounts: readonly (Amount | bigint)[]): bigint {
  return amounts.reduce<bigint>((total, a) => total + toBigInt(a), 0n);
}

/** `part / whole` as a fraction in 0..1 (for bar widths), computed in bigint to four decimals. */
export function shareOf(part: Amount | bigint, whole: Amount | bigint): number {
  const w = toBigInt(whole);
  if (w <= 0n) return 0;
  const p = toBigInt(part);
  const scaled = (p * 10_000n) / w;
  return Math.max(0, Math.min(1, Number(scaled) / 10_000));
}

/**
 * A token amount as a float of whole tokens, for chart axes only: a chart needs numbers and loses nothing a
 * pixel could show. Never use the result for money arithmetic or text.
 */
export function toChartNumber(amount: Amount | bigint, decimals: number): number {
  return Number(formatUnits(toBigInt(amount), decimals));
}

/** `amount × numerator / denominator`, rounded toward zero (e.g. per hour → per day). */
export function scaleAmount(amount: Amount | bigint, numerator: bigint, denominator = 1n): bigint {
  return (toBigInt(amount) * numerator) / denominator;
}

/** Compares two amounts: negative, zero or positive like a sort comparator. */
export function compareAmounts(a: Amount | bigint, b: Amount | bigint): number {
  const x = toBigInt(a);
  const y = toBigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
