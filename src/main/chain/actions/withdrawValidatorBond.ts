import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readValidator } from './readValidator';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface WithdrawValidatorBondParameters {
  economy: Address;
  /** Where the bond goes: the payout address or the wallet. */
  to: Address;
}

export type WithdrawValidatorBondReturnType = ActionReceipt;
export type WithdrawValidatorBondErrorType = ActionErrorType;

/**
 * Pays an exiting validator's bond out after the unbonding period, once no commitment, challenge or unsettled vote
 * holds any of it (reverts `StillUnbonding` / `CollateralLocked` before). Already withdrawn → nothing is sent.
 *
 * @example
 * await withdrawValidatorBond(client, { economy, to: payoutAddress });
 */
export async function withdrawValidatorBond(
  client: ActionClient,
  params: WithdrawValidatorBondParameters,
): Promise<WithdrawValidatorBondReturnType> {
  const me = client.tx.address;
  const before = await readValidator(client, { economy: params.economy, account: me });
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'withdrawValidatorBond',
    args: [params.to],
    key: `withdrawValidatorBond:${params.economy}:${before.unbondingEndsAt}:${before.bond}`,
    label: 'Withdraw the validator bond',
    alreadyDone: async () =>
      (await readValidator(client, { economy: params.economy, account: me })).status === 'Exited',
  });
}
