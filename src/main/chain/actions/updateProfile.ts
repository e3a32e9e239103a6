import type { Address } from 'viem';
import type { JobKind } from '#shared/api/jobs';
import { economyAbi } from '../artifacts';
import { kindsMask } from '../enums';
import { readProvider } from './readProvider';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

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
export async function updateProfile(
  client: ActionClient,
  params: UpdateProfileParameters,
): Promise<UpdateProfileReturnType> {
  const me = client.tx.address;
  const kinds = kindsMask(params.kinds);
  const before = await readProvider(client, { economy: params.economy, account: me });
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'updateProfile',
    args: [kinds, params.capacity],
    // The block it paused in is in the key: each pause → update round is its own transaction.
    key: `updateProfile:${params.economy}:${kinds}:${params.capacity}:${before.lastIncreaseBlock}`,
    label: 'Update the job kinds and capacity',
    alreadyDone: async () => {
      const p = await readProvider(client, { economy: params.economy, account: me });
      return p.kinds === kinds && p.capacity === params.capacity;
    },
  });
}
