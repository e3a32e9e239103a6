import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readProvider } from './readProvider';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface UnjailParameters {
  economy: Address;
}

export type UnjailReturnType = ActionReceipt;
export type UnjailErrorType = ActionErrorType;

/**
 * Returns a jailed provider to the draw after its cool-down (strikes cleared; the bond must still be at least minBond). A provider not jailed is left as it is.
 *
 * @example
 * await unjail(client, { economy });
 */
export async function unjail(client: ActionClient, params: UnjailParameters): Promise<UnjailReturnType> {
  const me = client.tx.address;
  const before = await readProvider(client, { economy: params.economy, account: me });
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'unjail',
    args: [],
    key: `unjail:${params.economy}:${before.status}:${before.lastIncreaseBlock}:${before.jailedUntil}`,
    label: 'Leave jail',
    alreadyDone: async () =>
      (await readProvider(client, { economy: params.economy, account: me })).status !== 'Jailed',
  });
}
