import { describe, expect, it } from 'vitest';
import { notDrawable } from '../../src/shared/standing';
import { formatUnits } from '../../src/shared/units';

const LITE = { symbol: 'LITE', decimals: 18 };
const units = (n: string) => BigInt(Math.round(Number(n) * 1000)) * 10n ** 15n;
const member = (over: Partial<Parameters<typeof notDrawable>[0]> = {}) => ({
  status: 'active' as const,
  bond: units('100').toString(),
  jailedUntil: null,
  noShows: 0,
  ...over,
});

describe('notDrawable: the standing the draw actually weighs', () => {
  it('is null for a drawable provider and for one that is not a member', () => {
    expect(notDrawable(member(), { minBond: units('50') }, LITE)).toBeNull();
    expect(notDrawable(member({ status: 'none', bond: '0' }), { minBond: units('50') }, LITE)).toBeNull();
    expect(notDrawable(member({ status: 'exiting', bond: '1' }), { minBond: units('50') }, LITE)).toBeNull();
    // Paused by the user (fewer than 3 no-shows): not an alarm, the switch says why.
    expect(notDrawable(member({ status: 'paused', noShows: 2 }), { minBond: units('50') }, LITE)).toBeNull();
  });

  it('says a bond under the minimum with the top-up that fixes it (after a slash)', () => {
    expect(notDrawable(member({ bond: units('45').toString() }), { minBond: units('50') }, LITE)).toEqual({
      reason: 'not drawable: bond 45 LITE < 50 minimum — add 5 LITE',
      topUp: units('5').toString(),
    });
    // Fractions and the token's own decimals.
    expect(
      notDrawable(member({ bond: '19500000' }), { minBond: '20000000' }, { symbol: 'FAST', decimals: 6 }),
    ).toEqual({ reason: 'not drawable: bond 19.5 FAST < 20 minimum — add 0.5 FAST', topUp: '500000' });
  });

  it('says a jail with its end, and a pause the contract made after 3 no-shows', () => {
    expect(
      notDrawable(member({ status: 'jailed', jailedUntil: 1_796_418_300 }), { minBond: units('50') }, LITE),
    ).toEqual({ reason: 'jailed until 2026-12-04 21:05 UTC', topUp: null });
    expect(notDrawable(member({ status: 'paused', noShows: 3 }), { minBond: units('50') }, LITE)).toEqual({
      reason: 'paused on-chain after 3 no-shows',
      topUp: null,
    });
  });

  it('puts the bond first: a jailed provider under the minimum must top up before unjailing helps', () => {
    const out = notDrawable(
      member({ status: 'jailed', jailedUntil: 1, bond: units('40').toString() }),
      { minBond: units('50') },
      LITE,
    );
    expect(out?.topUp).toBe(units('10').toString());
  });

  it('formats base units without trailing zeros', () => {
    expect(formatUnits(0n, 18)).toBe('0');
    expect(formatUnits(1n, 2)).toBe('0.01');
    expect(formatUnits(-1500n, 3)).toBe('-1.5');
  });
});
