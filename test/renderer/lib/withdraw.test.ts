import { describe, expect, it } from 'vitest';
import { planWithdrawAll } from '../../../src/renderer/src/lib/withdraw';
import { FORK_FAST, GENESIS, quotesAll, units } from '../fixtures';

describe('planWithdrawAll', () => {
  it('skips economies whose gas would cost more than they pay', () => {
    const plan = planWithdrawAll(quotesAll, false);
    expect(plan.worth.map((q) => q.economy)).toEqual([GENESIS]);
    expect(plan.skipped.map((q) => q.economy)).toEqual([FORK_FAST]);
    expect(plan.gasWei).toBe(BigInt(units('0.00021')));
    expect(plan.amounts).toEqual([{ economy: GENESIS, amount: BigInt(units('61.2')) }]);
  });

  it('moves everything, gas summed, when forced', () => {
    const plan = planWithdrawAll(quotesAll, true);
    expect(plan.gasWei).toBe(BigInt(units('0.0004')));
    expect(plan.amounts.map((a) => a.economy)).toEqual([GENESIS, FORK_FAST]);
  });

  it('ignores economies with nothing claimable', () => {
    const plan = planWithdrawAll([{ ...quotesAll[0]!, amount: '0' }], true);
    expect(plan.amounts).toEqual([]);
    expect(plan.gasWei).toBe(0n);
  });
});
