import type { Address } from 'viem';
import { FlywheelError } from '#shared/errors';
import type { TxContext, TxRequest } from './context';
import type { ErrorUnits } from './contractErrors';
import { revertWords, TxFailedError } from './errors';
import { withMargin } from './fees';

/**
 * The gas a request needs, from an estimate that also simulates the call (with the margin), before any nonce is
 * taken: a call that would revert costs nothing. `alreadyDone` when it reverts because the action is done already
 * (a result already submitted); any other revert is a TxFailedError naming the contract's reason.
 */
export async function simulate(ctx: TxContext, request: TxRequest): Promise<bigint | 'alreadyDone'> {
  if (request.gas !== undefined) return request.gas;
  try {
    const estimate = await ctx.rpc('gas estimate', () =>
      ctx.o.client.estimateGas({
        account: ctx.address,
        to: request.to,
        data: request.data,
        value: request.value,
      }),
    );
    // A plain transfer's gas never moves; a contract call's may (GAS_HEADROOM).
    const headroom = request.data && request.data !== '0x' ? ctx.o.gasHeadroom : 0n;
    return withMargin(estimate, ctx.o.gasMarginPct, headroom);
  } catch (err) {
    if (err instanceof FlywheelError && err.code === 'RPC_FAILED') throw err;
    // The call would revert (or cannot pay): nothing signed, no nonce taken. Maybe it reverts because the
    // action is already done (a result already submitted): then that is the answer.
    if (await alreadyDone(ctx, request)) return 'alreadyDone';
    const words = revertWords(err, request.abi, request.units ?? (await unitsOf(ctx, request.to)));
    throw new TxFailedError(words.sentence, {
      key: request.key,
      details: `The transaction would fail: ${words.raw}`,
      ...(words.action !== undefined ? { action: words.action } : {}),
      cause: err,
    });
  }
}

/** The request's own check that its action is already done on-chain (false when it has none). */
export async function alreadyDone(ctx: TxContext, request: TxRequest): Promise<boolean> {
  if (!request.alreadyDone) return false;
  return ctx.rpc('pre-send check', request.alreadyDone);
}

/**
 * The token symbol to write a revert's amounts in, read only when a transaction would fail: the contract's own
 * `symbol()` (a token), else its `token()`'s (an economy); "tokens" when neither answers.
 */
async function unitsOf(ctx: TxContext, to: Address): Promise<ErrorUnits> {
  const read = (address: Address, name: 'symbol' | 'token') =>
    ctx.o.client.readContract({
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
