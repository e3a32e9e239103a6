import type { Address } from 'viem';
import { standingAction } from './economyAction';
import { readValidator } from './readValidator';
import type { ActionClient, ActionReceipt } from './send';

export interface WithdrawValidatorBondParameters {
  economy: Address;
  /** Where the bond goes: the payout address or the wallet. */
  to: Address;
}

export type WithdrawValidatorBondReturnType = ActionReceipt;

/**
 * Pays an exiting validator's bond out after the unbonding period, once no commitment, challenge or unsettled vote
 * holds any of it (reverts `StillUnbonding` / `CollateralLocked` before). Already withdrawn → nothing is sent.
 *
 * @example
 * await withdrawValidatorBond(client, { economy, to: payoutAddress });
 */
export const withdrawValidatorBond: (
  client: ActionClient,
  params: WithdrawValidatorBondParameters,
) => Promise<WithdrawValidatorBondReturnType> = standingAction({
  name: 'withdrawValidatorBond',
  functionName: 'withdrawValidatorBond',
  args: (params: WithdrawValidatorBondParameters) => [params.to] as const,
  read: readValidator,
  key: (v) => [v.unbondingEndsAt, v.bond],
  label: 'Withdraw the validator bond',
  done: (v) => v.status === 'Exited',
});
