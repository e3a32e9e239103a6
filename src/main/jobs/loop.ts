import type { Address } from 'viem';
import type { Notification } from '#shared/api/node';
import { declineReasons } from '#shared/decline';
import { isFinalJobStatus, type ChainJobStatus } from '../chain/enums';
import type { SyncChange } from '../chain/sync/chainSync';
import type { EventFeed } from '../chain/sync/feed';
import { big, sameAddress, type StoredLog } from '../chain/sync/storedLog';
import type { EventBus } from '../events';
import { Assigner } from './assigner';
import type { JobContext } from './context';
import { DECLINE_FAILED } from './decline';
import { Finalizer } from './finalizer';
import { foldJob, groupJobs } from './history';
import { isFinished } from './journal';
import { processJob } from './runner';

/** How soon a job waiting for the chain or the wallet is tried again when nothing else wakes it. */
const WAITING_RETRY_MS = 2_000;

export interface JobLoopOptions extends JobContext {
  feed: EventFeed;
  events: EventBus;
  /** Economies where this provider is active (lowercase addresses): the assigner draws there. */
  serving: () => ReadonlySet<string>;
  /** The wallet's address (known while locked too). */
  account: () => Address | null;
  /** Formats a token amount of an economy for a notification ("12.5 FLY"). */
  formatAmount: (economy: Address, amount: bigint) => Promise<string>;
  /** A job's state changed (chain or local): the API pushes `jobs.updated`. */
  jobChanged: (economy: Address, jobId: bigint) => void;
}

/**
 * The provider's job loop: takes every job assigned to this account from the event copy (new ones as they appear,
 * and at start every one the journal left unfinished or the chain assigned while the node was away), runs each in
 * its own pipeline (several at once; the next job's download overlaps the current run), draws providers for posted
 * jobs, finalizes its results after their challenge window and turns chain events into journal steps and
 * notifications.
 */
export class JobLoop {
  readonly #o: JobLoopOptions;
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  readonly #waiting = new Map<string, { economy: Address; jobId: bigint }>();
  readonly assigner: Assigner;
  readonly finalizer: Finalizer;
  readonly #off: (() => void)[] = [];
  #started = false;
  #timer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: JobLoopOptions) {
    this.#o = options;
    this.assigner = new Assigner(options.chain, options.log.child('assign'));
    this.finalizer = new Finalizer(options.chain, options.log.child('finalize'), (economy, jobId, status) =>
      this.#settle(economy, jobId, status),
    );
  }

  /** Starts: resumes what the journal left unfinished, then follows the chain. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#off.push(
      this.#o.feed.onChange((change) => this.#onEvents(change)),
      this.#o.feed.onOpen(() => this.catchUp()),
      this.#o.chain.onHead(() => this.#tick()),
      this.#o.chain.onChange(() => this.#retryWaiting()),
    );
    // What the journal left unfinished resumes once the chain and the wallet can be used (it reads the chain first).
    for (const job of this.#o.journal.unfinished()) {
      if (job.step === 'submitted') this.finalizer.watch(job.economy, BigInt(job.jobId));
      else
        this.#waiting.set(`${job.economy}:${job.jobId}`, { economy: job.economy, jobId: BigInt(job.jobId) });
    }
    this.catchUp();
    this.#retryWaiting();
  }

  /**
   * Work the event copy implies that a run killed before acting never did: jobs assigned to this provider that the
   * journal lacks, and posted jobs nobody drew. The pipeline and the assigner read the chain before acting, so this
   * may run whenever the picture changes (the copy opened, the economies served changed).
   */
  catchUp(): void {
    const logs = this.#o.feed.sync?.all();
    if (!logs || this.#closed) return;
    const me = this.#o.chain.account ?? this.#o.account();
    const serving = this.#o.serving();
    for (const [, events] of groupJobs(logs)) {
      const job = foldJob(events);
      if (!job || isFinalJobStatus(job.status)) continue;
      if (job.status === 'Posted' && serving.has(job.economy.toLowerCase()))
        this.assigner.add(job.economy, job.jobId);
      const assigned = events.filter(
        (l) => l.name === 'JobAssigned' && sameAddress(String(l.args.provider), me),
      );
      if (assigned.length) this.#maybe(assigned.at(-1)!);
    }
    this.#tick();
  }

  /** Jobs in a pipeline now (fetching, waiting for a slot, running, submitting). */
  get busy(): number {
    return this.#running.size;
  }

  /** Runs the pipeline of one job (again, if it is running: it re-reads the chain when the current run ends). */
  schedule(economy: Address, jobId: bigint): void {
    if (this.#closed) return;
    const key = `${economy}:${jobId}`;
    if (this.#running.has(key)) {
      this.#again.add(key);
      return;
    }
    const run = processJob(this.#o, economy, jobId)
      .then((outcome) => {
        if (outcome === 'waiting') this.#wait(economy, jobId);
        if (outcome === 'submitted') {
          this.finalizer.watch(economy, jobId);
          this.#wake();
        }
        if (outcome === 'declined') this.#declined(economy, jobId);
      })
      .finally(() => {
        this.#running.delete(key);
        this.#o.jobChanged(economy, jobId);
        if (this.#again.delete(key)) this.schedule(economy, jobId);
      });
    this.#running.set(key, run);
  }

  /** Not reachable or not signable now (RPC down, wallet locked): try again when that changes. */
  #wait(economy: Address, jobId: bigint): void {
    this.#waiting.set(`${economy}:${jobId}`, { economy, jobId });
    // A new head or a reconnect retries it; so does this, for an RPC that comes back on a quiet chain.
    this.#retryTimer ??= setTimeout(() => {
      this.#retryTimer = undefined;
      this.#retryWaiting();
    }, WAITING_RETRY_MS).unref();
  }

  /** Waits for every pipeline running now (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size) await Promise.allSettled([...this.#running.values()]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#retryTimer);
    for (const off of this.#off.splice(0)) off();
    await this.idle();
  }

  #tick(): void {
    if (this.#closed) return;
    // Draws before finalizes: a finalize that frees this provider's last slot counts as its weight rising, and a
    // draw seeded before that block that lands on it would end there, re-seeded (README "The draw"); sending the
    // draws first keeps it drawable in them.
    void this.assigner
      .tick(this.#o.serving())
      .then(() => this.finalizer.tick())
      .catch((err: Error) => this.#o.log.debug('job loop tick failed', { error: err.message }))
      .then(() => this.#wake());
    this.#retryWaiting();
  }

  /**
   * A quiet devnet mines no blocks, so heads alone would never bring a challenge window's end: wake up when the
   * earliest result is due for finalizing, or a posted job for another try at its draw.
   */
  #wake(): void {
    clearTimeout(this.#timer);
    if (this.#closed) return;
    const due = this.finalizer.nextDue();
    const draw = this.assigner.nextDue();
    if (due === null && draw === null) return;
    const now = this.#o.chain.connection ? this.#o.chain.now() : Date.now() / 1000;
    const ms = Math.min(
      due === null ? Infinity : Math.max(0.05, due - now) * 1000,
      draw === null ? Infinity : Math.max(50, draw - Date.now()),
      60_000,
    );
    this.#timer = setTimeout(() => this.#tick(), ms);
    this.#timer.unref();
  }

  #retryWaiting(): void {
    if (!this.#waiting.size || !this.#o.chain.connected || !this.#o.chain.tx) return;
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const { economy, jobId } of waiting) this.schedule(economy, jobId);
  }

  #onEvents(change: SyncChange): void {
    const me = this.#o.chain.account;
    const serving = this.#o.serving();
    for (const l of change.added) {
      const jobId = l.args.jobId !== undefined ? big(l, 'jobId') : null;
      if (jobId === null) continue;
      const economy = l.address;
      const mine = sameAddress(String(l.args.provider ?? ''), me);
      switch (l.name) {
        case 'JobPosted':
          if (serving.has(economy.toLowerCase())) this.assigner.add(economy, jobId);
          break;
        case 'JobDeclined':
        case 'JobNoShow':
        case 'JobTimedOut':
          // The draw re-opens (or the job is refunded: the assigner sees that and lets go).
          if (serving.has(economy.toLowerCase())) this.assigner.add(economy, jobId);
          if (mine && l.name === 'JobTimedOut')
            this.#timedOut(l, jobId, 'the deadline passed (reported as a timeout)');
          if (mine && l.name === 'JobNoShow') {
            this.#timedOut(
              l,
              jobId,
              'not accepted inside the accept window (reported as a no-show; no slash)',
            );
          }
          break;
        case 'JobAssigned':
          this.assigner.drop(economy, jobId);
          if (mine) this.#maybe(l);
          break;
        case 'JobFinalized':
          if (mine) this.#finalized(l, jobId);
          break;
        case 'JobRejected':
          if (mine) this.#rejected(l, jobId);
          break;
        case 'ProviderSlashed':
          if (mine) {
            void this.#o.formatAmount(economy, big(l, 'amount')).then((amount) =>
              this.#notify({
                kind: 'slashed',
                title: `Slashed in job ${jobId}`,
                body: `${amount} of your bond was slashed.`,
              }),
            );
          }
          break;
      }
      if (l.name.startsWith('Job') || l.name === 'ResultSubmitted') this.#o.jobChanged(economy, jobId);
    }
    // A reorganisation took an assignment back: the pipeline re-reads the chain and lets the job go.
    for (const l of change.removed) {
      if (l.name === 'JobAssigned' && sameAddress(String(l.args.provider), me)) {
        this.schedule(l.address, big(l, 'jobId'));
      }
    }
    this.#tick();
  }

  /** A JobAssigned naming this provider: run it unless the journal is done with that round. */
  #maybe(l: StoredLog): void {
    const jobId = big(l, 'jobId');
    const entry = this.#o.journal.get(l.address, jobId);
    if (entry && isFinished(entry.step) && entry.fields.deadline === Number(l.args.deadline)) {
      if (!entry.fields.error?.startsWith(DECLINE_FAILED)) return;
    }
    if (entry && !isFinished(entry.step) && this.#running.has(`${l.address}:${jobId}`)) return;
    this.schedule(l.address, jobId);
  }

  /** The chain is done with a submitted job (seen by the finalizer): the journal closes it. */
  #settle(economy: Address, jobId: bigint, status: ChainJobStatus): void {
    const entry = this.#o.journal.get(economy, jobId);
    if (entry?.step !== 'submitted') return;
    if (status === 'Finalized') this.#o.journal.append(economy, jobId, 'finalized', {});
    else this.#o.journal.append(economy, jobId, 'failed', { error: `the result ended ${status}` });
    this.#o.jobChanged(economy, jobId);
  }

  #finalized(l: StoredLog, jobId: bigint): void {
    this.finalizer.forget(l.address, jobId);
    const entry = this.#o.journal.get(l.address, jobId);
    if (entry?.step === 'submitted') this.#o.journal.append(l.address, jobId, 'finalized', {});
    void this.#o.formatAmount(l.address, big(l, 'payout')).then((amount) =>
      this.#notify({
        kind: 'job-finalized',
        title: `Job ${jobId} finalized`,
        body: `${amount} added to your claimable balance.`,
      }),
    );
  }

  #rejected(l: StoredLog, jobId: bigint): void {
    this.finalizer.forget(l.address, jobId);
    const entry = this.#o.journal.get(l.address, jobId);
    if (entry && (entry.step === 'submitted' || entry.step === 'submitting')) {
      this.#o.journal.append(l.address, jobId, 'failed', { error: 'validators rejected the result' });
    }
  }

  #timedOut(l: StoredLog, jobId: bigint, error: string): void {
    const entry = this.#o.journal.get(l.address, jobId);
    if (entry && !isFinished(entry.step) && !this.#running.has(`${l.address}:${jobId}`)) {
      this.#o.journal.append(l.address, jobId, 'failed', { error });
    }
  }

  #notify(n: Omit<Notification, 't'>): void {
    this.#o.events.emit('node.notification', { ...n, t: Date.now() });
  }

  /** A decline is worth a toast: which job, why, and that it costs nothing. */
  #declined(economy: Address, jobId: bigint): void {
    const entry = this.#o.journal.get(economy, jobId);
    if (entry?.step !== 'declined' || !entry.fields.reason) return;
    this.#notify({
      kind: 'job-declined',
      title: `Declined job ${jobId}`,
      body: `${declineReasons[entry.fields.reason].label}: ${declineReasons[entry.fields.reason].meaning}. No slash.`,
    });
  }
}
