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
