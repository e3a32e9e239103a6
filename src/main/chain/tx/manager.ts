import type { Address } from 'viem';
import { FlywheelError } from '#shared/errors';
import type { TxContext, TxManagerOptions, TxOutcome, TxRequest, TxSettings } from './context';
import { currentFees, GAS_HEADROOM } from './fees';
import { Nonces } from './nonces';
import type { TxRecord } from './record';
import { withRpcRetry } from './retry';
import { recordOf, sendNew, stopped } from './send';
import { alreadyDone, simulate } from './simulate';
import { TxStore } from './store';
import { TxTracker } from './tracker';
import { Waiters } from './waiters';

export type { TxManagerOptions, TxOutcome, TxRequest } from './context';

/**
 * Sends transactions for one account on one chain so that none is lost, none is sent twice and nonces stay
 * contiguous. Its parts:
 * - idempotency (here): a request names its action with a key; a second request with the key attaches to the
 *   first or answers from it, also after a restart, and an action already done on-chain is not sent;
 * - simulation (simulate.ts): the call is simulated (gas estimate) before a nonce is taken, so a revert costs none;
 * - nonces (nonces.ts): handed out under a lock and kept only once the node has taken the transaction (or may have:
 *   a lost answer); a refusal frees the nonce for the next transaction;
 * - sending (send.ts, sign.ts, broadcast.ts, fees.ts): every signed transaction is written down (fsync'd, store.ts)
 *   before it is broadcast;
 * - tracking (tracker.ts): receipts after `confirmations` blocks, re-broadcasts of dropped transactions, fee bumps
 *   after `bumpAfterMs`, and a cancel for a nonce that can no longer be sent; after a restart the pending ones are
 *   tracked again by hash.
 */
export class TxManager {
  readonly address: Address;
  readonly chainId: number;
  readonly #ctx: TxContext;
  readonly #store: TxStore;
  readonly #waiters = new Waiters();
  readonly #inflight = new Map<string, Promise<TxOutcome>>();
  readonly #listeners = new Set<(record: TxRecord) => void>();
  readonly #nonces: Nonces;
  readonly #tracker: TxTracker;
  #closed = false;

  private constructor(options: TxManagerOptions, chainId: number, store: TxStore) {
    const polling = options.pollingIntervalMs ?? 1000;
    const settings: TxSettings = {
      client: options.client,
      account: options.account,
      dataDir: options.dataDir,
      log: options.log,
      confirmations: options.confirmations ?? 1,
      pollingIntervalMs: polling,
      bumpAfterMs: options.bumpAfterMs ?? 60_000,
      bumpPct: Math.max(options.bumpPct ?? 12.5, 12.5),
      dropCheckMs: options.dropCheckMs ?? Math.max(polling * 5, 250),
      gasMarginPct: options.gasMarginPct ?? 20,
      gasHeadroom: options.gasHeadroom ?? GAS_HEADROOM,
      rpcAttempts: options.rpcAttempts ?? 6,
      now: options.now ?? Date.now,
      maxFeePerGasCap: options.maxFeePerGasCap,
    };
    this.address = options.account.address;
    this.chainId = chainId;
    this.#store = store;
    this.#ctx = {
      o: settings,
      address: this.address,
      chainId,
      store,
      waiters: this.#waiters,
      requests: new Map(),
      sending: new Set(),
      closed: () => this.#closed,
      write: (record) => {
        store.write(record);
        for (const listener of [...this.#listeners]) listener(record);
      },
      rpc: (what, fn) => withRpcRetry(what, fn, { attempts: settings.rpcAttempts, delayMs: 50 }),
    };
    this.#nonces = new Nonces(this.#ctx);
    this.#tracker = new TxTracker(this.#ctx);
  }

  /** Opens the account's persisted queue and starts tracking what was pending when the node stopped. */
  static async open(options: TxManagerOptions): Promise<TxManager> {
    const attempts = { attempts: options.rpcAttempts ?? 6, delayMs: 50 };
    const chainId =
      options.chainId ?? (await withRpcRetry('chain id', () => options.client.getChainId(), attempts));
    const store = TxStore.open(TxStore.path(options.dataDir, chainId, options.account.address), {
      log: options.log,
    });
    const manager = new TxManager(options, chainId, store);
    const pending = store.pending();
    if (pending.length) {
      options.log.info('tracking transactions left pending by the last run', {
        count: pending.length,
        nonces: pending.map((r) => r.nonce),
      });
    }
    manager.#tracker.schedule();
    return manager;
  }

  /** Sends (or recognises as already sent / done) the transaction for `request.key`; see TxRequest. */
  submit(request: TxRequest): Promise<TxOutcome> {
    if (this.#closed) return Promise.reject(stopped());
    if (!request.key || request.key.length > 200) {
      return Promise.reject(
        new FlywheelError('A transaction needs a key of 1 to 200 characters.', { code: 'BAD_INPUT' }),
      );
    }
    const running = this.#inflight.get(request.key);
    if (running) return running;
    const run = this.#submit(request).finally(() => this.#inflight.delete(request.key));
    this.#inflight.set(request.key, run);
    return run;
  }

  get(key: string): TxRecord | undefined {
    return this.#store.get(key);
  }

  pending(): TxRecord[] {
    return this.#store.pending();
  }

  all(): TxRecord[] {
    return this.#store.all();
  }

  /** Called after each change of a record (for the UI and logs); returns an unsubscribe. */
  onChange(listener: (record: TxRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops tracking; pending transactions stay written down and are tracked again by the next `open`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#tracker.close();
    await this.#nonces.settled();
    this.#waiters.rejectAll(stopped());
    this.#store.close();
  }

  async #submit(request: TxRequest): Promise<TxOutcome> {
    const ctx = this.#ctx;
    const existing = this.#store.get(request.key);
    if (existing?.state === 'pending') {
      ctx.requests.set(request.key, request);
      return this.#waiters.for(request.key).promise;
    }
    if (existing?.state === 'done') return { status: 'alreadyDone', key: request.key };
    if (existing?.state === 'confirmed') {
      const receipt = await ctx.rpc('receipt', () =>
        ctx.o.client.getTransactionReceipt({ hash: existing.hash! }),
      );
      return { status: 'confirmed', key: request.key, hash: existing.hash!, nonce: existing.nonce!, receipt };
    }
    // New, or an earlier try failed or reverted: check the chain, simulate, then send.
    if (await alreadyDone(ctx, request)) return this.#markDone(request);
    const gas = await simulate(ctx, request);
    if (gas === 'alreadyDone') return this.#markDone(request);
    ctx.requests.set(request.key, request);
    const fees = await currentFees(ctx);
    const waiter = await this.#nonces.locked(async () => {
      ctx.sending.add(request.key);
      try {
        return await sendNew(ctx, this.#nonces, request, gas, fees, () => this.#tracker.schedule());
      } finally {
        ctx.sending.delete(request.key);
      }
    });
    // Outside the lock: the next transaction may be signed while this one is mined.
    return waiter.promise;
  }

  /** Writes the key down as done without sending anything: its action is already done on-chain. */
  #markDone(request: TxRequest): TxOutcome {
    const now = this.#ctx.o.now();
    const previous = this.#store.get(request.key);
    this.#ctx.write({
      ...recordOf(this.#ctx, request, 0n),
      state: 'done',
      nonce: null,
      attempts: previous?.attempts ?? [],
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    });
    this.#ctx.o.log.info('action already done on-chain; nothing sent', { key: request.key });
    return { status: 'alreadyDone', key: request.key };
  }
}
