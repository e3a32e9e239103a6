import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readProvider } from './readProvider';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface WithdrawBondParameters {
  economy: Address;
  /** Where the bond goes: the payout address or the wallet. */
  to: Address;
}

export type WithdrawBondReturnType = ActionReceipt;
export type WithdrawBondErrorType = ActionErrorType;

/**
 * Pays the whole bond out after the unbonding period, once no job locks any of it (reverts `StillUnbonding` /
 * `CollateralLocked` before). Already withdrawn → nothing is sent.
 *
 * @example
 * await withdrawBond(client, { economy, to: payoutAddress });
 */
export async function withdrawBond(
  client: ActionClient,
  params: WithdrawBondParameters,
): Promise<WithdrawBondReturnType> {
  const me = client.tx.address;
  const before = await readProvider(client, { economy: params.economy, account: me });
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'withdrawBond',
    args: [params.to],
    key: `withdrawBond:${params.economy}:${before.unbondingEndsAt}:${before.bond}`,
    label: 'Withdraw the bond',
    alreadyDone: async () =>
      (await readProvider(client, { economy: params.economy, account: me })).status === 'Exited',
  });
}
