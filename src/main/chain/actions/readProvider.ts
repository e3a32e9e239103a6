import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { providerStatusName, type ChainProviderStatus } from '../enums';
import type { ActionClient } from './send';

export interface ReadProviderParameters {
  economy: Address;
  account: Address;
}

/** A provider's standing in one economy (`providerOf`), with its status by name. */
export interface ReadProviderReturnType {
  id: number;
  status: ChainProviderStatus;
  bond: bigint;
  locked: bigint;
  free: bigint;
  score: number;
  kinds: number;
  capacity: number;
  activeJobs: number;
  strikes: number;
  /** Unix seconds; 0 unless exiting. */
  unbondingEndsAt: number;
  /** Unix seconds; 0 unless jailed. */
  jailedUntil: number;
  lastIncreaseBlock: bigint;
  /** Relative chance of being drawn now (0 while paused, full or jailed). */
  weight: bigint;
}

/**
 * Reads `providerOf(account)`; an account that never registered reads as status `None` with zeros.
 *
 * @example
 * const p = await readProvider(client, { economy, account });
 * if (p.status === 'Active') …
 */
export async function readProvider(
  client: Pick<ActionClient, 'publicClient'>,
  params: ReadProviderParameters & { blockNumber?: bigint },
): Promise<ReadProviderReturnType> {
  const p = await client.publicClient.readContract({
    address: params.economy,
    abi: economyAbi,
    functionName: 'providerOf',
    args: [params.account],
    ...(params.blockNumber !== undefined ? { blockNumber: params.blockNumber } : {}),
  });
  return {
    id: p.id,
    status: providerStatusName(p.status),
    bond: p.bond,
    locked: p.locked,
    free: p.free,
    score: p.score,
    kinds: p.kinds,
    capacity: p.capacity,
    activeJobs: p.activeJobs,
    strikes: p.strikes,
    unbondingEndsAt: Number(p.unbondingEndsAt),
    jailedUntil: Number(p.jailedUntil),
    lastIncreaseBlock: p.lastIncreaseBlock,
    weight: p.weight,
  };
}
