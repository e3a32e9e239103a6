import type { AmountRange } from '#shared/api';
import type { Amount as AmountText } from '#shared/api/define';
import { formatAmount, formatUnits, toBigInt, type FormatOptions, type TokenLike } from '../lib/money';

/** A token amount, rounded for reading, with the exact value on hover (and for assistive tech via title). */
export function Amount({
  value,
  token,
  ...options
}: { value: AmountText | bigint; token: TokenLike } & FormatOptions) {
  const exact = `${formatUnits(toBigInt(value), token.decimals)} ${token.symbol}`;
  return (
    <span className="amount" title={exact}>
      {formatAmount(value, token, options)}
    </span>
  );
}

/** An amount in a table's number column; a `loss` (slashed, lost) shows red once it is above zero. */
export function AmountCell({
  value,
  token,
  loss = false,
}: {
  value: AmountText | bigint;
  token: TokenLike;
  loss?: boolean;
}) {
  return (
    <td className={loss && toBigInt(value) > 0n ? 'num text-error' : 'num'}>
      <Amount value={value} token={token} />
    </td>
  );
}

/** "12.5 – 18.25 FLY": an estimate's range; two decimals say all it knows. */
export function EstimateRange({ range, token }: { range: AmountRange; token: TokenLike }) {
  return (
    <>
      <Amount value={range.low} token={token} maxFractionDigits={2} symbol={false} /> –{' '}
      <Amount value={range.high} token={token} maxFractionDigits={2} />
    </>
  );
}
