import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readProvider } from './readProvider';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface ResumeProviderParameters {
  economy: Address;
}

export type ResumeProviderReturnType = ActionReceipt;
export type ResumeProviderErrorType = ActionErrorType;

/**
 * Makes a paused provider drawable again. A provider that is not paused is left as it is and nothing is sent.
 *
 * @example
 * await resumeProvider(client, { economy });
 */
export async function resumeProvider(
  client: ActionClient,
  params: ResumeProviderParameters,
): Promise<ResumeProviderReturnType> {
  const me = client.tx.address;
  const before = await readProvider(client, { economy: params.economy, account: me });
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'resume',
    args: [],
    key: `resumeProvider:${params.economy}:${before.status}:${before.lastIncreaseBlock}:${before.jailedUntil}`,
    label: 'Resume taking jobs',
    alreadyDone: async () =>
      (await readProvider(client, { economy: params.economy, account: me })).status !== 'Paused',
  });
}
