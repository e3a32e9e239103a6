import type { Address } from 'viem';
import { standingAction } from './economyAction';
import { readProvider } from './readProvider';
import type { ActionClient, ActionReceipt } from './send';

export interface PauseProviderParameters {
  economy: Address;
}

export type PauseProviderReturnType = ActionReceipt;

/**
 * Stops being drawn for new jobs in the economy (assigned jobs go on). A provider that is not active is left as it is and nothing is sent.
 *
 * @example
 * await pauseProvider(client, { economy });
 */
export const pauseProvider: (
  client: ActionClient,
  params: PauseProviderParameters,
) => Promise<PauseProviderReturnType> = standingAction({
  name: 'pauseProvider',
  functionName: 'pause',
  args: () => [] as const,
  read: readProvider,
  key: (p) => [p.status, p.lastIncreaseBlock, p.jailedUntil],
  label: 'Pause taking jobs',
  done: (p) => p.status !== 'Active',
});
