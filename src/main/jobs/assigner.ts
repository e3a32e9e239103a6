import type { Address } from 'viem';
import { assign } from '../chain/actions/assign';
import { readJob } from '../chain/actions/readJob';
import type { ChainService } from '../chain/service';
import type { Logger } from '../log';

interface Pending {
  economy: Address;
  jobId: bigint;
  /** Heads tried so far (a job nobody can take is dropped after a while; a re-open queues it again). */
  tries: number;
}

/**
 * Draws providers for posted jobs as soon as the chain allows (README "The draw": providers' nodes call `assign`
 * from the next block, which keeps the caller's choice of block small). Jobs come from `JobPosted` and from
 * declines and timeouts that re-open a draw; each head tries the queue. A job someone else already drew is
 * recognised before anything is signed; `NoEligibleProvider` keeps it queued for the next block.
 */
export class Assigner {
  readonly #chain: ChainService;
  readonly #log: Logger;
  readonly #queue = new Map<string, Pending>();
  #running = false;

  constructor(chain: ChainService, log: Logger) {
    this.#chain = chain;
    this.#log = log;
  }

  add(economy: Address, jobId: bigint): void {
    const key = `${economy}:${jobId}`;
    if (!this.#queue.has(key)) this.#queue.set(key, { economy, jobId, tries: 0 });
  }

  drop(economy: Address, jobId: bigint): void {
    this.#queue.delete(`${economy}:${jobId}`);
  }

  get size(): number {
    return this.#queue.size;
  }

  /** Tries every queued job once (called on each new head); at most one round at a time. */
  async tick(serving: ReadonlySet<string>): Promise<void> {
    if (this.#running || this.#queue.size === 0) return;
    this.#running = true;
    try {
      const client = await this.#chain.actionClient().catch(() => null);
      if (!client) return;
      await Promise.all(
        [...this.#queue.entries()].slice(0, 16).map(async ([key, p]) => {
          if (!serving.has(p.economy.toLowerCase())) return void this.#queue.delete(key);
          try {
            const job = await readJob(client, { economy: p.economy, jobId: p.jobId });
            if (job.status !== 'Posted') return void this.#queue.delete(key);
            const head = this.#chain.head()?.number ?? 0n;
            if (head <= job.drawBlock) return; // the draw block's hash is not known yet
            await assign(client, { economy: p.economy, jobId: p.jobId, drawBlock: job.drawBlock });
            this.#queue.delete(key);
          } catch (err) {
            if (++p.tries >= 30) this.#queue.delete(key);
            this.#log.debug('could not draw a provider yet', {
              economy: p.economy,
              jobId: String(p.jobId),
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
