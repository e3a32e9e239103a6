import { FlywheelError } from '#shared/errors';
import { broadcast, isKnown } from './broadcast';
import type { TxContext, TxRequest } from './context';
import { TxFailedError } from './errors';
import { bumpFees, currentFees, type Fees } from './fees';
import type { Nonces } from './nonces';
import type { TxRecord } from './record';
import { signAttempt } from './sign';
import type { Waiter } from './waiters';

/**
 * A new transaction's first send, under the nonce lock: takes a nonce, signs, writes the record down, broadcasts.
 * Returns the key's waiter once the node has the transaction (or may have it), after `tracked` has handed it to
 * tracking; a refusal frees the nonce and throws. An underpriced answer is signed again with higher fees, a nonce
 * taken by another sender with the next one (five tries).
 */
export async function sendNew(
  ctx: TxContext,
  nonces: Nonces,
  request: TxRequest,
  gas: bigint,
  initialFees: Fees,
  tracked: () => void,
): Promise<Waiter> {
  let fees = initialFees;
  for (let tries = 1; ; tries++) {
    if (ctx.closed()) throw stopped();
    const nonce = await nonces.next();
    const attempt = await signAttempt(
      ctx,
      { to: request.to, data: request.data, value: request.value ?? 0n, gas },
      nonce,
      fees,
    );
    const now = ctx.o.now();
    const record: TxRecord = {
      ...recordOf(ctx, request, gas),
      state: 'pending',
      nonce,
      attempts: [attempt],
      createdAt: now,
      updatedAt: now,
    };
    ctx.write(record);
    const waiter = ctx.waiters.for(request.key);
    try {
      await request.onSent?.(attempt.hash, nonce);
    } catch (err) {
      // Nothing was broadcast: the nonce stays free and the caller hears why.
      ctx.waiters.take(request.key);
      ctx.write({
        ...record,
        state: 'failed',
        error: 'Not sent: the caller’s onSent failed.',
        updatedAt: ctx.o.now(),
      });
      throw err;
    }
    const { answer, words } = await broadcast(ctx, attempt.raw);
    const keep = (why: string) => {
      nonces.keep(nonce);
      ctx.o.log.info('transaction sent', { key: request.key, nonce, hash: attempt.hash, answer: why });
      tracked();
      return waiter;
    };
    // 'lost': every try failed on the connection; the node may have it. Keep the nonce; tracking re-sends.
    if (answer === 'accepted' || answer === 'known' || answer === 'lost') return keep(answer);
    try {
      if (answer === 'nonce-too-low') {
        if (await ctx.rpc('transaction lookup', () => isKnown(ctx, attempt.hash))) return keep('known');
        // Another sender with this key took the nonce: read the chain's count again and re-sign.
        ctx.o.log.warn('nonce already used on-chain; taking the next one', { key: request.key, nonce });
        nonces.reread();
      } else if (answer === 'underpriced') {
        fees = bumpFees(fees, await currentFees(ctx), ctx.o.bumpPct);
      }
    } catch (err) {
      // The RPC went away mid-answer: the node may hold this transaction, so its nonce stays taken and
      // tracking settles it (mined, re-sent, or failed once the nonce is seen used by another).
      ctx.o.log.warn('could not settle a send; tracking takes over', {
        key: request.key,
        error: (err as Error).message,
      });
      return keep('unsettled');
    }
    if (answer === 'rejected') {
      // A lost earlier try may have reached the node before this refusal: then the transaction is in.
      try {
        if (await ctx.rpc('transaction lookup', () => isKnown(ctx, attempt.hash))) return keep('known');
      } catch {
        return keep('unsettled');
      }
    }
    if (answer === 'rejected' || tries >= 5) {
      // The node refused it: the nonce was never taken, the next transaction gets it.
      ctx.waiters.take(request.key);
      const err = new TxFailedError(`The node refused the transaction: ${words}`, {
        key: request.key,
        hash: attempt.hash,
      });
      ctx.write({ ...record, state: 'failed', error: err.shortMessage, updatedAt: ctx.o.now() });
      ctx.o.log.warn('transaction refused; its nonce is free again', { key: request.key, nonce });
      throw err;
    }
  }
}

/** What a caller hears once the manager is closed. */
export function stopped(): FlywheelError {
  return new FlywheelError(
    'The transaction manager stopped; pending transactions are tracked again at the next start.',
    { code: 'UNAVAILABLE' },
  );
}

/** What a record keeps of a request, whatever became of it: its key and label, the sender, the chain and the call. */
export function recordOf(
  ctx: TxContext,
  request: TxRequest,
  gas: bigint,
): Pick<TxRecord, 'v' | 'key' | 'label' | 'from' | 'chainId' | 'request'> {
  return {
    v: 1,
    key: request.key,
    ...(request.label ? { label: request.label } : {}),
    from: ctx.address,
    chainId: ctx.chainId,
    request: {
      to: request.to,
      ...(request.data ? { data: request.data } : {}),
      value: String(request.value ?? 0n),
      gas: String(gas),
    },
  };
}
