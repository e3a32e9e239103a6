import { describe, expect, it } from 'vitest';
import { fastestWindow, timingSettled } from '../../../src/main/engine/timing';

/** A repeat of `n` runs of `ms` each, with optional stragglers. */
const repeat = (ms: number, n = 9, ...stragglers: number[]) => [
  ...Array(n - stragglers.length).fill(ms),
  ...stragglers,
];

describe('benchmark timing', () => {
  it('sums a repeat up by its median run, so one preempted run does not move it', () => {
    const runs = [repeat(16), repeat(16, 9, 40), repeat(16, 9, 35)];
    expect(fastestWindow(runs, 3, 0.02)).toMatchObject({ ms: 16, cvPct: 0, settled: true, start: 0 });
  });

  it('does not stop on a slow spell that agrees with itself, and picks the fast window over it', () => {
    // A core lent elsewhere: every run takes about twice as long, and those repeats agree too.
    const runs = [repeat(16), repeat(16.2), repeat(30), repeat(29.8), repeat(30.1)];
    expect(timingSettled(runs, 3, 0.02)).toBe(false);
    const recovered = [...runs, repeat(16.1), repeat(16), repeat(16.2)];
    expect(timingSettled(recovered, 3, 0.02)).toBe(true);
    const window = fastestWindow(runs, 3, 0.02);
    expect(window.settled).toBe(true);
    expect(window.ms).toBeCloseTo(30, 0);
    // Once the fast runs come back, their window is the figure, not the slow one that settled first.
    expect(fastestWindow(recovered, 3, 0.02)).toMatchObject({ ms: 16.1, settled: true, start: 5 });
  });

  it('stops as soon as the repeats agree on a steady machine', () => {
    expect(timingSettled([repeat(16), repeat(16.1)], 3, 0.02)).toBe(false);
    expect(timingSettled([repeat(16), repeat(16.1), repeat(15.9)], 3, 0.02)).toBe(true);
  });

  it('falls back to the fastest window, with its spread, when no window agrees', () => {
    const runs = [repeat(14), repeat(20), repeat(12), repeat(25), repeat(11)];
    const window = fastestWindow(runs, 3, 0.02);
    expect(window.settled).toBe(false);
    expect(window.start).toBe(2);
    expect(window.ms).toBe(12);
    expect(window.cvPct).toBeGreaterThan(2);
  });

  it('uses every repeat when there are fewer than asked for (a slow model hit the time cap)', () => {
    expect(fastestWindow([repeat(400, 1)], 3, 0.02)).toMatchObject({ ms: 400, start: 0 });
    expect(() => fastestWindow([], 3, 0.02)).toThrow(/no repeats/);
  });
});
