import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import type { ActionClient } from './send';

export interface ReadEconomyStatsParameters {
  economy: Address;
}

/** Live counts and balances (`stats()`): the part of an economy's stats that needs no event history. */
export interface ReadEconomyStatsReturnType {
  providerCount: bigint;
  activeProviders: bigint;
  jobCount: bigint;
  totalBonded: bigint;
  treasury: bigint;
  currentEpoch: bigint;
  currentEpochWork: bigint;
  /** This epoch's emission (with any young-economy bonus). */
  currentEmission: bigint;
  totalWeight: bigint;
  activeValidators: bigint;
}

/**
 * Reads an economy's live counters.
 *
 * @example
 * const { activeProviders, totalBonded } = await readEconomyStats(client, { economy });
 */
export async function readEconomyStats(
  client: Pick<ActionClient, 'publicClient'>,
  params: ReadEconomyStatsParameters,
): Promise<ReadEconomyStatsReturnType> {
  const s = await client.publicClient.readContract({
    address: params.economy,
    abi: economyAbi,
    functionName: 'stats',
  });
  return {
    providerCount: s.providerCount,
    activeProviders: s.activeProviders,
    jobCount: s.jobCount,
    totalBonded: s.totalBonded,
    treasury: s.treasury,
    currentEpoch: s.currentEpoch,
    currentEpochWork: s.currentEpochWork,
    currentEmission: s.currentEmission,
    totalWeight: s.totalWeight,
    activeValidators: s.activeValidators,
  };
}
