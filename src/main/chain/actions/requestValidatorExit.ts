import type { Address } from 'viem';
import { standingAction } from './economyAction';
import { readValidator } from './readValidator';
import type { ActionClient, ActionReceipt } from './send';

export interface RequestValidatorExitParameters {
  economy: Address;
}

export type RequestValidatorExitReturnType = ActionReceipt;

/**
 * Stops validating in an economy and starts unbonding: no new commitments from now (votes in challenges opened
 * before still count); the bond can be withdrawn after the unbonding period once nothing is locked and every vote
 * is settled. Already exiting (or exited) → nothing is sent.
 *
 * @example
 * await requestValidatorExit(client, { economy });
 */
export const requestValidatorExit: (
  client: ActionClient,
  params: RequestValidatorExitParameters,
) => Promise<RequestValidatorExitReturnType> = standingAction({
  name: 'requestValidatorExit',
  functionName: 'requestValidatorExit',
  args: () => [] as const,
  read: readValidator,
  // One exit per bonding: `stakeBlock` moves with each registration (and each top-up), so an exit after bonding
  // again is a new one even with the same bond.
  key: (v) => [v.status, v.stakeBlock],
  label: 'Stop validating (start unbonding)',
  done: (v) => v.status === 'Exiting' || v.status === 'Exited',
});
