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
  kinds: number;
  capacity: number;
  activeJobs: number;
  strikes: number;
  /** Unix seconds; 0 unless exiting. */
  unbondingEndsAt: number;
  /** Unix seconds; 0 unless jailed. */
  jailedUntil: number;
  /**
   * While active: the last block in which its chance of being drawn rose (register, bond, resume, unjail, a freed
   * last slot, a decline). Otherwise: the block it left the draw in. A draw seeded before this block that lands on
   * the provider ends there and the job is re-seeded (DrawMissed).
   */
  lastIncreaseBlock: bigint;
  /** Relative chance of being drawn now: free bond in milli-tokens (0 while paused, full, jailed or under minBond). */
  weight: bigint;
  /**
   * Its leaf in the draw tree of each kind it serves (bond in milli-tokens while drawable). One that left keeps its
   * leaf until a draw lands on it.
   */
  treeWeight: bigint;
  /** Bond earning emission now: the whole bond while active and at least minBond, else 0. */
  stake: bigint;
  /** Accept windows missed in a row (no-shows); at 3 the contract pauses the provider. Reset by accept, resume. */
  noShows: number;
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
    kinds: p.kinds,
    capacity: p.capacity,
    activeJobs: p.activeJobs,
    strikes: p.strikes,
    unbondingEndsAt: Number(p.unbondingEndsAt),
    jailedUntil: Number(p.jailedUntil),
    lastIncreaseBlock: p.lastIncreaseBlock,
    weight: p.weight,
    treeWeight: p.treeWeight,
    stake: p.stake,
    noShows: Number(p.noShows),
  };
}
