import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readProvider } from './readProvider';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface PauseProviderParameters {
  economy: Address;
}

export type PauseProviderReturnType = ActionReceipt;
export type PauseProviderErrorType = ActionErrorType;

/**
 * Stops being drawn for new jobs in the economy (assigned jobs go on). A provider that is not active is left as it is and nothing is sent.
 *
 * @example
 * await pauseProvider(client, { economy });
 */
export async function pauseProvider(
  client: ActionClient,
  params: PauseProviderParameters,
): Promise<PauseProviderReturnType> {
  const me = client.tx.address;
  const before = await readProvider(client, { economy: params.economy, account: me });
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'pause',
    args: [],
    key: `pauseProvider:${params.economy}:${before.status}:${before.lastIncreaseBlock}:${before.jailedUntil}`,
    label: 'Pause taking jobs',
    alreadyDone: async () =>
      (await readProvider(client, { economy: params.economy, account: me })).status !== 'Active',
  });
}
