import type { Address, Hex } from 'viem';
import { economyAbi } from '../artifacts';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface ClaimAllocationParameters {
  /** The fork. */
  economy: Address;
  account: Address;
  /** The allocation and its Merkle proof from the fork's stake snapshot (forkSnapshot.ts `allocationProof`). */
  amount: bigint;
  proof: readonly Hex[];
}

export type ClaimAllocationReturnType = ActionReceipt;

/**
 * Claims a fork's genesis allocation for `account` (minted to it) with a proof of its bond in the parent at the
 * snapshot block. Claimed already → nothing is sent.
 *
 * @example
 * const claim = allocationProof(snapshot, account)!;
 * await claimAllocation(client, { economy: fork, account, ...claim });
 */
export async function claimAllocation(
  client: ActionClient,
  params: ClaimAllocationParameters,
): Promise<ClaimAllocationReturnType> {
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'claimAllocation',
    args: [params.account, params.amount, params.proof],
    key: `claimAllocation:${params.economy}:${params.account}`,
    label: 'Claim the fork allocation',
    alreadyDone: () =>
      client.publicClient.readContract({
        address: params.economy,
        abi: economyAbi,
        functionName: 'allocationClaimed',
        args: [params.account],
      }),
  });
}
