/**
 * The demo requester: posts a steady mix of real jobs in each devnet economy — OCR lines, speech clips, detection,
 * fine-tune datasets — at that economy's pace (a few seconds apart, jittered), and asks for the draw right after
 * each post. It holds back while an economy already has a backlog of unfinished jobs, so a market nobody serves
 * does not pile up, and cancels its own posts that nobody could be drawn for once the contract lets it, so their fees
 * come back and they stop counting as backlog.
 */
import type { Address, Hash } from 'viem';
import { approveToken } from '../../chain/actions/approveToken';
import { assign } from '../../chain/actions/assign';
import { cancelJob } from '../../chain/actions/cancelJob';
import { postJob } from '../../chain/actions/postJob';
import type { ActionClient } from '../../chain/actions/send';
import { economyAbi } from '../../chain/artifacts';
import type { Logger } from '../../log';
import type { BookEconomy, BookModel } from '../book';
import type { BoardJob } from './board';
import type { DevnetEconomySpec } from '../economies';
import type { JobInfo } from './jobInfo';
import type { MarketBlobs } from './references';
import type { MarketStore } from './state';
import { pickWorkload, type Workload } from './workloads';

/**
 * An economy with this many jobs waiting for a provider, or this many not final yet, gets no new post until some
 * move on: a market nobody serves does not pile up.
 */
const BACKLOG = { posted: 4, open: 16 };
/** Seconds from assignment to the deadline for the demo's jobs. */
export const DEMO_DEADLINE_S = 30;

export interface DemoRequesterOptions {
  requester: ActionClient;
  economies: readonly { book: BookEconomy; spec: DevnetEconomySpec }[];
  models: readonly BookModel[];
  workloads: readonly Workload[];
  blobs: MarketBlobs;
  store: MarketStore;
  jobInfo: JobInfo;
  /** An economy's jobs that are not final yet (from the board's last round). */
  openJobs: (economy: Address) => readonly BoardJob[];
  log: Logger;
  random?: () => number;
  /** Multiplies every economy's pace (tests post faster). */
  paceFactor?: number;
  /**
   * How long after a post the requester asks for the draw itself (default 1.5 s): providers' nodes draw first, as
   * the README's notes on the draw want, and two parties racing the same draw would waste one's gas.
   */
  assignDelayMs?: number;
}

export class DemoRequester {
  posted = 0;
  /** Own posts cancelled because nobody could be drawn for them (their fees came back). */
  cancelled = 0;
  readonly #timers = new Map<Address, NodeJS.Timeout>();
  readonly #inputs = new Map<string, { hash: Hash; uri: string }>();
  #closed = false;

  constructor(private readonly o: DemoRequesterOptions) {}

  /** Stores the inputs, approves each economy for fees, and starts posting. */
  async start(): Promise<void> {
    for (const w of this.o.workloads) this.#inputs.set(w.id, await this.o.blobs.put(w.input()));
    for (const { book } of this.o.economies) {
      await approveToken(this.o.requester, { token: book.token, spender: book.economy });
    }
    for (const e of this.o.economies) this.#schedule(e, 0.3 + (this.o.random ?? Math.random)());
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  #schedule(e: DemoRequesterOptions['economies'][number], seconds: number): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      void this.#post(e).finally(() => {
        const jitter = 0.75 + 0.5 * (this.o.random ?? Math.random)();
        this.#schedule(e, e.spec.postEveryS * jitter * (this.o.paceFactor ?? 1));
      });
    }, seconds * 1000);
    this.#timers.set(e.book.economy, timer);
  }

  /**
   * Cancels this requester's posts in `economy` that the contract lets it cancel (nobody drawn for 256 blocks, or 16
   * draws that kept nobody), so their fees come back, and says what is left to count as backlog: only jobs that can
   * still be drawn or are under way.
   */
  async tidy(economy: Address): Promise<{ posted: number; open: number; cancelled: number }> {
    const me = this.o.requester.tx.address.toLowerCase();
    const jobs = this.o.openJobs(economy);
    let cancelled = 0;
    let stuck = 0;
    for (const { jobId, job } of jobs) {
      if (job.status !== 'Posted' || job.requester.toLowerCase() !== me) continue;
      // The contract's own rule, asked by a call: misses are not in the job's view.
      const cancellable = await this.o.requester.publicClient
        .simulateContract({
          address: economy,
          abi: economyAbi,
          functionName: 'cancelJob',
          args: [jobId],
          account: this.o.requester.tx.address,
        })
        .then(
          () => true,
          () => false,
        );
      if (!cancellable) continue;
      stuck++;
      try {
        await cancelJob(this.o.requester, { economy, jobId });
        cancelled++;
        this.cancelled++;
        this.o.log.info('cancelled a post nobody could be drawn for; its fee came back', {
          economy,
          jobId: String(jobId),
        });
      } catch (err) {
        this.o.log.debug('could not cancel a stuck post yet', {
          jobId: String(jobId),
          error: (err as Error).message,
        });
      }
    }
    const posted = jobs.filter((j) => j.job.status === 'Posted').length - stuck;
    return { posted, open: jobs.length - stuck, cancelled };
  }

  /** Posts one job in `e` (unless it has a backlog) and asks for its draw. */
  async #post(e: DemoRequesterOptions['economies'][number]): Promise<void> {
    const backlog = await this.tidy(e.book.economy).catch((err: Error) => {
      this.o.log.debug('could not look at the backlog', { error: err.message });
      return null;
    });
    if (!backlog || backlog.posted >= BACKLOG.posted || backlog.open >= BACKLOG.open) return;
    const random = this.o.random ?? Math.random;
    const workload = pickWorkload(this.o.workloads, random());
    const model = this.o.models.find((m) => m.id === workload.model);
    const input = this.#inputs.get(workload.id);
    if (!model || !input) return;
    // The counter is written before the post: a restart never reuses a post's idempotency key.
    const n = ++this.o.store.state.posts;
    this.o.store.flush();
    try {
      const { jobId, block } = await postJob(this.o.requester, {
        economy: e.book.economy,
        kind: workload.kind,
        modelHash: model.hash,
        inputHash: input.hash,
        inputUri: input.uri,
        fee: workload.kind === 'fine-tune' ? e.spec.fees.fineTune : e.spec.fees.inference,
        // A text generation is priced per token: the inference fee as its base, plus each token generated.
        ...(workload.maxTokens
          ? { perToken: { pricePerToken: e.spec.fees.perToken, maxTokens: workload.maxTokens } }
          : {}),
        deadlineS: DEMO_DEADLINE_S,
        key: `post:${n}`,
      });
      this.posted++;
      this.o.jobInfo.remember(e.book.economy, jobId, {
        kind: workload.kind,
        modelHash: model.hash,
        modelUri: model.uri,
        inputHash: input.hash,
        inputUri: input.uri,
      });
      // The draw needs a later block than the post's; with a block per transaction the next one is it.
      await new Promise((r) => setTimeout(r, this.o.assignDelayMs ?? 1_500));
      if (this.#closed) return;
      // A draw that keeps nobody (every provider busy) re-seeds the job, and one that nobody serves reverts: either
      // way the keeper and the providers' nodes try again.
      const drawn = await assign(this.o.requester, {
        economy: e.book.economy,
        jobId,
        drawBlock: block,
      }).catch((err: Error) => {
        this.o.log.debug('the first draw could not run; the keeper retries', {
          jobId: String(jobId),
          error: err.message,
        });
        return null;
      });
      if (drawn?.outcome === 'missed') {
        this.o.log.debug('the first draw kept nobody; the keeper retries', { jobId: String(jobId) });
      }
    } catch (err) {
      this.o.log.warn('the demo requester could not post a job', {
        economy: e.book.name,
        error: (err as Error).message,
      });
    }
  }
}
