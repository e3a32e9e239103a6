import type { Address } from 'viem';
import { assign } from '../chain/actions/assign';
import { readEconomyStats } from '../chain/actions/readEconomyStats';
import { readJob } from '../chain/actions/readJob';
import { readProvider } from '../chain/actions/readProvider';
import type { ActionClient } from '../chain/actions/send';
import type { ChainService } from '../chain/service';
import type { Logger } from '../log';

interface Pending {
  economy: Address;
  jobId: bigint;
  /** Tries so far: a job nobody can take is dropped after a few (a re-open queues it again). */
  tries: number;
  /** Unix ms before which it is not tried again (backoff after NoEligibleProvider). */
  notBefore: number;
}

const MAX_TRIES = 8;

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

  /**
   * A draw that can never succeed: this provider is the economy's only active one and its weight rose after the
   * job's draw block (a release, a resume), which excludes it from that job for good (README "The draw").
   */
  async #hopeless(p: Pending, client: ActionClient): Promise<boolean> {
    try {
      const [job, me, stats] = await Promise.all([
        readJob(client, { economy: p.economy, jobId: p.jobId }),
        readProvider(client, { economy: p.economy, account: client.tx.address }),
        readEconomyStats(client, { economy: p.economy }),
      ]);
      return job.status === 'Posted' && stats.activeProviders <= 1n && me.lastIncreaseBlock > job.drawBlock;
    } catch {
      return false;
    }
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
            try {
              const job = await readJob(client, { economy: p.economy, jobId: p.jobId });
              if (job.status !== 'Posted') return void this.#queue.delete(key);
              // The draw block may be the head: the transaction lands in a later block (DrawNotReady otherwise,
              // caught in simulation before anything is signed).
              await assign(client, { economy: p.economy, jobId: p.jobId, drawBlock: job.drawBlock });
              this.#queue.delete(key);
            } catch (err) {
              p.notBefore = Date.now() + Math.min(500 * 2 ** p.tries, 30_000);
              if (++p.tries >= MAX_TRIES || (await this.#hopeless(p, client))) this.#queue.delete(key);
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
