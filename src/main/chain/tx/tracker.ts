import type { TransactionReceipt } from 'viem';
import { broadcast, isKnown } from './broadcast';
import type { TxContext, TxRequest } from './context';
import { isTransient, revertWords, TxFailedError } from './errors';
import { bumpFees, currentFees } from './fees';
import type { TxRecord } from './record';
import { alreadyDone } from './simulate';
import { signAttempt } from './sign';

/**
 * Follows the pending transactions until they are final, polling every `pollingIntervalMs` while any is pending:
 * - a receipt counts after `confirmations` blocks (confirmed, reverted, or failed when a cancel was mined);
 * - a transaction missing from the mempool is broadcast again; one that can no longer be sent has its nonce taken
 *   by a 0-value transfer to self, so later nonces are not stuck;
 * - one unmined after `bumpAfterMs` is replaced with the same nonce and fees ≥ +12.5 % (up to the fee cap);
 * - one whose nonce another transaction took fails (checked three times: receipts can lag).
 */
export class TxTracker {
  readonly #ctx: TxContext;
  readonly #checkedAt = new Map<string, number>();
  readonly #suspect = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> | undefined;

  constructor(ctx: TxContext) {
    this.#ctx = ctx;
  }

  /** Polls again after the interval, unless a poll is due or running, or nothing is pending. */
  schedule(): void {
    const ctx = this.#ctx;
    if (ctx.closed() || this.#timer || this.#tick || ctx.store.pending().length === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#tick = this.#track()
        .catch((err: Error) =>
          ctx.o.log.warn('transaction tracking failed; trying again', { error: err.message }),
        )
        .finally(() => {
          this.#tick = undefined;
          this.schedule();
        });
    }, ctx.o.pollingIntervalMs);
  }

  /** Stops polling; resolves once a poll under way is over. */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    await this.#tick;
  }

  async #track(): Promise<void> {
    const ctx = this.#ctx;
    let head: bigint;
    try {
      head = await ctx.o.client.getBlockNumber({ cacheTime: 0 });
    } catch (err) {
      if (isTransient(err)) return;
      throw err;
    }
    for (const record of ctx.store.pending()) {
      if (ctx.closed()) return;
      if (ctx.sending.has(record.key)) continue;
      try {
        await this.#trackOne(record, head);
      } catch (err) {
        // A lost request ends this round for this record; the next tick asks again.
        if (!isTransient(err)) throw err;
      }
    }
  }

  async #trackOne(record: TxRecord, head: bigint): Promise<void> {
    const ctx = this.#ctx;
    const receipt = await this.#receiptOf(record);
    if (receipt) {
      this.#suspect.delete(record.key);
      if (head - receipt.blockNumber + 1n >= BigInt(ctx.o.confirmations)) await this.#finish(record, receipt);
      return;
    }
    const now = ctx.o.now();
    if (now - (this.#checkedAt.get(record.key) ?? 0) >= ctx.o.dropCheckMs) {
      this.#checkedAt.set(record.key, now);
      const known = await this.#anyKnown(record);
      if (!known) {
        const count = await ctx.o.client.getTransactionCount({ address: ctx.address, blockTag: 'latest' });
        if (count > record.nonce!) {
          // The nonce is used but none of our hashes has a receipt. Receipts can lag a moment: be sure first.
          const seen = (this.#suspect.get(record.key) ?? 0) + 1;
          this.#suspect.set(record.key, seen);
          if (seen >= 3) this.#fail(record, 'Another transaction from this account took its nonce.');
          return;
        }
        ctx.o.log.info('transaction missing from the mempool; broadcasting it again', {
          key: record.key,
          nonce: record.nonce,
        });
        await this.#resend(record);
        return;
      }
    }
    const last = record.attempts.at(-1)!;
    if (now - last.at >= ctx.o.bumpAfterMs) await this.#replace(record, 'bump');
  }

  /** Broadcasts the newest attempt again (after a drop or a restart). */
  async #resend(record: TxRecord): Promise<void> {
    const { answer, words } = await broadcast(this.#ctx, record.attempts.at(-1)!.raw);
    if (answer === 'underpriced') await this.#replace(record, 'bump');
    else if (answer === 'rejected') {
      this.#ctx.o.log.warn('a pending transaction can no longer be sent; cancelling its nonce', {
        key: record.key,
        nonce: record.nonce,
        error: words,
      });
      await this.#replace(record, 'cancel');
    }
  }

  /** Signs a new attempt with the same nonce and higher fees: the same call (bump) or a 0-value self-transfer. */
  async #replace(record: TxRecord, kind: 'bump' | 'cancel'): Promise<void> {
    const ctx = this.#ctx;
    const last = record.attempts.at(-1)!;
    const previous = {
      maxFeePerGas: BigInt(last.maxFeePerGas),
      maxPriorityFeePerGas: BigInt(last.maxPriorityFeePerGas),
    };
    const cap = ctx.o.maxFeePerGasCap;
    if (kind === 'bump' && cap !== undefined && previous.maxFeePerGas >= cap) return;
    let fees = bumpFees(previous, await currentFees(ctx), ctx.o.bumpPct);
    if (cap !== undefined && fees.maxFeePerGas > cap) fees = { ...fees, maxFeePerGas: cap };
    const cancel = kind === 'cancel' || last.cancel === true;
    const attempt = cancel
      ? await signAttempt(ctx, { to: ctx.address, value: 0n, gas: 21_000n }, record.nonce!, fees, true)
      : await signAttempt(
          ctx,
          {
            to: record.request.to,
            data: record.request.data,
            value: BigInt(record.request.value),
            gas: BigInt(record.request.gas),
          },
          record.nonce!,
          fees,
        );
    const next: TxRecord = { ...record, attempts: [...record.attempts, attempt], updatedAt: ctx.o.now() };
    ctx.write(next);
    ctx.o.log.info(
      cancel ? 'cancelling a transaction’s nonce' : 'replacing a slow transaction with higher fees',
      {
        key: record.key,
        nonce: record.nonce,
        hash: attempt.hash,
        maxFeePerGas: attempt.maxFeePerGas,
      },
    );
    await ctx.requests.get(record.key)?.onSent?.(attempt.hash, record.nonce!);
    const { answer, words } = await broadcast(ctx, attempt.raw);
    if (answer === 'rejected' && !cancel) {
      // The higher fee cannot be paid (or the call no longer fits): the earlier attempt is still in the pool.
      ctx.o.log.warn('a replacement was refused; the earlier attempt stays', {
        key: record.key,
        error: words,
      });
    }
  }

  async #finish(record: TxRecord, receipt: TransactionReceipt): Promise<void> {
    const ctx = this.#ctx;
    const cancelled = record.attempts.find((a) => a.hash === receipt.transactionHash)?.cancel === true;
    const mined = cancelled ? 'failed' : receipt.status === 'success' ? 'confirmed' : 'reverted';
    const why = mined === 'reverted' ? await this.#revertWords(record, receipt) : undefined;
    // A race lost in the block (someone else settled the challenge first): the action is done, which is what the
    // caller asked for; the gas is spent, and the record says so.
    const request = ctx.requests.get(record.key);
    const lostRace = mined === 'reverted' && request !== undefined && (await this.#doneNow(request));
    const state = lostRace ? 'done' : mined;
    const error = cancelled
      ? 'Cancelled: it could no longer be sent.'
      : mined === 'reverted'
        ? `Reverted on-chain${why ? `: ${why.raw}` : ''}${lostRace ? ' (another transaction had done it first)' : ''}`
        : undefined;
    ctx.write({
      ...record,
      state,
      hash: receipt.transactionHash,
      blockNumber: String(receipt.blockNumber),
      ...(error ? { error } : {}),
      updatedAt: ctx.o.now(),
    });
    ctx.o.log.info(
      lostRace ? 'transaction reverted: its action was done first by another' : `transaction ${state}`,
      {
        key: record.key,
        nonce: record.nonce,
        hash: receipt.transactionHash,
        ...(why ? { reason: why.raw } : {}),
      },
    );
    const waiter = ctx.waiters.take(record.key);
    ctx.requests.delete(record.key);
    if (!waiter) return;
    if (state === 'done') {
      waiter.resolve({ status: 'alreadyDone', key: record.key });
    } else if (state === 'confirmed') {
      waiter.resolve({
        status: 'confirmed',
        key: record.key,
        hash: receipt.transactionHash,
        nonce: record.nonce!,
        receipt,
      });
    } else {
      waiter.reject(
        new TxFailedError(
          state === 'reverted'
            ? `The transaction reverted${record.label ? ` (${record.label}, key ${record.key})` : ` (key ${record.key})`}${why ? `: ${why.sentence}` : '.'}`
            : error!,
          {
            key: record.key,
            hash: receipt.transactionHash,
            receipt,
            ...(why ? { details: `Reverted on-chain: ${why.raw}` } : {}),
            ...(why?.action !== undefined ? { action: why.action } : {}),
          },
        ),
      );
    }
  }

  /**
   * Why a mined transaction reverted: the same call replayed on the state its block left (a receipt carries no
   * reason). That state is the one that made it fail when another transaction got there first in the block (a
   * challenge resolved by someone else), which is the usual case; undefined when the replay passes or cannot be
   * made. The contract's custom error is decoded with the request's ABI while the request is in memory.
   */
  async #revertWords(
    record: TxRecord,
    receipt: TransactionReceipt,
  ): Promise<{ sentence: string; raw: string; action?: string } | undefined> {
    const ctx = this.#ctx;
    const request = ctx.requests.get(record.key);
    const limit = BigInt(record.request.gas);
    if (receipt.gasUsed >= limit) {
      // Every unit of gas went: the work cost more in the block than in the simulation (the state grew between).
      return {
        sentence: `It ran out of gas: it used all of its ${limit} gas limit.`,
        raw: `out of gas (${receipt.gasUsed} of ${limit})`,
        action: 'Try again: the new estimate sees the state as it is now.',
      };
    }
    const replay = (gas: bigint | undefined) =>
      ctx.o.client.call({
        account: ctx.address,
        to: record.request.to,
        data: record.request.data,
        value: BigInt(record.request.value),
        ...(gas !== undefined ? { gas } : {}),
        blockNumber: receipt.blockNumber,
      });
    try {
      await replay(limit);
      return undefined;
    } catch (err) {
      if (isTransient(err)) return undefined;
      // Out of gas without using it all: a call into another contract gets at most 63/64 of what is left, and when
      // that runs out the outer call reverts with the rest unspent and no reason. The same replay with the node's
      // own gas cap passing says so.
      if (
        await replay(undefined).then(
          () => true,
          () => false,
        )
      ) {
        return {
          sentence: `It ran out of gas: the work cost more in its block than its ${limit} gas limit allowed.`,
          raw: `out of gas (${receipt.gasUsed} of ${limit}, in a call it made)`,
          action: 'Try again: the new estimate sees the state as it is now.',
        };
      }
      const words = revertWords(err, request?.abi, request?.units);
      return {
        sentence: words.sentence.replace(/^The transaction would fail: /, ''),
        raw: words.raw,
        ...(words.action !== undefined ? { action: words.action } : {}),
      };
    }
  }

  /** The request's own check that its action is done on-chain; false without one or when it cannot be asked. */
  async #doneNow(request: TxRequest): Promise<boolean> {
    if (!request.alreadyDone) return false;
    try {
      return await alreadyDone(this.#ctx, request);
    } catch {
      return false;
    }
  }

  #fail(record: TxRecord, error: string): void {
    const ctx = this.#ctx;
    ctx.write({ ...record, state: 'failed', error, updatedAt: ctx.o.now() });
    ctx.o.log.warn('transaction failed', { key: record.key, nonce: record.nonce, error });
    const waiter = ctx.waiters.take(record.key);
    ctx.requests.delete(record.key);
    waiter?.reject(new TxFailedError(error, { key: record.key }));
  }

  async #receiptOf(record: TxRecord): Promise<TransactionReceipt | undefined> {
    for (const attempt of [...record.attempts].reverse()) {
      try {
        return await this.#ctx.o.client.getTransactionReceipt({ hash: attempt.hash });
      } catch (err) {
        if ((err as Error).name !== 'TransactionReceiptNotFoundError') throw err;
      }
    }
    return undefined;
  }

  async #anyKnown(record: TxRecord): Promise<boolean> {
    for (const attempt of [...record.attempts].reverse())
      if (await isKnown(this.#ctx, attempt.hash)) return true;
    return false;
  }
}
