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

/**
 * Gas a contract call may need in its block beyond what its estimate saw. The estimate runs on the chain as it is now;
 * the block runs later, and time-driven work can start in between. The economy's emission is such work: the first
 * settle in a later second credits and mints (an external call and fresh storage writes). Measured on `pause` (anvil,
 * `test/main/chain/tx/gasHeadroom.test.ts`): 55,908 gas in the same second as the provider's last settle, 108,100 a
 * second later, 160,215 when it is the provider's first credit. A 20 % margin on 55,908 left the call 40,000 short,
 * so it reverted on a busy machine, where a second passes between estimate and block. A limit costs nothing unless
 * used: the fee is paid on the gas used.
 */
export const GAS_HEADROOM = 120_000n;

/**
 * A gas limit from an estimate: the margin (estimates on random paths can be low when the path changes before
 * mining) plus the headroom for work that starts between the estimate and the block.
 */
export function withMargin(gas: bigint, marginPct: number, headroom = 0n): bigint {
  return ceilDiv(gas * BigInt(100 + marginPct), 100n) + headroom;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
