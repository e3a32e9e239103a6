import type { Address } from 'viem';
import { finalize } from '../chain/actions/finalize';
import { readJob } from '../chain/actions/readJob';
import type { ChainJobStatus } from '../chain/enums';
import type { ChainService } from '../chain/chainService';
import type { Logger } from '../log';

/**
 * Finalizes this provider's results once their challenge window has passed (anyone may; the provider is the one
 * who wants its pay, so its node does not wait for others). A job someone else finalized first is recognised
 * before anything is signed.
 */
export class Finalizer {
  readonly #chain: ChainService;
  readonly #log: Logger;
  /** key → chain time (unix s) from which the job can be finalized. */
  readonly #due = new Map<string, { economy: Address; jobId: bigint; at: number; tries: number }>();
  #running = false;

  readonly #settled: (economy: Address, jobId: bigint, status: ChainJobStatus) => void;

  /** `settled` hears of each watched job that is no longer waiting for a finalize (Finalized, Rejected, …). */
  constructor(
    chain: ChainService,
    log: Logger,
    settled: (economy: Address, jobId: bigint, status: ChainJobStatus) => void,
  ) {
    this.#chain = chain;
    this.#log = log;
    this.#settled = settled;
  }

  /** Watches a submitted job; `at` is when its challenge window ends (read from the chain when left out). */
  watch(economy: Address, jobId: bigint, at?: number): void {
    this.#due.set(`${economy}:${jobId}`, { economy, jobId, at: at ?? 0, tries: 0 });
  }

  forget(economy: Address, jobId: bigint): void {
    this.#due.delete(`${economy}:${jobId}`);
  }

  get size(): number {
    return this.#due.size;
  }

  /** Chain time (unix s) of the earliest watched job's next try; null when none is watched. */
  nextDue(): number | null {
    let next: number | null = null;
    for (const d of this.#due.values()) if (next === null || d.at < next) next = d.at;
    return next;
  }

  /** Finalizes what is due; resolves when this round is done (a round already running is not doubled). */
  async tick(): Promise<void> {
    if (this.#running || this.#due.size === 0) return;
    this.#running = true;
    try {
      const now = this.#chain.now();
      const ready = [...this.#due.entries()].filter(([, d]) => d.at <= now).slice(0, 16);
      if (!ready.length) return;
      const client = await this.#chain.actionClient().catch(() => null);
      if (!client) return;
      await Promise.all(
        ready.map(async ([key, d]) => {
          try {
            const job = await readJob(client, { economy: d.economy, jobId: d.jobId });
            if (job.status !== 'Submitted') {
              // Finalized by someone else, challenged (Voting: resolved by validators) or gone: nothing to do here.
              if (job.status === 'Voting') d.at = now + 30;
              else {
                this.#due.delete(key);
                this.#settled(d.economy, d.jobId, job.status);
              }
              return;
            }
            if (job.challengeWindowEndsAt + 0.5 > now) {
              d.at = job.challengeWindowEndsAt;
              return;
            }
            await finalize(client, { economy: d.economy, jobId: d.jobId });
            this.#due.delete(key);
            this.#settled(d.economy, d.jobId, 'Finalized');
          } catch (err) {
            d.tries++;
            d.at = now + Math.min(2 ** d.tries, 60);
            this.#log.debug('could not finalize yet', {
              economy: d.economy,
              jobId: String(d.jobId),
              error: (err as Error).message.split('\n')[0],
            });
          }
        }),
      );
    } finally {
      this.#running = false;
    }
  }
}
