/**
 * What anyone may do and someone has to: draw a provider for a Posted job once its draw block is past (again after
 * a draw that kept nobody, which re-seeds the job from a later block), report a
 * no-show (a job not accepted inside its accept window) or a missed deadline, finalize a result whose challenge window has passed, settle a challenge whose vote has ended.
 * The market's keeper account does it for every job on the devnet — the user's included, as any third party
 * would on a real network.
 */
import { assign } from '../../chain/actions/assign';
import { cancelJob } from '../../chain/actions/cancelJob';
import { finalize } from '../../chain/actions/finalize';
import { reportTimeout } from '../../chain/actions/reportTimeout';
import { resolveChallenge } from '../../chain/actions/resolveChallenge';
import type { ActionClient } from '../../chain/actions/send';
import { economyAbi } from '../../chain/artifacts';
import type { Logger } from '../../log';
import type { BoardJob, BoardRound } from './board';

/** Seconds after a boundary before acting on it (the next block's time must be past it). */
const MARGIN_S = 1;
/** The contract lets a requester cancel a job nobody was drawn for this many blocks after posting it. */
const CANCEL_AFTER_BLOCKS = 256n;
/** A draw that found nobody eligible is tried again after this long. */
const RETRY_MS = 3_000;
/**
 * Draws of one job that kept nobody, after which the keeper stops drawing it and its requester cancels it: the
 * contract lets a requester cancel at once after 16 misses (each miss re-seeds the job, which would otherwise push
 * the 256-block cancel delay back for ever). Nobody being free for that long means every provider is full or gone.
 */
const CANCEL_AFTER_MISSES = 16;

export interface UpkeepCounts {
  assigned: number;
  /** Draws that kept nobody (DrawMissed): the job stayed Posted, re-seeded. */
  missed: number;
  cancelled: number;
  /** Jobs reported as no-shows: not accepted inside the accept window, re-drawn without a slash. */
  noShows: number;
  timeouts: number;
  finalized: number;
  resolved: number;
}

export class Upkeep {
  readonly counts: UpkeepCounts = {
    assigned: 0,
    missed: 0,
    cancelled: 0,
    noShows: 0,
    timeouts: 0,
    finalized: 0,
    resolved: 0,
  };
  readonly #busy = new Set<string>();
  /** Draws in a row that kept nobody, by `economy:jobId`. */
  readonly #misses = new Map<string, number>();
  readonly #retryAt = new Map<string, number>();
  readonly #postedSince = new Map<string, number>();

  constructor(
    private readonly keeper: ActionClient,
    /** The demo requester: cancels its own jobs that no provider could be drawn for. */
    private readonly requester: ActionClient | null,
    private readonly log: Logger,
    /** Seconds a job stays Posted before the keeper draws it (default 3). */
    private readonly drawAfterS = 3,
  ) {}

  /** Starts what this round's view calls for; returns at once (each action runs on its own). */
  act(round: BoardRound): void {
    for (const j of round.jobs) {
      const { job } = j;
      const requester = this.requester;
      if (
        job.status === 'Posted' &&
        requester &&
        job.requester.toLowerCase() === requester.tx.address.toLowerCase() &&
        (round.head > job.drawBlock + CANCEL_AFTER_BLOCKS ||
          (this.#misses.get(`${j.economy}:${j.jobId}`) ?? 0) >= CANCEL_AFTER_MISSES)
      ) {
        // Nobody has drawn it for 256 blocks (nobody serves its kind), or draw upon draw kept nobody: its fee comes
        // back. (The keeper's count of misses is its own draws'; the chain's, which the contract checks, is no less.)
        this.#run(j, 'cancel', 'cancelled', () =>
          cancelJob(requester, { economy: j.economy, jobId: j.jobId }),
        );
      } else if (
        job.status === 'Posted' &&
        round.head > job.drawBlock &&
        (this.#misses.get(`${j.economy}:${j.jobId}`) ?? 0) < CANCEL_AFTER_MISSES &&
        this.#waited(j, round.now)
      ) {
        this.#run(j, `assign:${job.drawBlock}`, 'assigned', async () => {
          const drawn = await assign(this.keeper, {
            economy: j.economy,
            jobId: j.jobId,
            drawBlock: job.drawBlock,
          });
          const key = `${j.economy}:${j.jobId}`;
          if (drawn.outcome !== 'missed') {
            this.#misses.delete(key);
            return drawn.outcome === 'assigned';
          }
          this.counts.missed++;
          this.#misses.set(key, (this.#misses.get(key) ?? 0) + 1);
          if (this.#misses.size > 1_000) this.#misses.delete(this.#misses.keys().next().value!);
          return false;
        });
      } else if (
        job.status === 'Assigned' &&
        !job.accepted &&
        round.now >= job.acceptWindowEndsAt + MARGIN_S
      ) {
        this.#run(j, `noshow:${job.deadline}`, 'noShows', () =>
          reportTimeout(this.keeper, { economy: j.economy, jobId: j.jobId, deadline: BigInt(job.deadline) }),
        );
      } else if (job.status === 'Assigned' && round.now >= job.deadline + MARGIN_S) {
        this.#run(j, `timeout:${job.deadline}`, 'timeouts', () =>
          reportTimeout(this.keeper, { economy: j.economy, jobId: j.jobId, deadline: BigInt(job.deadline) }),
        );
      } else if (job.status === 'Submitted' && round.now >= job.challengeWindowEndsAt + MARGIN_S) {
        this.#run(j, 'finalize', 'finalized', () =>
          finalize(this.keeper, { economy: j.economy, jobId: j.jobId }),
        );
      } else if (job.status === 'Voting') {
        this.#run(j, 'resolve', 'resolved', async () => {
          const c = await this.keeper.publicClient.readContract({
            address: j.economy,
            abi: economyAbi,
            functionName: 'challengeOf',
            args: [j.jobId],
          });
          if (round.now < Number(c.voteEndsAt) + MARGIN_S) return false;
          return resolveChallenge(this.keeper, { economy: j.economy, jobId: j.jobId });
        });
      }
    }
  }

  /** A Posted job is drawn by the keeper only after providers' nodes and its requester had their turn. */
  #waited(j: BoardJob, now: number): boolean {
    const key = `${j.economy}:${j.jobId}:${j.job.drawBlock}`;
    const seen = this.#postedSince.get(key);
    if (seen === undefined) {
      this.#postedSince.set(key, now);
      if (this.#postedSince.size > 1_000) this.#postedSince.delete(this.#postedSince.keys().next().value!);
      return this.drawAfterS <= 0;
    }
    return now - seen >= this.drawAfterS;
  }

  #run(j: BoardJob, what: string, count: keyof UpkeepCounts, fn: () => Promise<unknown>): void {
    const key = `${j.economy}:${j.jobId}:${what}`;
    if (this.#busy.has(key) || (this.#retryAt.get(key) ?? 0) > Date.now()) return;
    this.#busy.add(key);
    fn()
      .then((done) => {
        if (done !== false) this.counts[count]++;
        this.#retryAt.delete(key);
      })
      .catch((err: Error) => {
        // Someone else got there first, or nobody is eligible yet: try again a little later.
        this.#retryAt.set(key, Date.now() + RETRY_MS);
        this.log.debug('upkeep action did not go through', { key, error: err.message });
      })
      .finally(() => this.#busy.delete(key));
  }
}
