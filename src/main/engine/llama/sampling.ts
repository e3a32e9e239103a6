/**
 * The sampler of text-generation jobs with a temperature, written so a validator can replay it: at each step the
 * SAMPLE_TOP_K most likely tokens of the model's distribution get weights p^(1/T), normalised, laid end to end on
 * [0, 1) in order of token id, and the job's seeded generator (mulberry32, one draw per token) picks the interval
 * its draw falls in. Token-id order, not likelihood order: two near-tied tokens that other hardware ranks the
 * other way round keep their places, so only the weights' small differences move the boundaries. A validator with the same distribution up to hardware differences, the same seed and the same
 * draws finds the claimed token's interval at or next to its draw (`sampleGap`); a token the seed would not have
 * picked is far from it.
 */
import { SAMPLE_TOP_K } from './format';

export interface Interval {
  token: number;
  start: number;
  end: number;
}

/** The sampler's intervals for a distribution listed most likely first ([token, probability] pairs). */
export function samplerIntervals(distribution: Iterable<[number, number]>, temperature: number): Interval[] {
  const top: [number, number][] = [];
  for (const entry of distribution) {
    if (top.length === SAMPLE_TOP_K) break;
    top.push(entry);
  }
  if (!top.length) return [];
  const best = Math.log(top[0]![1]);
  top.sort((a, b) => a[0] - b[0]);
  const weights = top.map(([, p]) => Math.exp((Math.log(p) - best) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let at = 0;
  return top.map(([token], i) => {
    const start = at;
    at += weights[i]! / total;
    return { token, start, end: i === top.length - 1 ? 1 : at };
  });
}

/** The interval a draw in [0, 1) falls in. */
export function pick(intervals: readonly Interval[], u: number): Interval {
  return intervals.find((iv) => u < iv.end) ?? intervals[intervals.length - 1]!;
}

/**
 * How far (in probability mass) a draw is from a token's interval: 0 when inside, 1 when the token is not among
 * the sampler's candidates at all.
 */
export function sampleGap(intervals: readonly Interval[], token: number, u: number): number {
  const iv = intervals.find((x) => x.token === token);
  if (!iv) return 1;
  return u < iv.start ? iv.start - u : u >= iv.end ? u - iv.end : 0;
}
