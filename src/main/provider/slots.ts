/**
 * Run slots for the job loop: at most `limit()` jobs run at once (Settings → Limits → jobs at once). With a GPU share
 * under 100 % a slot rests after each run in proportion to it — at 50 % as long as the run took, at 25 % three
 * times as long — so jobs keep the device busy for at most that share of the time and the rest is the user's.
 */
export class RunSlots {
  readonly #limit: () => number;
  readonly #sharePct: () => number;
  #busy = 0;
  readonly #waiters: (() => void)[] = [];
  readonly #resting = new Set<NodeJS.Timeout>();

  constructor(options: { limit: () => number; sharePct: () => number }) {
    this.#limit = options.limit;
    this.#sharePct = options.sharePct;
  }

  /** Slots taken (running or resting). */
  get busy(): number {
    return this.#busy;
  }

  /** Jobs waiting for a slot. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** How long a slot is held per millisecond of run: 1 at a 100 % share, 2 at 50 %. */
  get holdFactor(): number {
    return 100 / Math.min(100, Math.max(1, this.#sharePct()));
  }

  /** The rest a slot takes after a run of `ranMs` at the current share. */
  restMs(ranMs: number): number {
    return Math.max(0, ranMs) * (this.holdFactor - 1);
  }

  /**
   * Waits for a free slot. The function it returns frees the slot: after the rest for `ranMs` when given (a run
   * that happened), at once otherwise (a job that never ran).
   */
  take(): Promise<(ranMs?: number) => void> {
    const release = () => {
      this.#busy--;
      this.#waiters.shift()?.();
    };
    const free = (ranMs?: number) => {
      const rest = ranMs === undefined ? 0 : this.restMs(ranMs);
      if (rest <= 0) return release();
      const timer = setTimeout(() => {
        this.#resting.delete(timer);
        release();
      }, rest);
      timer.unref();
      this.#resting.add(timer);
    };
    const grab = () => {
      this.#busy++;
      return free;
    };
    if (this.#busy < this.#limit()) return Promise.resolve(grab());
    return new Promise((resolve) => this.#waiters.push(() => resolve(grab())));
  }

  /** Ends every rest at once (the node is closing). */
  close(): void {
    for (const timer of this.#resting) clearTimeout(timer);
    this.#resting.clear();
  }
}
