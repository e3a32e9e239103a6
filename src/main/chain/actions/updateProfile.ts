import type { Address } from 'viem';
import type { JobKind } from '../../../shared/api/jobs';
import { economyAbi } from '../artifacts';
import { kindsMask } from '../enums';
import { readProvider } from './readProvider';
import { sendCall, type ActionClient, type ActionErrorType, type ActionReceipt } from './send';

export interface UpdateProfileParameters {
  economy: Address;
  /** A new benchmarked score (1 … 1,000,000). */
  score: number;
  kinds: readonly JobKind[];
  capacity: number;
}

export type UpdateProfileReturnType = ActionReceipt;
export type UpdateProfileErrorType = ActionErrorType;

/**
 * Declares a new score, job kinds and capacity (active or paused). A profile that already says exactly this is
 * recognised and nothing is sent.
 *
 * @example
 * await updateProfile(client, { economy, score: 140, kinds: ['inference', 'fine-tune'], capacity: 4 });
 */
export async function updateProfile(
  client: ActionClient,
  params: UpdateProfileParameters,
): Promise<UpdateProfileReturnType> {
  const me = client.tx.address;
  const score = Math.max(1, Math.min(1_000_000, Math.round(params.score)));
  const kinds = kindsMask(params.kinds);
  const before = await readProvider(client, { economy: params.economy, account: me });
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'updateProfile',
    args: [score, kinds, params.capacity],
    key: `updateProfile:${params.economy}:${score}:${kinds}:${params.capacity}:${before.lastIncreaseBlock}`,
    label: 'Update the declared score and capacity',
    alreadyDone: async () => {
      const p = await readProvider(client, { economy: params.economy, account: me });
      return p.score === score && p.kinds === kinds && p.capacity === params.capacity;
    },
  });
}
