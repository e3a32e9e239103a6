import type { Hash, Hex } from 'viem';
import type { TxContext } from './context';
import { classifySendError, isTransient, nodeWords, type SendAnswer } from './errors';

/** Broadcasts signed bytes, retrying lost requests with the same bytes (the node takes them at most once). */
export async function broadcast(
  ctx: TxContext,
  raw: Hex,
): Promise<{ answer: 'accepted' | 'lost' | SendAnswer; words: string }> {
  let delay = 50;
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.o.client.sendRawTransaction({ serializedTransaction: raw });
      return { answer: 'accepted', words: '' };
    } catch (err) {
      if (!isTransient(err)) return { answer: classifySendError(err), words: nodeWords(err) };
      if (attempt >= ctx.o.rpcAttempts) return { answer: 'lost', words: nodeWords(err) };
      await sleep(delay);
      delay = Math.min(delay * 2, 2000);
    }
  }
}

/** Whether the node knows a transaction (pending or mined). */
export async function isKnown(ctx: TxContext, hash: Hash): Promise<boolean> {
  try {
    await ctx.o.client.getTransaction({ hash });
    return true;
  } catch (err) {
    if ((err as Error).name === 'TransactionNotFoundError') return false;
    throw err;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
