import { describe, expect, it } from 'vitest';
import { pick, sampleGap, samplerIntervals } from '../../../src/main/engine/llama/sampling';

describe('the replayable sampler', () => {
  const distribution: [number, number][] = [
    [7, 0.5],
    [3, 0.3],
    [9, 0.2],
  ];

  it('lays the candidates in token-id order with weights p^(1/T), so a near-tie swapped elsewhere moves nothing', () => {
    const at1 = samplerIntervals(distribution, 1);
    expect(at1.map((iv) => iv.token)).toEqual([3, 7, 9]);
    expect(at1[0]!.end).toBeCloseTo(0.3);
    expect(at1[1]!.end).toBeCloseTo(0.8);
    expect(at1[2]!.end).toBe(1);
    const swapped = samplerIntervals(
      [
        [3, 0.3],
        [7, 0.5],
        [9, 0.2],
      ],
      1,
    );
    expect(swapped).toEqual(at1);
    // A low temperature sharpens towards the most likely token.
    const cold = samplerIntervals(distribution, 0.25);
    expect(cold[1]!.end - cold[1]!.start).toBeGreaterThan(0.85);
  });

  it('picks the interval a draw falls in, and measures how far a draw is from another token', () => {
    const iv = samplerIntervals(distribution, 1);
    expect(pick(iv, 0.1).token).toBe(3);
    expect(pick(iv, 0.5).token).toBe(7);
    expect(pick(iv, 0.99).token).toBe(9);
    expect(sampleGap(iv, 7, 0.5)).toBe(0);
    expect(sampleGap(iv, 9, 0.5)).toBeCloseTo(0.3);
    expect(sampleGap(iv, 3, 0.5)).toBeCloseTo(0.2);
    expect(sampleGap(iv, 42, 0.5)).toBe(1);
  });
});
