import type { Address } from 'viem';
import { assign } from '../chain/actions/assign';
import { readJob } from '../chain/actions/readJob';
import type { ChainService } from '../chain/chainService';
import type { Logger } from '../log';

interface Pending {
  economy: Address;
  jobId: bigint;
  /**
   * Draws in a row that kept nobody (or failed): a job nobody can take is dropped after a few, so that its draw
   * block stops moving and its requester can cancel it (a re-open or a catch-up queues it again).
   */
  tries: number;
  /** Unix ms before which it is not tried again (backoff after a missed or failed draw). */
  notBefore: number;
}

const MAX_TRIES = 8;

/**
 * Draws providers for posted jobs as soon as the chain allows (README "The draw": providers' nodes call `assign`
 * from the next block, which keeps the caller's choice of block small). Jobs come from `JobPosted` and from
 * declines and timeouts that re-open a draw; each head tries the queue. A job someone else already drew is
 * recognised before anything is signed. A draw that keeps nobody (every provider full, or the one drawn left after
 * the seed) lands as `DrawMissed` and re-seeds the job: it stays queued and is tried again from a later block, with
 * a growing wait, since the providers that could take it are busy for a while.
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
    if (!this.#queue.has(key)) this.#queue.set(key, { economy, jobId, tries: 0, notBefore: 0 });
  }

  drop(economy: Address, jobId: bigint): void {
    this.#queue.delete(`${economy}:${jobId}`);
  }

  get size(): number {
    return this.#queue.size;
  }

  /** Unix ms of the earliest queued job's next try (null: nothing queued). */
  nextDue(): number | null {
    let next: number | null = null;
    for (const p of this.#queue.values()) if (next === null || p.notBefore < next) next = p.notBefore;
    return next;
  }

  /** Tries every queued job once (called on each new head); at most one round at a time. */
  async tick(serving: ReadonlySet<string>): Promise<void> {
    if (this.#running || this.#queue.size === 0) return;
    this.#running = true;
    try {
      const client = await this.#chain.actionClient().catch(() => null);
      if (!client) return;
      await Promise.all(
        [...this.#queue.entries()]
          .filter(([, p]) => p.notBefore <= Date.now())
          .slice(0, 16)
          .map(async ([key, p]) => {
            if (!serving.has(p.economy.toLowerCase())) return void this.#queue.delete(key);
            const again = (why: string) => {
              p.notBefore = Date.now() + Math.min(500 * 2 ** p.tries, 30_000);
              if (++p.tries >= MAX_TRIES) this.#queue.delete(key);
              this.#log.debug('no provider drawn yet', { economy: p.economy, jobId: String(p.jobId), why });
            };
            try {
              const job = await readJob(client, { economy: p.economy, jobId: p.jobId });
              if (job.status !== 'Posted') return void this.#queue.delete(key);
              // The draw block may be the head: the transaction lands in a later block (DrawNotReady otherwise,
              // caught in simulation before anything is signed).
              const drawn = await assign(client, {
                economy: p.economy,
                jobId: p.jobId,
                drawBlock: job.drawBlock,
              });
              if (drawn.outcome === 'assigned') this.#queue.delete(key);
              else if (drawn.outcome === 'missed') again('the draw kept nobody; re-seeded');
              // 'none': drawn or re-seeded by someone else meanwhile; the next round reads which.
            } catch (err) {
              again((err as Error).message.split('\n')[0]!);
            }
          }),
      );
    } finally {
      this.#running = false;
    }
  }
}
