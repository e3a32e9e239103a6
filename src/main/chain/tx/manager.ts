import {
  keccak256,
  type Abi,
  type Address,
  type Hash,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
} from 'viem';
import { FlywheelError } from '#shared/errors';
import type { Logger } from '../../log';
import {
  classifySendError,
  isTransient,
  nodeWords,
  revertWords,
  TxFailedError,
  type SendAnswer,
} from './errors';
import type { ErrorUnits } from './contractErrors';
import { bumpFees, withMargin, type Fees } from './fees';
import type { TxAttempt, TxRecord } from './record';
import { withRpcRetry } from './retry';
import { TxStore } from './store';

export interface TxRequest {
  /**
   * Names the action, so it is never sent twice: `submitResult:<economy>:<jobId>`. A second `submit` with the
   * same key attaches to the first (pending), or answers from it (confirmed, already done) — also after a restart.
   * A key whose transaction failed or reverted may be submitted again.
   */
  key: string;
  /** For logs and the UI ("Submit result of job 12"). */
  label?: string;
  to: Address;
  data?: Hex;
  value?: bigint;
  /** Gas limit; when left out it is estimated (which also simulates the call) and given the margin. */
  gas?: bigint;
  /** The contract's ABI, to name a revert in the simulation by its custom error (`JobNotAssigned()`). */
  abi?: Abi;
  /** How token amounts in a revert are written (the economy's symbol); "tokens" with 18 decimals when left out. */
  units?: ErrorUnits;
  /**
   * Asked before anything is signed, and again when the simulation reverts: true when the action is already
   * done on-chain (the result is already submitted, the bond already added). Then nothing is sent.
   */
  alreadyDone?: () => Promise<boolean>;
  /**
   * Called with each signed attempt (the first, fee bumps, a cancel) after it is written down and before it is
   * broadcast: the job journal records `submitting(txHash)` here.
   */
  onSent?: (hash: Hash, nonce: number) => void | Promise<void>;
}

export type TxOutcome =
  | { status: 'confirmed'; key: string; hash: Hash; nonce: number; receipt: TransactionReceipt }
  | { status: 'alreadyDone'; key: string };

export interface TxManagerOptions {
  /** A viem public client on the chain (its transport's own retries may stay on: they are harmless here). */
  client: PublicClient;
  /** The signing account (the unlocked wallet's). */
  account: LocalAccount;
  /** The persisted queue goes to `<dataDir>/tx/`. */
  dataDir: string;
  log: Logger;
  /** Asked from the chain when left out. */
  chainId?: number;
  /** Blocks on top of the one with the transaction before it counts (1 = mined). */
  confirmations?: number;
  /** How often pending transactions are checked: ~20 ms on the devnet, ~1 s on a real chain. */
  pollingIntervalMs?: number;
  /** How long a transaction may wait unmined before it is replaced with higher fees. */
  bumpAfterMs?: number;
  /** Replacement fee increase, percent (≥ 12.5). */
  bumpPct?: number;
  /** How long between checks that a pending transaction is still in the node's mempool. */
  dropCheckMs?: number;
  /** Margin on gas estimates, percent. */
  gasMarginPct?: number;
  /** Fee bumps stop at this max fee per gas (wei). */
  maxFeePerGasCap?: bigint;
  /** Tries per RPC call before it counts as RPC_FAILED. */
  rpcAttempts?: number;
  now?: () => number;
}

interface Waiter {
  promise: Promise<TxOutcome>;
  resolve: (outcome: TxOutcome) => void;
  reject: (err: Error) => void;
}

/**
 * Sends transactions for one account on one chain so that none is lost, none is sent twice and nonces stay
 * contiguous:
 * - the call is simulated (gas estimate) before a nonce is taken, so a revert costs no nonce;
 * - nonces are handed out under a lock and only kept once the node has taken the transaction (or may have: a
 *   lost answer); a refusal frees the nonce for the next transaction;
 * - every signed transaction is written down (fsync'd) before it is broadcast; after a restart the pending ones
 *   are tracked again by hash and re-broadcast if the node lost them;
 * - a transaction unmined after `bumpAfterMs` is replaced with the same nonce and fees ≥ +12.5 %;
 * - a transaction dropped from the mempool is broadcast again; one that can no longer be sent has its nonce taken
 *   by a 0-value transfer to self, so later nonces are not stuck;
 * - a receipt counts after `confirmations` blocks.
 */
export class TxManager {
  readonly address: Address;
  readonly chainId: number;
  readonly #o: Required<Omit<TxManagerOptions, 'maxFeePerGasCap' | 'chainId'>> & { maxFeePerGasCap?: bigint };
  readonly #store: TxStore;
  readonly #waiters = new Map<string, Waiter>();
  readonly #inflight = new Map<string, Promise<TxOutcome>>();
  readonly #requests = new Map<string, TxRequest>();
  readonly #checkedAt = new Map<string, number>();
  readonly #suspect = new Map<string, number>();
  /** Keys being signed and broadcast for the first time: tracking leaves them alone until that is over. */
  readonly #sending = new Set<string>();
  readonly #listeners = new Set<(record: TxRecord) => void>();
  #nextNonce: number | null = null;
  #lock: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> | undefined;
  #closed = false;

  private constructor(options: TxManagerOptions, chainId: number, store: TxStore) {
    const polling = options.pollingIntervalMs ?? 1000;
    this.#o = {
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
      rpcAttempts: options.rpcAttempts ?? 6,
      now: options.now ?? Date.now,
      maxFeePerGasCap: options.maxFeePerGasCap,
    };
    this.address = options.account.address;
    this.chainId = chainId;
    this.#store = store;
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
    manager.#schedule();
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
    clearTimeout(this.#timer);
    await this.#tick;
    await this.#lock.catch(() => undefined);
    for (const w of this.#waiters.values()) w.reject(stopped());
    this.#waiters.clear();
    this.#store.close();
  }

  async #submit(request: TxRequest): Promise<TxOutcome> {
    const existing = this.#store.get(request.key);
    if (existing?.state === 'pending') {
      this.#requests.set(request.key, request);
      return this.#waiter(request.key).promise;
    }
    if (existing?.state === 'done') return { status: 'alreadyDone', key: request.key };
    if (existing?.state === 'confirmed') {
      const receipt = await this.#rpc('receipt', () =>
        this.#o.client.getTransactionReceipt({ hash: existing.hash! }),
      );
      return { status: 'confirmed', key: request.key, hash: existing.hash!, nonce: existing.nonce!, receipt };
    }
    // New, or an earlier try failed or reverted: check the chain, simulate, then send.
    if (await this.#alreadyDone(request)) return this.#markDone(request);
    let gas = request.gas;
    if (gas === undefined) {
      try {
        const estimate = await this.#rpc('gas estimate', () =>
          this.#o.client.estimateGas({
            account: this.address,
            to: request.to,
            data: request.data,
            value: request.value,
          }),
        );
        gas = withMargin(estimate, this.#o.gasMarginPct);
      } catch (err) {
        if (err instanceof FlywheelError && err.code === 'RPC_FAILED') throw err;
        // The call would revert (or cannot pay): nothing signed, no nonce taken. Maybe it reverts because the
        // action is already done (a result already submitted): then that is the answer.
        if (await this.#alreadyDone(request)) return this.#markDone(request);
        const words = revertWords(err, request.abi, request.units ?? (await this.#unitsOf(request.to)));
        throw new TxFailedError(words.sentence, {
          key: request.key,
          details: `The transaction would fail: ${words.raw}`,
          ...(words.action !== undefined ? { action: words.action } : {}),
          cause: err,
        });
      }
    }
    this.#requests.set(request.key, request);
    const fees = await this.#fees();
    const sent = await this.#locked(async () => {
      this.#sending.add(request.key);
      try {
        return await this.#sendNew(request, gas, fees);
      } finally {
        this.#sending.delete(request.key);
      }
    });
    // Outside the lock: the next transaction may be signed while this one is mined.
    return sent.waiter.promise;
  }

  /**
   * The token symbol to write a revert's amounts in, read only when a transaction would fail: the contract's own
   * `symbol()` (a token), else its `token()`'s (an economy); "tokens" when neither answers.
   */
  async #unitsOf(to: Address): Promise<ErrorUnits> {
    const read = (address: Address, name: 'symbol' | 'token') =>
      this.#o.client.readContract({
        address,
        abi: [
          {
            type: 'function',
            name,
            stateMutability: 'view',
            inputs: [],
            outputs: [{ type: name === 'symbol' ? 'string' : 'address', name: '' }],
          },
        ] as const,
        functionName: name,
      }) as Promise<string>;
    try {
      return { symbol: await read(to, 'symbol') };
    } catch {
      try {
        return { symbol: await read((await read(to, 'token')) as Address, 'symbol') };
      } catch {
        return {};
      }
    }
  }

  /**
   * Under the send lock: takes a nonce, signs, writes the record down, broadcasts. Returns once the node has the
   * transaction (or may have it); a refusal frees the nonce and throws.
   */
  async #sendNew(request: TxRequest, gas: bigint, initialFees: Fees): Promise<{ waiter: Waiter }> {
    let fees = initialFees;
    for (let tries = 1; ; tries++) {
      if (this.#closed) throw stopped();
      const nonce = await this.#allocateNonce();
      const attempt = await this.#sign(request.to, request.data, request.value ?? 0n, gas, nonce, fees);
      const now = this.#o.now();
      const record: TxRecord = {
        v: 1,
        key: request.key,
        ...(request.label ? { label: request.label } : {}),
        state: 'pending',
        from: this.address,
        chainId: this.chainId,
        request: {
          to: request.to,
          ...(request.data ? { data: request.data } : {}),
          value: String(request.value ?? 0n),
          gas: String(gas),
        },
        nonce,
        attempts: [attempt],
        createdAt: now,
        updatedAt: now,
      };
      this.#write(record);
      const waiter = this.#waiter(request.key);
      try {
        await request.onSent?.(attempt.hash, nonce);
      } catch (err) {
        // Nothing was broadcast: the nonce stays free and the caller hears why.
        this.#waiters.delete(request.key);
        this.#write({
          ...record,
          state: 'failed',
          error: 'Not sent: the caller’s onSent failed.',
          updatedAt: this.#o.now(),
        });
        throw err;
      }
      const { answer, words } = await this.#broadcast(attempt.raw);
      const keep = (why: string) => {
        this.#nextNonce = nonce + 1;
        this.#o.log.info('transaction sent', { key: request.key, nonce, hash: attempt.hash, answer: why });
        this.#schedule();
        return { waiter };
      };
      // 'lost': every try failed on the connection; the node may have it. Keep the nonce; tracking re-sends.
      if (answer === 'accepted' || answer === 'known' || answer === 'lost') return keep(answer);
      try {
        if (answer === 'nonce-too-low') {
          if (await this.#rpc('transaction lookup', () => this.#known(attempt.hash))) return keep('known');
          // Another sender with this key took the nonce: read the chain's count again and re-sign.
          this.#o.log.warn('nonce already used on-chain; taking the next one', { key: request.key, nonce });
          this.#nextNonce = null;
        } else if (answer === 'underpriced') {
          fees = bumpFees(fees, await this.#fees(), this.#o.bumpPct);
        }
      } catch (err) {
        // The RPC went away mid-answer: the node may hold this transaction, so its nonce stays taken and
        // tracking settles it (mined, re-sent, or failed once the nonce is seen used by another).
        this.#o.log.warn('could not settle a send; tracking takes over', {
          key: request.key,
          error: (err as Error).message,
        });
        return keep('unsettled');
      }
      if (answer === 'rejected') {
        // A lost earlier try may have reached the node before this refusal: then the transaction is in.
        try {
          if (await this.#rpc('transaction lookup', () => this.#known(attempt.hash))) return keep('known');
        } catch {
          return keep('unsettled');
        }
      }
      if (answer === 'rejected' || tries >= 5) {
        // The node refused it: the nonce was never taken, the next transaction gets it.
        this.#waiters.delete(request.key);
        const err = new TxFailedError(`The node refused the transaction: ${words}`, {
          key: request.key,
          hash: attempt.hash,
        });
        this.#write({ ...record, state: 'failed', error: err.shortMessage, updatedAt: this.#o.now() });
        this.#o.log.warn('transaction refused; its nonce is free again', { key: request.key, nonce });
        throw err;
      }
    }
  }

  /** Broadcasts signed bytes, retrying lost requests with the same bytes (the node takes them at most once). */
  async #broadcast(raw: Hex): Promise<{ answer: 'accepted' | 'lost' | SendAnswer; words: string }> {
    let delay = 50;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#o.client.sendRawTransaction({ serializedTransaction: raw });
        return { answer: 'accepted', words: '' };
      } catch (err) {
        if (!isTransient(err)) return { answer: classifySendError(err), words: nodeWords(err) };
        if (attempt >= this.#o.rpcAttempts) return { answer: 'lost', words: nodeWords(err) };
        await sleep(delay);
        delay = Math.min(delay * 2, 2000);
      }
    }
  }

  async #allocateNonce(): Promise<number> {
    if (this.#nextNonce === null) {
      const onChain = await this.#rpc('nonce', () =>
        this.#o.client.getTransactionCount({ address: this.address, blockTag: 'pending' }),
      );
      const local = this.#store.pending().reduce((m, r) => Math.max(m, (r.nonce ?? -1) + 1), 0);
      this.#nextNonce = Math.max(onChain, local);
    }
    return this.#nextNonce;
  }

  async #sign(
    to: Address,
    data: Hex | undefined,
    value: bigint,
    gas: bigint,
    nonce: number,
    fees: Fees,
    cancel?: true,
  ): Promise<TxAttempt> {
    const raw = await this.#o.account.signTransaction!({
      chainId: this.chainId,
      type: 'eip1559',
      nonce,
      to,
      data,
      value,
      gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    return {
      hash: keccak256(raw),
      raw,
      maxFeePerGas: String(fees.maxFeePerGas),
      maxPriorityFeePerGas: String(fees.maxPriorityFeePerGas),
      at: this.#o.now(),
      ...(cancel ? { cancel } : {}),
    };
  }

  async #fees(): Promise<Fees> {
    let fees: Fees;
    try {
      fees = await this.#rpc('fees', () => this.#o.client.estimateFeesPerGas());
    } catch (err) {
      if (err instanceof FlywheelError) throw err;
      throw new FlywheelError('This chain does not offer EIP-1559 fees.', {
        code: 'UNAVAILABLE',
        cause: err,
      });
    }
    const cap = this.#o.maxFeePerGasCap;
    if (cap !== undefined && fees.maxFeePerGas > cap) {
      return {
        maxFeePerGas: cap,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas > cap ? cap : fees.maxPriorityFeePerGas,
      };
    }
    return fees;
  }

  // ---- tracking -------------------------------------------------------------------------------------------

  #schedule(): void {
    if (this.#closed || this.#timer || this.#tick || this.#store.pending().length === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#tick = this.#track()
        .catch((err: Error) =>
          this.#o.log.warn('transaction tracking failed; trying again', { error: err.message }),
        )
        .finally(() => {
          this.#tick = undefined;
          this.#schedule();
        });
    }, this.#o.pollingIntervalMs);
  }

  async #track(): Promise<void> {
    let head: bigint;
    try {
      head = await this.#o.client.getBlockNumber({ cacheTime: 0 });
    } catch (err) {
      if (isTransient(err)) return;
      throw err;
    }
    for (const record of this.#store.pending()) {
      if (this.#closed) return;
      if (this.#sending.has(record.key)) continue;
      try {
        await this.#trackOne(record, head);
      } catch (err) {
        // A lost request ends this round for this record; the next tick asks again.
        if (!isTransient(err)) throw err;
      }
    }
  }

  async #trackOne(record: TxRecord, head: bigint): Promise<void> {
    const receipt = await this.#receiptOf(record);
    if (receipt) {
      this.#suspect.delete(record.key);
      if (head - receipt.blockNumber + 1n >= BigInt(this.#o.confirmations)) this.#finish(record, receipt);
      return;
    }
    const now = this.#o.now();
    if (now - (this.#checkedAt.get(record.key) ?? 0) >= this.#o.dropCheckMs) {
      this.#checkedAt.set(record.key, now);
      const known = await this.#anyKnown(record);
      if (!known) {
        const count = await this.#o.client.getTransactionCount({ address: this.address, blockTag: 'latest' });
        if (count > record.nonce!) {
          // The nonce is used but none of our hashes has a receipt. Receipts can lag a moment: be sure first.
          const seen = (this.#suspect.get(record.key) ?? 0) + 1;
          this.#suspect.set(record.key, seen);
          if (seen >= 3) this.#fail(record, 'Another transaction from this account took its nonce.');
          return;
        }
        this.#o.log.info('transaction missing from the mempool; broadcasting it again', {
          key: record.key,
          nonce: record.nonce,
        });
        await this.#resend(record);
        return;
      }
    }
    const last = record.attempts.at(-1)!;
    if (now - last.at >= this.#o.bumpAfterMs) await this.#replace(record, 'bump');
  }

  /** Broadcasts the newest attempt again (after a drop or a restart). */
  async #resend(record: TxRecord): Promise<void> {
    const { answer, words } = await this.#broadcast(record.attempts.at(-1)!.raw);
    if (answer === 'underpriced') await this.#replace(record, 'bump');
    else if (answer === 'rejected') {
      this.#o.log.warn('a pending transaction can no longer be sent; cancelling its nonce', {
        key: record.key,
        nonce: record.nonce,
        error: words,
      });
      await this.#replace(record, 'cancel');
    }
  }

  /** Signs a new attempt with the same nonce and higher fees: the same call (bump) or a 0-value self-transfer. */
  async #replace(record: TxRecord, kind: 'bump' | 'cancel'): Promise<void> {
    const last = record.attempts.at(-1)!;
    const previous = {
      maxFeePerGas: BigInt(last.maxFeePerGas),
      maxPriorityFeePerGas: BigInt(last.maxPriorityFeePerGas),
    };
    const cap = this.#o.maxFeePerGasCap;
    if (kind === 'bump' && cap !== undefined && previous.maxFeePerGas >= cap) return;
    let fees = bumpFees(previous, await this.#fees(), this.#o.bumpPct);
    if (cap !== undefined && fees.maxFeePerGas > cap) fees = { ...fees, maxFeePerGas: cap };
    const cancel = kind === 'cancel' || last.cancel === true;
    const attempt = cancel
      ? await this.#sign(this.address, undefined, 0n, 21_000n, record.nonce!, fees, true)
      : await this.#sign(
          record.request.to,
          record.request.data,
          BigInt(record.request.value),
          BigInt(record.request.gas),
          record.nonce!,
          fees,
        );
    const next: TxRecord = { ...record, attempts: [...record.attempts, attempt], updatedAt: this.#o.now() };
    this.#write(next);
    this.#o.log.info(
      cancel ? 'cancelling a transaction’s nonce' : 'replacing a slow transaction with higher fees',
      {
        key: record.key,
        nonce: record.nonce,
        hash: attempt.hash,
        maxFeePerGas: attempt.maxFeePerGas,
      },
    );
    await this.#requests.get(record.key)?.onSent?.(attempt.hash, record.nonce!);
    const { answer, words } = await this.#broadcast(attempt.raw);
    if (answer === 'rejected' && !cancel) {
      // The higher fee cannot be paid (or the call no longer fits): the earlier attempt is still in the pool.
      this.#o.log.warn('a replacement was refused; the earlier attempt stays', {
        key: record.key,
        error: words,
      });
    }
  }

  #finish(record: TxRecord, receipt: TransactionReceipt): void {
    const cancelled = record.attempts.find((a) => a.hash === receipt.transactionHash)?.cancel === true;
    const state = cancelled ? 'failed' : receipt.status === 'success' ? 'confirmed' : 'reverted';
    const error = cancelled
      ? 'Cancelled: it could no longer be sent.'
      : state === 'reverted'
        ? 'Reverted on-chain.'
        : undefined;
    this.#write({
      ...record,
      state,
      hash: receipt.transactionHash,
      blockNumber: String(receipt.blockNumber),
      ...(error ? { error } : {}),
      updatedAt: this.#o.now(),
    });
    this.#o.log.info(`transaction ${state}`, {
      key: record.key,
      nonce: record.nonce,
      hash: receipt.transactionHash,
    });
    const waiter = this.#waiters.get(record.key);
    this.#waiters.delete(record.key);
    this.#requests.delete(record.key);
    if (!waiter) return;
    if (state === 'confirmed') {
      waiter.resolve({
        status: 'confirmed',
        key: record.key,
        hash: receipt.transactionHash,
        nonce: record.nonce!,
        receipt,
      });
    } else {
      waiter.reject(
        new TxFailedError(state === 'reverted' ? 'The transaction reverted.' : error!, {
          key: record.key,
          hash: receipt.transactionHash,
          receipt,
        }),
      );
    }
  }

  #fail(record: TxRecord, error: string): void {
    this.#write({ ...record, state: 'failed', error, updatedAt: this.#o.now() });
    this.#o.log.warn('transaction failed', { key: record.key, nonce: record.nonce, error });
    const waiter = this.#waiters.get(record.key);
    this.#waiters.delete(record.key);
    this.#requests.delete(record.key);
    waiter?.reject(new TxFailedError(error, { key: record.key }));
  }

  async #receiptOf(record: TxRecord): Promise<TransactionReceipt | undefined> {
    for (const attempt of [...record.attempts].reverse()) {
      try {
        return await this.#o.client.getTransactionReceipt({ hash: attempt.hash });
      } catch (err) {
        if ((err as Error).name !== 'TransactionReceiptNotFoundError') throw err;
      }
    }
    return undefined;
  }

  async #anyKnown(record: TxRecord): Promise<boolean> {
    for (const attempt of [...record.attempts].reverse()) if (await this.#known(attempt.hash)) return true;
    return false;
  }

  async #known(hash: Hash): Promise<boolean> {
    try {
      await this.#o.client.getTransaction({ hash });
      return true;
    } catch (err) {
      if ((err as Error).name === 'TransactionNotFoundError') return false;
      throw err;
    }
  }

  // ---- helpers --------------------------------------------------------------------------------------------

  async #alreadyDone(request: TxRequest): Promise<boolean> {
    if (!request.alreadyDone) return false;
    return this.#rpc('pre-send check', request.alreadyDone);
  }

  #markDone(request: TxRequest): TxOutcome {
    const now = this.#o.now();
    const previous = this.#store.get(request.key);
    this.#write({
      v: 1,
      key: request.key,
      ...(request.label ? { label: request.label } : {}),
      state: 'done',
      from: this.address,
      chainId: this.chainId,
      request: {
        to: request.to,
        ...(request.data ? { data: request.data } : {}),
        value: String(request.value ?? 0n),
        gas: '0',
      },
      nonce: null,
      attempts: previous?.attempts ?? [],
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    });
    this.#o.log.info('action already done on-chain; nothing sent', { key: request.key });
    return { status: 'alreadyDone', key: request.key };
  }

  #write(record: TxRecord): void {
    this.#store.write(record);
    for (const listener of [...this.#listeners]) listener(record);
  }

  #waiter(key: string): Waiter {
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

  #rpc<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRpcRetry(what, fn, { attempts: this.#o.rpcAttempts, delayMs: 50 });
  }

  #locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }
}

function stopped(): FlywheelError {
  return new FlywheelError(
    'The transaction manager stopped; pending transactions are tracked again at the next start.',
    {
      code: 'UNAVAILABLE',
    },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
