import type { Address } from 'viem';
import { standingAction } from './economyAction';
import { readValidator } from './readValidator';
import type { ActionClient, ActionReceipt } from './send';

export interface AddValidatorBondParameters {
  economy: Address;
  /** Tokens to add (base units); the economy must be approved for them. */
  amount: bigint;
}

export type AddValidatorBondReturnType = ActionReceipt;

/**
 * Adds to an Active validator's bond; the vote weight it adds counts in challenges opened from the next block on.
 * The standing seen before (bond and `stakeBlock`, which each bonding and top-up moves) is part of the key, so a
 * retry of one top-up never adds twice while a later one — also after bonding again with the same bond — is new.
 *
 * @example
 * await addValidatorBond(client, { economy, amount: 50n * 10n ** 18n });
 */
export const addValidatorBond: (
  client: ActionClient,
  params: AddValidatorBondParameters,
) => Promise<AddValidatorBondReturnType> = standingAction({
  name: 'addValidatorBond',
  functionName: 'addValidatorBond',
  args: (params: AddValidatorBondParameters) => [params.amount] as const,
  read: readValidator,
  key: (v, params) => [v.stakeBlock, v.bond, params.amount],
  label: 'Add to the validator bond',
});
