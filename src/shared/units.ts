/** Token amounts in base units, as text: one implementation for the node's words and the UI's. */

/** Exact decimal text of `value / 10^decimals`, without trailing zeros ("1.5", "0.000001", "42"). */
export function formatUnits(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const fraction = (abs % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

export interface AmountFormat {
  /** At most this many digits after the point (truncated toward zero, never rounded up). Default 4. */
  maxFractionDigits?: number;
  /** Append the token's symbol. Default true. */
  symbol?: boolean;
  /** Prefix positive amounts with "+" (for changes). */
  signed?: boolean;
}

const grouping = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * A token amount for people, the same in the UI's cards and dialogs and the node's notifications: digits grouped,
 * at most `maxFractionDigits` decimals (4), truncated toward zero so a balance is never shown larger than it is; a
 * non-zero amount too small to show reads "< 0.0001".
 */
export function formatTokenAmount(
  value: bigint,
  token: { symbol: string; decimals: number },
  options: AmountFormat = {},
): string {
  const { maxFractionDigits = 4, symbol = true, signed = false } = options;
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const digits = Math.min(maxFractionDigits, token.decimals);
  const step = 10n ** BigInt(token.decimals - digits);
  const shown = abs / step; // in units of 10^-digits tokens, truncated
  const suffix = symbol ? ` ${token.symbol}` : '';
  const sign = negative ? '−' : signed && abs > 0n ? '+' : '';
  if (shown === 0n && abs > 0n) {
    const smallest = digits === 0 ? '1' : `0.${'0'.repeat(digits - 1)}1`;
    return `${sign}< ${smallest}${suffix}`;
  }
  const scale = 10n ** BigInt(digits);
  const whole = grouping.format(shown / scale);
  const fraction = digits > 0 ? (shown % scale).toString().padStart(digits, '0').replace(/0+$/, '') : '';
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}${suffix}`;
}
