import type { Address } from 'viem';
import { standingAction } from './economyAction';
import { readProvider } from './readProvider';
import type { ActionClient, ActionReceipt } from './send';

export interface RequestExitParameters {
  economy: Address;
}

export type RequestExitReturnType = ActionReceipt;

/**
 * Leaves the draw and starts unbonding: the bond can be withdrawn after the economy's unbonding period once no
 * job locks any of it. Already exiting (or exited) → nothing is sent.
 *
 * @example
 * await requestExit(client, { economy });
 */
export const requestExit: (
  client: ActionClient,
  params: RequestExitParameters,
) => Promise<RequestExitReturnType> = standingAction({
  name: 'requestExit',
  functionName: 'requestExit',
  args: () => [] as const,
  read: readProvider,
  key: (p) => [p.id, p.lastIncreaseBlock],
  label: 'Leave the economy (start unbonding)',
  done: (p) => p.status === 'Exiting' || p.status === 'Exited',
});
