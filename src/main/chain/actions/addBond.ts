import type { Address } from 'viem';
import { standingAction } from './economyAction';
import { readProvider } from './readProvider';
import type { ActionClient, ActionReceipt } from './send';

export interface AddBondParameters {
  economy: Address;
  /** Tokens to add (base units); the economy must be approved for them. */
  amount: bigint;
}

export type AddBondReturnType = ActionReceipt;

/**
 * Adds to the provider's bond (active, paused or jailed). The bond seen before is part of the key, so a retry of
 * one top-up never adds twice while a later top-up is a new transaction.
 *
 * @example
 * await addBond(client, { economy, amount: 50n * 10n ** 18n });
 */
export const addBond: (client: ActionClient, params: AddBondParameters) => Promise<AddBondReturnType> =
  standingAction({
    name: 'addBond',
    functionName: 'addBond',
    args: (params: AddBondParameters) => [params.amount] as const,
    read: readProvider,
    key: (p, params) => [p.bond, p.lastIncreaseBlock, params.amount],
    label: 'Add to the bond',
  });
