import { keccak256, maxUint256, toHex, type Address } from 'viem';
import { economyTokenAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface ApproveTokenParameters {
  /** The economy's token. */
  token: Address;
  /** Who may pull the tokens: the economy (for fees, bonds, validator bonds). */
  spender: Address;
  /** Allowance to set, in base units; default: unlimited (one approval serves every later job). */
  amount?: bigint;
}

export type ApproveTokenReturnType = ActionReceipt;

/**
 * Lets `spender` pull the account's tokens (ERC-20 approve). An allowance already at least `amount` is
 * recognised and nothing is sent.
 *
 * @example
 * await approveToken(client, { token, spender: economy });
 */
export async function approveToken(
  client: ActionClient,
  params: ApproveTokenParameters,
): Promise<ApproveTokenReturnType> {
  const amount = params.amount ?? maxUint256;
  const allowance = () =>
    client.publicClient.readContract({
      address: params.token,
      abi: economyTokenAbi,
      functionName: 'allowance',
      args: [client.tx.address, params.spender],
    });
  const current = await allowance();
  if (current >= amount) return { hash: null, receipt: null };
  // Allowances go down as they are spent: the key carries the allowance seen now, so a later top-up is new.
  const seen = keccak256(toHex(`${amount}:${current}`)).slice(2, 18);
  return sendCall({
    client,
    abi: economyTokenAbi,
    address: params.token,
    functionName: 'approve',
    args: [params.spender, amount],
    key: `approve:${params.token}:${params.spender}:${seen}`,
    label: 'Approve the economy to take tokens',
    alreadyDone: async () => (await allowance()) >= amount,
  });
}
