import type { Address } from 'viem';
import type { JobKind } from '#shared/api/jobs';
import { kindsMask } from '../chain/enums';
import { pauseProvider } from '../chain/actions/pauseProvider';
import { readProvider } from '../chain/actions/readProvider';
import { resumeProvider } from '../chain/actions/resumeProvider';
import type { ActionClient, ActionReceipt } from '../chain/actions/send';
import { updateProfile } from '../chain/actions/updateProfile';

export interface ProfileChange {
  economy: Address;
  kinds: readonly JobKind[];
  capacity: number;
}

/**
 * Brings this provider's on-chain job kinds and capacity in line with `want`. The contract takes a new profile only
 * while Paused, so an Active provider pauses, updates and resumes (three transactions; assigned jobs go on
 * meanwhile), a Paused one only updates and stays paused. Any other standing (exiting, jailed) is left alone, as is
 * a profile that already matches. Returns the transactions sent, in order.
 */
export async function syncProfile(
  client: ActionClient,
  want: ProfileChange,
): Promise<{ label: string; receipt: ActionReceipt }[]> {
  const p = await readProvider(client, { economy: want.economy, account: client.tx.address });
  if (p.status !== 'Active' && p.status !== 'Paused') return [];
  if (p.kinds === kindsMask(want.kinds) && p.capacity === want.capacity) return [];
  const sent: { label: string; receipt: ActionReceipt }[] = [];
  const wasActive = p.status === 'Active';
  if (wasActive) {
    sent.push({
      label: 'Pause to change the profile',
      receipt: await pauseProvider(client, { economy: want.economy }),
    });
  }
  sent.push({
    label: 'Update the job kinds and capacity',
    receipt: await updateProfile(client, {
      economy: want.economy,
      kinds: want.kinds,
      capacity: want.capacity,
    }),
  });
  if (wasActive) {
    sent.push({
      label: 'Resume taking jobs',
      receipt: await resumeProvider(client, { economy: want.economy }),
    });
  }
  return sent;
}
