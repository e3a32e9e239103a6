import { describe, expect, it } from 'vitest';
import { timeTicks } from '../../../src/renderer/src/lib/timeTicks';

const T = 1_796_410_000;

describe('timeTicks', () => {
  it.each([0, 3, 8, 45, 90, 400, 3_000, 7_200, 40_000, 86_400, 3 * 86_400, 20 * 86_400, 90 * 86_400])(
    'a span of %i s gets at most 6 ticks inside it, each with its own label',
    (span) => {
      const { ticks, format } = timeTicks(T, T + span);
      expect(ticks.length).toBeGreaterThanOrEqual(1);
      expect(ticks.length).toBeLessThanOrEqual(6);
      for (const t of ticks) {
        expect(t).toBeGreaterThanOrEqual(span === 0 ? T : T);
        expect(t).toBeLessThanOrEqual(T + span);
      }
      const labels = ticks.map(format);
      expect(new Set(labels).size).toBe(labels.length);
      if (span >= 10) expect(ticks.length).toBeGreaterThanOrEqual(2);
    },
  );

  it('labels events seconds apart to the second, and days by date', () => {
    const seconds = timeTicks(T, T + 20);
    expect(seconds.stepS).toBeLessThan(60);
    expect(seconds.format(T)).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    const days = timeTicks(T, T + 10 * 86_400);
    expect(days.stepS).toBeGreaterThanOrEqual(86_400);
    expect(days.format(T)).not.toMatch(/:/);
  });
});
