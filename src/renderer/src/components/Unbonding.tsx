import type { ReactNode } from 'react';
import type { Address } from '#shared/api/define';
import { useNow } from '../hooks/useNow';
import { useAction } from '../lib/api';
import type { BondRole } from '../lib/bond';
import { formatDuration } from '../lib/time';
import { ErrorNotice } from './feedback';
import { ProgressBar } from './ProgressBar';

const words = {
  provider: { testId: 'unbonding', done: 'Unbonded: the bond can be withdrawn', withdraw: 'Withdraw bond' },
  validator: { testId: 'validator-unbonding', done: 'Unbonded', withdraw: 'Withdraw validator bond' },
} satisfies Record<BondRole, unknown>;

/** The unbonding countdown of an exited bond, then its withdrawal (`withdrawBond`). */
export function Unbonding({
  role,
  economy,
  endsAt,
  periodS,
  held,
  onChanged,
}: {
  role: BondRole;
  economy: Address;
  /** Unix seconds. */
  endsAt: number;
  /** The economy's unbonding period. */
  periodS: number;
  /** Why the bond cannot be withdrawn yet although the countdown is over; absent when nothing holds it. */
  held?: ReactNode;
  /** After the withdrawal went through. */
  onChanged?: () => void;
}) {
  const say = words[role];
  const now = useNow();
  const withdraw = useAction(`${role}.withdrawBond`);
  const left = Math.max(0, endsAt - now);
  const done = left === 0;
  return (
    <div className="unbonding" data-testid={say.testId}>
      <ProgressBar
        value={periodS > 0 ? 1 - left / periodS : 1}
        label={done ? say.done : 'Unbonding'}
        detail={done ? 'done' : `${formatDuration(left)} left`}
      />
      {done && held}
      {withdraw.error && <ErrorNotice error={withdraw.error} />}
      <button
        type="button"
        className="primary"
        disabled={!done || Boolean(held) || withdraw.pending}
        onClick={() => void withdraw.run({ economy }).then((r) => r && onChanged?.())}
      >
        {withdraw.pending ? 'Withdrawing…' : say.withdraw}
      </button>
    </div>
  );
}
