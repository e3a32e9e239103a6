import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import type { ActionClient } from './send';

export interface ReadAccountParameters {
  economy: Address;
  account: Address;
}

export interface ReadAccountReturnType {
  /** What `withdraw` pays now: fees, refunds, rewards and the emission already settled. */
  claimable: bigint;
  /**
   * Emission accrued to its provider bond and not settled yet (not in `claimable`): settled (and minted) by
   * `claimEmission` or when the bond's stake changes, forfeited by a missed deadline or a rejected result.
   */
  pendingEmission: bigint;
}

/**
 * An account's rewards in one economy (`accountOf`): what `withdraw` would pay now.
 *
 * @example
 * const { claimable } = await readAccount(client, { economy, account });
 */
export async function readAccount(
  client: Pick<ActionClient, 'publicClient'>,
  params: ReadAccountParameters,
): Promise<ReadAccountReturnType> {
  const a = await client.publicClient.readContract({
    address: params.economy,
    abi: economyAbi,
    functionName: 'accountOf',
    args: [params.account],
  });
  return {
    claimable: a.claimable,
    pendingEmission: a.pendingEmission,
  };
}
