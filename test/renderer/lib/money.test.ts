import { describe, expect, it } from 'vitest';
import {
  compareAmounts,
  formatAmount,
  formatUnits,
  parseAmount,
  scaleAmount,
  shareOf,
  sumAmounts,
  toChartNumber,
} from '../../../src/renderer/src/lib/money';

const FLY = { symbol: 'FLY', decimals: 18 };
const USD6 = { symbol: 'FAST', decimals: 6 };

describe('formatUnits', () => {
  it.each([
    ['0', 18, '0'],
    ['1000000000000000000', 18, '1'],
    ['1500000000000000000', 18, '1.5'],
    ['1', 18, '0.000000000000000001'],
    ['123456789', 6, '123.456789'],
    ['-2500000', 6, '-2.5'],
    ['42', 0, '42'],
  ])('%s with %i decimals is %s', (value, decimals, text) => {
    expect(formatUnits(BigInt(value), decimals)).toBe(text);
  });

  it('keeps every digit of amounts far beyond a float’s precision', () => {
    // 2^64 + 1 tokens and one wei: a float would round both away.
    const value = (2n ** 64n + 1n) * 10n ** 18n + 1n;
    expect(formatUnits(value, 18)).toBe('18446744073709551617.000000000000000001');
  });
});

describe('formatAmount', () => {
  it('groups digits and truncates to four decimals, never rounding a balance up', () => {
    expect(formatAmount('1234567899999999999999', FLY)).toBe('1,234.5678 FLY');
    expect(formatAmount('999999999999999999', FLY)).toBe('0.9999 FLY');
  });

  it('drops trailing zeros and can leave the symbol off', () => {
    expect(formatAmount('150000000000000000000', FLY)).toBe('150 FLY');
    expect(formatAmount('2500000', USD6, { symbol: false })).toBe('2.5');
  });

  it('says "< 0.0001" for a non-zero amount too small to show, and 0 for zero', () => {
    expect(formatAmount('1', FLY)).toBe('< 0.0001 FLY');
    expect(formatAmount('0', FLY)).toBe('0 FLY');
    expect(formatAmount('1', USD6, { maxFractionDigits: 2 })).toBe('< 0.01 FAST');
  });

  it('signs changes: a true minus for losses, a plus on request', () => {
    expect(formatAmount(-5_000_000_000_000_000_000n, FLY)).toBe('−5 FLY');
    expect(formatAmount(5_000_000_000_000_000_000n, FLY, { signed: true })).toBe('+5 FLY');
    expect(formatAmount(0n, FLY, { signed: true })).toBe('0 FLY');
  });

  it('shows a token with fewer decimals than asked exactly', () => {
    expect(formatAmount('123456789', USD6, { maxFractionDigits: 8 })).toBe('123.456789 FAST');
  });

  it('refuses text that is not a base-unit amount (a bug upstream)', () => {
    expect(() => formatAmount('1.5', FLY)).toThrow(/not an amount in base units/);
  });
});

describe('parseAmount', () => {
  it.each([
    ['150', 18, 150n * 10n ** 18n],
    ['0.25', 18, 25n * 10n ** 16n],
    ['1,000.5', 6, 1_000_500_000n],
    ['.5', 6, 500_000n],
    ['7.', 6, 7_000_000n],
    ['  3  ', 0, 3n],
  ])('reads %j with %i decimals', (text, decimals, value) => {
    expect(parseAmount(text, decimals)).toEqual({ ok: true, value });
  });

  it('refuses more decimals than the token has instead of rounding them away', () => {
    const r = parseAmount('0.0000001', 6);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/6 decimals/);
  });

  it.each(['', 'abc', '1.2.3', '-5', '1e18', '.'])('refuses %j', (text) => {
    expect(parseAmount(text, 18).ok).toBe(false);
  });

  it('round-trips with formatUnits', () => {
    const value = 123_456_789_012_345_678_901n;
    const parsed = parseAmount(formatUnits(value, 18), 18);
    expect(parsed).toEqual({ ok: true, value });
  });
});

describe('arithmetic', () => {
  it('sums exactly in bigint', () => {
    expect(sumAmounts(['100000000000000000001', '1', 2n])).toBe(100_000_000_000_000_000_004n);
  });

  it('gives shares for bar widths, clamped to 0..1, zero for an empty whole', () => {
    expect(shareOf('25', '100')).toBe(0.25);
    expect(shareOf('1', '3')).toBe(0.3333);
    expect(shareOf('5', '0')).toBe(0);
    expect(shareOf('200', '100')).toBe(1);
  });

  it('scales per hour to per day without floats', () => {
    expect(scaleAmount('14250000000000000000', 24n)).toBe(342_000_000_000_000_000_000n);
    expect(scaleAmount('10', 1n, 3n)).toBe(3n);
  });

  it('compares like a sort comparator', () => {
    expect(['3', '10', '2'].sort(compareAmounts)).toEqual(['2', '3', '10']);
  });

  it('turns amounts into whole-token floats for chart axes only', () => {
    expect(toChartNumber('1500000000000000000', 18)).toBe(1.5);
    expect(toChartNumber('350000', 6)).toBe(0.35);
  });
});
