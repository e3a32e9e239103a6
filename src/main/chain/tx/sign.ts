import { keccak256, type Address, type Hex } from 'viem';
import type { TxContext } from './context';
import type { Fees } from './fees';
import type { TxAttempt } from './record';

/** Signs one attempt of a transaction (EIP-1559) with the account's key; a cancel is a 0-value transfer to self. */
export async function signAttempt(
  ctx: TxContext,
  tx: { to: Address; data?: Hex; value: bigint; gas: bigint },
  nonce: number,
  fees: Fees,
  cancel?: true,
): Promise<TxAttempt> {
  const raw = await ctx.o.account.signTransaction!({
    chainId: ctx.chainId,
    type: 'eip1559',
    nonce,
    to: tx.to,
    data: tx.data,
    value: tx.value,
    gas: tx.gas,
    maxFeePerGas: fees.maxFeePerGas,
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
  });
  return {
    hash: keccak256(raw),
    raw,
    maxFeePerGas: String(fees.maxFeePerGas),
    maxPriorityFeePerGas: String(fees.maxPriorityFeePerGas),
    at: ctx.o.now(),
    ...(cancel ? { cancel } : {}),
  };
}
