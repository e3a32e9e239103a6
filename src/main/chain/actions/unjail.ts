import type { Address } from 'viem';
import { standingAction } from './economyAction';
import { readProvider } from './readProvider';
import type { ActionClient, ActionReceipt } from './send';

export interface UnjailParameters {
  economy: Address;
}

export type UnjailReturnType = ActionReceipt;

/**
 * Returns a jailed provider to the draw after its cool-down (strikes cleared; the bond must still be at least minBond). A provider not jailed is left as it is.
 *
 * @example
 * await unjail(client, { economy });
 */
export const unjail: (client: ActionClient, params: UnjailParameters) => Promise<UnjailReturnType> =
  standingAction({
    name: 'unjail',
    functionName: 'unjail',
    args: () => [] as const,
    read: readProvider,
    key: (p) => [p.status, p.lastIncreaseBlock, p.jailedUntil],
    label: 'Leave jail',
    done: (p) => p.status !== 'Jailed',
  });
