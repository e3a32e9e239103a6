import type { TxOutcome } from './context';

export interface Waiter {
  promise: Promise<TxOutcome>;
  resolve: (outcome: TxOutcome) => void;
  reject: (err: Error) => void;
}

/** The answer each key's caller waits for, settled once its transaction is mined, refused or replaced by a cancel. */
export class Waiters {
  readonly #waiters = new Map<string, Waiter>();

  /** The key's waiter, made when there is none yet. */
  for(key: string): Waiter {
    const existing = this.#waiters.get(key);
    if (existing) return existing;
    let resolve!: (o: TxOutcome) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<TxOutcome>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Nobody may be waiting (a restart re-tracks without a caller): a rejection must not go unhandled.
    promise.catch(() => undefined);
    const waiter = { promise, resolve, reject };
    this.#waiters.set(key, waiter);
    return waiter;
  }

  /** Removes the key's waiter and returns it (undefined: none), for the one answer it gets. */
  take(key: string): Waiter | undefined {
    const waiter = this.#waiters.get(key);
    this.#waiters.delete(key);
    return waiter;
  }

  rejectAll(err: Error): void {
    for (const w of this.#waiters.values()) w.reject(err);
    this.#waiters.clear();
  }
}
