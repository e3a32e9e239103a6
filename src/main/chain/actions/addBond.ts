import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readProvider } from './readProvider';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface AddBondParameters {
  economy: Address;
  /** Tokens to add (base units); the economy must be approved for them. */
  amount: bigint;
}

export type AddBondReturnType = ActionReceipt;
export type AddBondErrorType = ActionErrorType;

/**
 * Adds to the provider's bond (active, paused or jailed). The bond seen before is part of the key, so a retry of
 * one top-up never adds twice while a later top-up is a new transaction.
 *
 * @example
 * await addBond(client, { economy, amount: 50n * 10n ** 18n });
 */
export async function addBond(client: ActionClient, params: AddBondParameters): Promise<AddBondReturnType> {
  const before = await readProvider(client, { economy: params.economy, account: client.tx.address });
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'addBond',
    args: [params.amount],
    key: `addBond:${params.economy}:${before.bond}:${before.lastIncreaseBlock}:${params.amount}`,
    label: 'Add to the bond',
  });
}
