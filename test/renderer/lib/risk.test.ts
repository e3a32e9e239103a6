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
  it('is twice the fee when that is above the floor (the suggested parameters: max(2 × fee, 5 tokens))', () => {
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
    const r = dailyRisk({
      ...estimates[GENESIS]!,
      feesOverHorizon: { low: '0', expected: '0', high: '0' },
      expectedSlashPerDay: '10',
    });
    expect(r.netPerDay).toBe(-10n);
    expect(r.slashShare).toBe(Infinity);
    expect(r.level).toBe('high');
  });
});

describe('riskLevel', () => {
  const calm = {
    missProbability: 0,
    anyMissPerDay: 0,
    missesPerDay: 0,
    slashShare: 0,
    netPerDay: 1n,
    jailStrikes: 3,
  };
  it.each([
    [{}, 'low'],
    [{ missProbability: 0.019, slashShare: 0.099, anyMissPerDay: 0.49 }, 'low'],
    [{ missProbability: 0.02 }, 'moderate'],
    [{ slashShare: 0.1 }, 'moderate'],
    [{ anyMissPerDay: 0.5 }, 'moderate'],
    [{ missProbability: 0.1 }, 'high'],
    [{ slashShare: 0.5 }, 'high'],
    [{ netPerDay: -1n }, 'high'],
    [{ missesPerDay: 3 }, 'high'],
  ] as const)('%o is %s', (change, level) => {
    expect(riskLevel({ ...calm, ...change }).level).toBe(level);
  });
});

describe('the verdict never contradicts the figures beside it', () => {
  const base = estimates[GENESIS]!;
  const grid = {
    p: [0, 0.0005, 0.004, 0.019, 0.02, 0.05, 0.099, 0.1, 0.3, 1],
    jobsPerHour: [0, 0.05, 0.5, 2, 6, 40, 500],
    feesPerDay: [0n, 10n ** 15n, 10n ** 18n, 300n * 10n ** 18n],
    emissionPerDay: [0n, 10n ** 18n, 600_000n * 10n ** 18n],
    slashPerDay: [0n, 10n ** 16n, 5n * 10n ** 18n, 1_000n * 10n ** 18n],
    speed: ['jobs', 'benchmark', 'assumed'] as const,
  };
  const cases: [number, number, bigint, bigint, bigint, (typeof grid.speed)[number]][] = [];
  for (const p of grid.p)
    for (const j of grid.jobsPerHour)
      for (const f of grid.feesPerDay)
        for (const e of grid.emissionPerDay)
          for (const sl of grid.slashPerDay) for (const sp of grid.speed) cases.push([p, j, f, e, sl, sp]);

  it(`holds over ${10 * 7 * 4 * 3 * 4 * 3} combinations`, () => {
    for (const [p, jobsPerHour, fees, emission, slash, speed] of cases) {
      const est = {
        ...base,
        deadlineMissProbability: p,
        expectedJobsPerHour: jobsPerHour,
        feesOverHorizon: { low: '0', expected: fees.toString(), high: (fees * 2n).toString() },
        emissionOverHorizon: { low: '0', expected: emission.toString(), high: emission.toString() },
        expectedSlashPerDay: slash.toString(),
        speedSource: speed,
      };
      const r = dailyRisk(est, { jailStrikes: 3 });
      const label = JSON.stringify({
        p,
        jobsPerHour,
        fees: String(fees),
        emission: String(emission),
        slash: String(slash),
      });
      // The figures shown: net is fees + new tokens − slashes; misses are jobs × p.
      expect(r.netPerDay, label).toBe(fees + emission - slash);
      expect(r.missesPerDay, label).toBeCloseTo(jobsPerHour * 24 * p, 9);
      if (r.level === 'low') {
        // "low" never stands next to a likely daily miss, a loss, a jail, or a miss chance of 2 % or more.
        expect(r.anyMissPerDay, label).toBeLessThan(0.5);
        expect(p, label).toBeLessThan(0.02);
        expect(r.netPerDay >= 0n, label).toBe(true);
        expect(r.slashShare, label).toBeLessThan(0.1);
        expect(r.missesPerDay, label).toBeLessThan(3);
        // It quotes the same figure the panel shows.
        expect(r.verdict, label).toContain(`(${formatPercent(r.anyMissPerDay)})`);
      } else {
        expect(r.verdict, label).not.toMatch(/unlikely/);
      }
      if (r.anyMissPerDay >= 0.5 || p >= 0.02) expect(r.level, label).not.toBe('low');
      if (r.netPerDay < 0n || p >= 0.1 || r.missesPerDay >= 3) {
        expect(r.level, label).toBe('high');
      }
      if (r.netPerDay < 0n) expect(r.verdict, label).toContain('exceed what it earns');
      // "measured" only when something was measured.
      if (speed === 'assumed') {
        expect(r.verdict, label).toMatch(/^At an assumed speed \(no benchmark has run yet/);
      } else {
        expect(r.verdict, label).not.toMatch(/assumed/);
      }
    }
  });

  it('calls the issue’s case what it is: a 100 % daily miss chance on a tiny bond is not low risk', () => {
    const r = dailyRisk(
      {
        ...base,
        deadlineMissProbability: 0.05,
        expectedJobsPerHour: 187,
        feesOverHorizon: { low: '0', expected: '0', high: '0' },
        emissionOverHorizon: {
          low: '0',
          expected: (597_120n * 10n ** 18n).toString(),
          high: (597_120n * 10n ** 18n).toString(),
        },
        expectedSlashPerDay: (5n * 10n ** 18n).toString(),
        speedSource: 'assumed',
      },
      { jailStrikes: 3 },
    );
    expect(formatPercent(r.anyMissPerDay)).toBe('100 %');
    expect(r.level).toBe('high');
    expect(r.verdict).toContain('missed deadlines a day would jail it (3 strikes jail)');
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
