import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readValidator } from './readValidator';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface AddValidatorBondParameters {
  economy: Address;
  /** Tokens to add (base units); the economy must be approved for them. */
  amount: bigint;
}

export type AddValidatorBondReturnType = ActionReceipt;
export type AddValidatorBondErrorType = ActionErrorType;

/**
 * Adds to an Active validator's bond; the vote weight it adds counts in challenges opened from the next block on.
 * The standing seen before (bond and `stakeBlock`, which each bonding and top-up moves) is part of the key, so a
 * retry of one top-up never adds twice while a later one — also after bonding again with the same bond — is new.
 *
 * @example
 * await addValidatorBond(client, { economy, amount: 50n * 10n ** 18n });
 */
export async function addValidatorBond(
  client: ActionClient,
  params: AddValidatorBondParameters,
): Promise<AddValidatorBondReturnType> {
  const before = await readValidator(client, { economy: params.economy, account: client.tx.address });
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'addValidatorBond',
    args: [params.amount],
    key: `addValidatorBond:${params.economy}:${before.stakeBlock}:${before.bond}:${params.amount}`,
    label: 'Add to the validator bond',
  });
}
