import type { Address } from 'viem';
import { standingAction } from './economyAction';
import { readProvider } from './readProvider';
import type { ActionClient, ActionReceipt } from './send';

export interface WithdrawBondParameters {
  economy: Address;
  /** Where the bond goes: the payout address or the wallet. */
  to: Address;
}

export type WithdrawBondReturnType = ActionReceipt;

/**
 * Pays the whole bond out after the unbonding period, once no job locks any of it (reverts `StillUnbonding` /
 * `CollateralLocked` before). Already withdrawn → nothing is sent.
 *
 * @example
 * await withdrawBond(client, { economy, to: payoutAddress });
 */
export const withdrawBond: (
  client: ActionClient,
  params: WithdrawBondParameters,
) => Promise<WithdrawBondReturnType> = standingAction({
  name: 'withdrawBond',
  functionName: 'withdrawBond',
  args: (params: WithdrawBondParameters) => [params.to] as const,
  read: readProvider,
  key: (p) => [p.unbondingEndsAt, p.bond],
  label: 'Withdraw the bond',
  done: (p) => p.status === 'Exited',
});
