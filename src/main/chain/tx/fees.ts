import { FlywheelError } from '#shared/errors';
import type { TxContext } from './context';

/** EIP-1559 fees of one attempt, in wei. */
export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/** The fees the chain asks now (EIP-1559), held under the manager's max fee cap where one is set. */
export async function currentFees(ctx: TxContext): Promise<Fees> {
  let fees: Fees;
  try {
    fees = await ctx.rpc('fees', () => ctx.o.client.estimateFeesPerGas());
  } catch (err) {
    if (err instanceof FlywheelError) throw err;
    throw new FlywheelError('This chain does not offer EIP-1559 fees.', {
      code: 'UNAVAILABLE',
      cause: err,
    });
  }
  const cap = ctx.o.maxFeePerGasCap;
  if (cap !== undefined && fees.maxFeePerGas > cap) {
    return {
      maxFeePerGas: cap,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas > cap ? cap : fees.maxPriorityFeePerGas,
    };
  }
  return fees;
}

/**
 * Replacement fees: at least `bumpPct` above the previous attempt on both fields (nodes refuse a replacement
 * under +10 %; +12.5 % clears every common mempool), and never below what the chain asks now.
 */
export function bumpFees(previous: Fees, now: Fees, bumpPct = 12.5): Fees {
  const bump = (x: bigint) => ceilDiv(x * BigInt(Math.round(1000 + bumpPct * 10)), 1000n);
  const maxPriorityFeePerGas = max(bump(previous.maxPriorityFeePerGas), now.maxPriorityFeePerGas);
  const maxFeePerGas = max(max(bump(previous.maxFeePerGas), now.maxFeePerGas), maxPriorityFeePerGas);
  return { maxFeePerGas, maxPriorityFeePerGas };
}

/** A gas estimate with a margin: estimates on random paths can be low when the path changes before mining. */
export function withMargin(gas: bigint, marginPct: number): bigint {
  return ceilDiv(gas * BigInt(100 + marginPct), 100n);
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
