import type { Address } from 'viem';
import type { JobKind } from '#shared/api/jobs';
import { kindsMask } from '../enums';
import { standingAction } from './economyAction';
import { readProvider } from './readProvider';
import type { ActionClient, ActionReceipt } from './send';

export interface UpdateProfileParameters {
  economy: Address;
  kinds: readonly JobKind[];
  /** Jobs held at once, from assignment until final (1 … 64). */
  capacity: number;
}

export type UpdateProfileReturnType = ActionReceipt;

/**
 * Declares new job kinds and capacity. The contract takes them only while the provider is Paused (a change while
 * Active could re-roll draws already seeded): pause first, resume after (provider/profile.ts does all three). A
 * profile that already says exactly this is recognised and nothing is sent.
 *
 * @example
 * await pauseProvider(client, { economy });
 * await updateProfile(client, { economy, kinds: ['inference', 'fine-tune'], capacity: 4 });
 * await resumeProvider(client, { economy });
 */
export const updateProfile: (
  client: ActionClient,
  params: UpdateProfileParameters,
) => Promise<UpdateProfileReturnType> = standingAction({
  name: 'updateProfile',
  functionName: 'updateProfile',
  args: (params: UpdateProfileParameters) => [kindsMask(params.kinds), params.capacity] as const,
  read: readProvider,
  // The block it paused in is in the key: each pause → update round is its own transaction.
  key: (p, params) => [kindsMask(params.kinds), params.capacity, p.lastIncreaseBlock],
  label: 'Update the job kinds and capacity',
  done: (p, params) => p.kinds === kindsMask(params.kinds) && p.capacity === params.capacity,
});
