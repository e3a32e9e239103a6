import { describe, expect, it } from 'vitest';
import {
  chanceOfAnyMiss,
  collateralPerJob,
  dailyRisk,
  formatPercent,
  oneIn,
  riskLevel,
} from '../../../src/renderer/src/lib/risk';
import { estimates, FORK_FAST, FORK_OCR, genesis, GENESIS, units } from '../fixtures';

describe('collateralPerJob', () => {
  it('is twice the fee when that is above the floor (DESIGN: max(2 × fee, 5 tokens))', () => {
    expect(collateralPerJob(genesis.params, units('4'))).toBe(BigInt(units('8')));
  });

  it('is the floor for small fees', () => {
    expect(collateralPerJob(genesis.params, units('2.5'))).toBe(BigInt(units('5')));
    expect(collateralPerJob(genesis.params, '0')).toBe(BigInt(units('5')));
  });
});

describe('chanceOfAnyMiss', () => {
  it('is 1 − (1 − p)^n', () => {
    expect(chanceOfAnyMiss(0.5, 2)).toBeCloseTo(0.75, 12);
    expect(chanceOfAnyMiss(0.004, 144)).toBeCloseTo(1 - 0.996 ** 144, 12);
  });

  it('keeps precision for tiny probabilities', () => {
    expect(chanceOfAnyMiss(1e-12, 1)).toBeCloseTo(1e-12, 20);
  });

  it('handles the edges', () => {
    expect(chanceOfAnyMiss(0, 100)).toBe(0);
    expect(chanceOfAnyMiss(0.1, 0)).toBe(0);
    expect(chanceOfAnyMiss(1, 3)).toBe(1);
    expect(chanceOfAnyMiss(Number.NaN, 3)).toBe(0);
  });
});

describe('dailyRisk', () => {
  it('works out a day on the genesis economy: low risk', () => {
    const r = dailyRisk(estimates[GENESIS]!);
    expect(r.jobsPerDay).toBe(144);
    expect(r.earningsPerDay).toBe(BigInt(units('342')));
    expect(r.slashPerDay).toBe(BigInt(units('2.88')));
    expect(r.netPerDay).toBe(BigInt(units('339.12')));
    expect(r.slashShare).toBeCloseTo(0.0084, 4);
    expect(r.anyMissPerDay).toBeCloseTo(0.439, 3);
    expect(r.level).toBe('low');
  });

  it('calls a fork moderate when slashes take over a tenth of the earnings', () => {
    const r = dailyRisk(estimates[FORK_OCR]!);
    expect(r.earningsPerDay).toBe(BigInt(units('372.48')));
    expect(r.slashShare).toBeCloseTo(0.1546, 4);
    expect(r.level).toBe('moderate');
  });

  it('calls a fork high when one job in seven misses, in its 6-decimal token', () => {
    const r = dailyRisk(estimates[FORK_FAST]!);
    expect(r.earningsPerDay).toBe(33_600_000n);
    expect(r.netPerDay).toBe(3_600_000n);
    expect(r.level).toBe('high');
  });

  it('goes negative when slashes outweigh earnings, and is high with nothing earned', () => {
    const r = dailyRisk({ ...estimates[GENESIS]!, expectedEarningsPerHour: '0', expectedSlashPerDay: '10' });
    expect(r.netPerDay).toBe(-10n);
    expect(r.slashShare).toBe(Infinity);
    expect(r.level).toBe('high');
  });
});

describe('riskLevel', () => {
  it.each([
    [0, 0, 'low'],
    [0.019, 0.099, 'low'],
    [0.02, 0, 'moderate'],
    [0, 0.1, 'moderate'],
    [0.1, 0, 'high'],
    [0, 0.5, 'high'],
  ] as const)('p=%f, slash share=%f is %s', (p, share, level) => {
    expect(riskLevel(p, share)).toBe(level);
  });
});

describe('wording', () => {
  it.each([
    [0, '0 %'],
    [0.0004, '< 0.1 %'],
    [0.004, '0.4 %'],
    [0.03, '3 %'],
    [0.1546, '15 %'],
    [0.9995, '> 99.9 %'],
    [1, '100 %'],
  ])('formatPercent(%f) is %s', (p, text) => {
    expect(formatPercent(p)).toBe(text);
  });

  it('turns a per-job probability into "1 job in N"', () => {
    expect(oneIn(0.004)).toBe('about 1 job in 250');
    expect(oneIn(0.0001)).toBe('about 1 job in 10,000');
    expect(oneIn(0)).toBeNull();
    expect(oneIn(1)).toBe('every job');
  });
});
