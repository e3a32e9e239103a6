import type { DriftReport } from '#shared/api/benchmark';
import { median } from '../engine/timing';

/** Live jobs slower than this × their prediction flag drift (thermal throttling, a busy GPU, a changed driver). */
export const DRIFT_LIMIT = 1.25;
const KEEP = 20;
const MIN_JOBS = 3;

/** Live run times against the benchmark's predictions: the median ratio over the last jobs. */
export class DriftTracker {
  readonly #ratios: number[] = [];

  record(predictedMs: number, actualMs: number): void {
    if (!(predictedMs > 0) || !(actualMs >= 0)) return;
    this.#ratios.push(actualMs / predictedMs);
    if (this.#ratios.length > KEEP) this.#ratios.shift();
  }

  /**
   * What to stretch a prediction by before betting a deadline on it: the median ratio once three jobs have run,
   * never below 1. On a machine whose speed wanders (a shared VM, a GPU that throttles) the benchmark's figure is
   * its speed at its best, and live runs take longer.
   */
  stretch(): number {
    if (this.#ratios.length < MIN_JOBS) return 1;
    return Math.max(1, median(this.#ratios));
  }

  reset(): void {
    this.#ratios.length = 0;
  }

  report(): DriftReport | null {
    if (!this.#ratios.length) return null;
    const ratio = Math.round(median(this.#ratios) * 100) / 100;
    const jobs = this.#ratios.length;
    const flagged = jobs >= MIN_JOBS && ratio > DRIFT_LIMIT;
    const pct = Math.round(Math.abs(ratio - 1) * 100);
    const message = flagged
      ? `Live jobs run ${pct} % slower than the benchmark predicted: run the benchmark again (is the GPU throttling or busy?).`
      : jobs < MIN_JOBS
        ? `${jobs} live job(s) measured; drift is judged from ${MIN_JOBS}.`
        : `Live jobs run as the benchmark predicted (${ratio >= 1 ? `${pct} % slower` : `${pct} % faster`}).`;
    return { flagged, ratio, jobs, message };
  }
}
