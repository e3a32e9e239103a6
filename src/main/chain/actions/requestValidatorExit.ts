import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readValidator } from './readValidator';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface RequestValidatorExitParameters {
  economy: Address;
}

export type RequestValidatorExitReturnType = ActionReceipt;
export type RequestValidatorExitErrorType = ActionErrorType;

/**
 * Stops validating in an economy and starts unbonding: no new commitments from now (votes in challenges opened
 * before still count); the bond can be withdrawn after the unbonding period once nothing is locked and every vote
 * is settled. Already exiting (or exited) → nothing is sent.
 *
 * @example
 * await requestValidatorExit(client, { economy });
 */
export async function requestValidatorExit(
  client: ActionClient,
  params: RequestValidatorExitParameters,
): Promise<RequestValidatorExitReturnType> {
  const me = client.tx.address;
  const before = await readValidator(client, { economy: params.economy, account: me });
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'requestValidatorExit',
    args: [],
    // One exit per bonding: `stakeBlock` moves with each registration (and each top-up), so an exit after bonding
    // again is a new one even with the same bond.
    key: `requestValidatorExit:${params.economy}:${before.status}:${before.stakeBlock}`,
    label: 'Stop validating (start unbonding)',
    alreadyDone: async () => {
      const v = await readValidator(client, { economy: params.economy, account: me });
      return v.status === 'Exiting' || v.status === 'Exited';
    },
  });
}
