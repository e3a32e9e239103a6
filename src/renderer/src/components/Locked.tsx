import type { Amount as AmountText } from '#shared/api/define';
import { formatAmount, shareOf, type TokenLike } from '../lib/money';
import { Amount } from './Amount';

/** What part of a bond is locked (by a provider's jobs, by a validator's challenges), with what stays free. */
export function LockedAmount({
  locked,
  free,
  token,
}: {
  locked: AmountText | bigint;
  free: AmountText | bigint;
  token: TokenLike;
}) {
  return (
    <>
      <Amount value={locked} token={token} /> <span className="muted">(free: </span>
      <Amount value={free} token={token} />
      <span className="muted">)</span>
    </>
  );
}

/** The locked part of a bond as a bar over the whole bond. */
export function LockedBar({
  locked,
  bond,
  token,
  by,
}: {
  locked: AmountText | bigint;
  bond: AmountText | bigint;
  token: TokenLike;
  /** What locks it: "jobs", "challenges". */
  by: string;
}) {
  return (
    <div
      className="bar-split"
      role="img"
      aria-label={`${formatAmount(locked, token)} of ${formatAmount(bond, token)} locked by ${by}`}
    >
      <div className="bar-locked" style={{ width: `${(shareOf(locked, bond) * 100).toFixed(2)}%` }} />
    </div>
  );
}
