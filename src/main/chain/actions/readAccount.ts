import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import type { ActionClient } from './send';

export interface ReadAccountParameters {
  economy: Address;
  account: Address;
}

export interface ReadAccountReturnType {
  /** Withdrawable now, including a closed epoch's emission share not settled yet. */
  claimable: bigint;
  /** Part of `claimable` that is an unsettled emission share. */
  pendingEmission: bigint;
  workEpoch: bigint;
  epochWork: bigint;
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
    workEpoch: a.workEpoch,
    epochWork: a.epochWork,
  };
}
