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
  /** Emission credited to providers so far (minted when credited). */
  emitted: bigint;
  currentEpoch: bigint;
  /** This epoch's emission (with any young-economy bonus), accrued second by second to the active stake. */
  currentEmission: bigint;
  /** Sum of the bonds that earn emission now (active providers at or above minBond). */
  activeStake: bigint;
  /** Sum of the draw weights (bonds in milli-tokens) of each job kind's tree. */
  inferenceWeight: bigint;
  fineTuneWeight: bigint;
  activeValidators: bigint;
  /** Sum of the validators' vote weight. */
  validatorStake: bigint;
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
    emitted: s.emitted,
    currentEpoch: s.currentEpoch,
    currentEmission: s.currentEmission,
    activeStake: s.activeStake,
    inferenceWeight: s.inferenceWeight,
    fineTuneWeight: s.fineTuneWeight,
    activeValidators: s.activeValidators,
    validatorStake: s.validatorStake,
  };
}
