import type { Address } from 'viem';
import { economyTokenAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface TransferTokenParameters {
  token: Address;
  to: Address;
  /** Base units. */
  amount: bigint;
  /** Names this transfer so it is never sent twice (`fund:<token>:<to>`): two payments need two keys. */
  key: string;
}

export type TransferTokenReturnType = ActionReceipt;

/**
 * Sends tokens of an economy to an account (ERC-20 transfer): how the devnet funds wallets from the genesis
 * creator's supply.
 *
 * @example
 * await transferToken(adminClient, { token, to: wallet, amount: 1000n * 10n ** 18n, key: `fund:${token}:${wallet}` });
 */
export async function transferToken(
  client: ActionClient,
  params: TransferTokenParameters,
): Promise<TransferTokenReturnType> {
  return sendCall({
    client,
    abi: economyTokenAbi,
    address: params.token,
    functionName: 'transfer',
    args: [params.to, params.amount],
    key: params.key,
    label: `Send ${params.amount} token units to ${params.to}`,
  });
}
