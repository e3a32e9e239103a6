import { isTransient, rpcFailed } from './errors';

export interface RetryOptions {
  attempts: number;
  /** First pause; doubled after each failure, capped at 2 s. */
  delayMs: number;
}

/**
 * Runs an RPC call again while it fails for connection reasons (a dropped request, a 503, a timeout). Answers
 * about the request itself (a revert, a refusal) are returned to the caller at once. After the last attempt a
 * connection failure becomes RPC_FAILED.
 */
export async function withRpcRetry<T>(what: string, fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  let delay = options.delayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransient(err)) throw err;
      if (attempt >= options.attempts) throw rpcFailed(what, err);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2000);
    }
  }
}
