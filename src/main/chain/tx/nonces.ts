import type { TxContext } from './context';

/**
 * Nonces for one account, handed out one transaction at a time under a lock. A nonce is kept only once the node
 * has the transaction (or may have it: a lost answer); a refusal leaves it for the next transaction. The next nonce
 * is the chain's pending count or one past the highest pending record, whichever is larger.
 */
export class Nonces {
  readonly #ctx: TxContext;
  #next: number | null = null;
  #lock: Promise<unknown> = Promise.resolve();

  constructor(ctx: TxContext) {
    this.#ctx = ctx;
  }

  /** The nonce the next transaction takes. */
  async next(): Promise<number> {
    if (this.#next === null) {
      const onChain = await this.#ctx.rpc('nonce', () =>
        this.#ctx.o.client.getTransactionCount({ address: this.#ctx.address, blockTag: 'pending' }),
      );
      const local = this.#ctx.store.pending().reduce((m, r) => Math.max(m, (r.nonce ?? -1) + 1), 0);
      this.#next = Math.max(onChain, local);
    }
    return this.#next;
  }

  /** The node has (or may have) a transaction with this nonce: the next one goes after it. */
  keep(nonce: number): void {
    this.#next = nonce + 1;
  }

  /** The chain's count is needed again (another sender with this key took a nonce). */
  reread(): void {
    this.#next = null;
  }

  /** Runs `fn` when every earlier holder of the lock is done. */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /** Resolves once the lock is free. */
  settled(): Promise<void> {
    return this.#lock.then(
      () => undefined,
      () => undefined,
    );
  }
}
