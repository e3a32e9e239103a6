/**
 * How timed runs become one benchmark figure, shared by the suite (the loop runs inside the engine worker) and the
 * bare-library baselines of `npm run bench`, so both are judged alike.
 *
 * Runs are grouped in repeats of about the same length, each summed up by its median run: one run the OS preempted
 * does not move it. The figure is the fastest window of `k` consecutive repeats that agree within `targetCv`. A
 * window merely agreeing is not enough: on a shared machine a core can be lent elsewhere for a second or two, every
 * run then takes up to twice as long, and those repeats agree with each other too. So the loop stops on a window only
 * when it is also within `5 × targetCv` of the fastest repeat seen, and the figure picks the fastest agreeing window
 * rather than the last.
 */
export interface TimedWindow {
  /** The window's median of repeat medians, in ms per run. */
  ms: number;
  /** The spread of its repeat medians, in percent. */
  cvPct: number;
  /** Whether its repeats agree within the target. */
  settled: boolean;
  /** Index of its first repeat. */
  start: number;
}

export function repeatMedians(runs: readonly (readonly number[])[]): number[] {
  return runs.map((r) => median(r));
}

/** The fastest window of `k` repeats that agree within `targetCv`; if none do, the fastest window of all. */
export function fastestWindow(
  runs: readonly (readonly number[])[],
  k: number,
  targetCv: number,
): TimedWindow {
  if (!runs.length) throw new Error('no repeats were timed');
  const values = repeatMedians(runs);
  const size = Math.min(k, values.length);
  let best: TimedWindow | null = null;
  for (let start = 0; start + size <= values.length; start++) {
    const window = values.slice(start, start + size);
    const spread = cvPct(window);
    const candidate = { ms: median(window), cvPct: spread, start, settled: spread <= targetCv * 100 };
    if (
      !best ||
      (candidate.settled && !best.settled) ||
      (candidate.settled === best.settled && candidate.ms < best.ms)
    ) {
      best = candidate;
    }
  }
  return best!;
}

/** Whether a timing loop may stop: its last `k` repeats agree, and are not a slow spell (see the module comment). */
export function timingSettled(runs: readonly (readonly number[])[], k: number, targetCv: number): boolean {
  if (runs.length < k) return false;
  const values = repeatMedians(runs);
  const window = values.slice(-k);
  return cvPct(window) <= targetCv * 100 && median(window) <= Math.min(...values) * (1 + 5 * targetCv);
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Coefficient of variation (population), in percent. */
export function cvPct(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return mean > 0 ? (100 * sd) / mean : 0;
}
