/**
 * Which results a validator re-runs, and when it may: a random sample biased toward providers this node has checked
 * less (a provider checked often is known; one never checked is where a cheat would hide), never a job of its own
 * wallet's, and a budget of re-runs per hour and of engine time.
 */
import type { Address } from 'viem';
import type { ValidatorConfig } from '#shared/api/validator';

export interface Candidate {
  provider: Address;
  requester: Address;
}

/**
 * The chance of re-running one result: `sampleRate` for a provider checked as often as the average one, more for
 * one checked less, less for one checked more (× (1 + average) / (1 + its checks)), never above 1. 0 for a job of
 * the node's own wallet (as provider or requester: it may not vote on those, and checking itself proves nothing).
 */
export function pickChance(
  c: Candidate,
  me: Address,
  sampleRate: number,
  checksByProvider: ReadonlyMap<string, number>,
): number {
  const mine = (a: string) => a.toLowerCase() === me.toLowerCase();
  if (mine(c.provider) || mine(c.requester)) return 0;
  if (sampleRate <= 0) return 0;
  const counts = [...checksByProvider.values()];
  const average = counts.length ? counts.reduce((s, n) => s + n, 0) / counts.length : 0;
  const own = checksByProvider.get(c.provider.toLowerCase()) ?? 0;
  return Math.min(1, (sampleRate * (1 + average)) / (1 + own));
}

/** A re-run the budget allows now, or why not (and when it may). */
export type BudgetAnswer = { ok: true } | { ok: false; reason: string; retryAtMs: number | null };

/**
 * The validator's budget: at most `jobsPerHour` re-runs in any hour, and re-runs taking at most
 * `maxEngineSharePct` of the engine's time — after a re-run of r ms the next waits r × (100 − share) / share ms.
 */
export class RerunBudget {
  readonly #runs: { at: number; ms: number }[] = [];
  #restUntil = 0;

  constructor(
    private readonly config: () => ValidatorConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a re-run may start now. */
  allows(): BudgetAnswer {
    const now = this.now();
    this.#prune(now);
    const { jobsPerHour } = this.config();
    if (this.#runs.length >= jobsPerHour) {
      return {
        ok: false,
        reason: `over the budget: ${this.#runs.length} re-runs in the last hour (limit ${jobsPerHour})`,
        retryAtMs: jobsPerHour > 0 ? this.#runs[0]!.at + 3_600_000 : null,
      };
    }
    if (now < this.#restUntil) {
      return {
        ok: false,
        reason: `over the budget: re-runs may take ${this.config().maxEngineSharePct} % of the engine`,
        retryAtMs: this.#restUntil,
      };
    }
    return { ok: true };
  }

  /** Records a re-run that took `ms` of engine time, ending now. */
  spent(ms: number): void {
    const now = this.now();
    this.#runs.push({ at: now, ms });
    const pct = Math.min(100, Math.max(1, this.config().maxEngineSharePct));
    this.#restUntil = now + (ms * (100 - pct)) / pct;
  }

  /** Re-runs in the last hour. */
  lastHour(): number {
    this.#prune(this.now());
    return this.#runs.length;
  }

  /** Share of the engine's time re-runs took in the last hour (or since the first one, when sooner), percent. */
  sharePct(): number {
    const now = this.now();
    this.#prune(now);
    if (!this.#runs.length) return 0;
    const busy = this.#runs.reduce((s, r) => s + r.ms, 0);
    const span = Math.max(now - this.#runs[0]!.at + this.#runs[0]!.ms, 60_000);
    return Math.min(100, (busy / span) * 100);
  }

  #prune(now: number): void {
    while (this.#runs.length && this.#runs[0]!.at < now - 3_600_000) this.#runs.shift();
  }
}
