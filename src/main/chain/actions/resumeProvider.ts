import type { Address } from 'viem';
import { standingAction } from './economyAction';
import { readProvider } from './readProvider';
import type { ActionClient, ActionReceipt } from './send';

export interface ResumeProviderParameters {
  economy: Address;
}

export type ResumeProviderReturnType = ActionReceipt;

/**
 * Makes a paused provider drawable again. A provider that is not paused is left as it is and nothing is sent.
 *
 * @example
 * await resumeProvider(client, { economy });
 */
export const resumeProvider: (
  client: ActionClient,
  params: ResumeProviderParameters,
) => Promise<ResumeProviderReturnType> = standingAction({
  name: 'resumeProvider',
  functionName: 'resume',
  args: () => [] as const,
  read: readProvider,
  key: (p) => [p.status, p.lastIncreaseBlock, p.jailedUntil],
  label: 'Resume taking jobs',
  done: (p) => p.status !== 'Paused',
});
