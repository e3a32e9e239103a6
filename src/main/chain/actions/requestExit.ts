import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readProvider } from './readProvider';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface RequestExitParameters {
  economy: Address;
}

export type RequestExitReturnType = ActionReceipt;
export type RequestExitErrorType = ActionErrorType;

/**
 * Leaves the draw and starts unbonding: the bond can be withdrawn after the economy's unbonding period once no
 * job locks any of it. Already exiting (or exited) → nothing is sent.
 *
 * @example
 * await requestExit(client, { economy });
 */
export async function requestExit(
  client: ActionClient,
  params: RequestExitParameters,
): Promise<RequestExitReturnType> {
  const me = client.tx.address;
  const before = await readProvider(client, { economy: params.economy, account: me });
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'requestExit',
    args: [],
    key: `requestExit:${params.economy}:${before.id}:${before.lastIncreaseBlock}`,
    label: 'Leave the economy (start unbonding)',
    alreadyDone: async () => {
      const p = await readProvider(client, { economy: params.economy, account: me });
      return p.status === 'Exiting' || p.status === 'Exited';
    },
  });
}
