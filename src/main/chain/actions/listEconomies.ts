import { zeroAddress, type Address } from 'viem';
import { economyFactoryAbi } from '../artifacts';
import type { ActionClient } from './send';

export interface ListEconomiesParameters {
  factory: Address;
  /** Records fetched per call. */
  pageSize?: number;
}

/** One economy in the factory's lineage. */
export interface LineageRecord {
  economy: Address;
  token: Address;
  /** null for a genesis economy. */
  parent: Address | null;
  /** null for a genesis economy. */
  forkBlock: bigint | null;
  /** Unix seconds. */
  createdAt: number;
  depth: number;
}

export type ListEconomiesReturnType = LineageRecord[];

/**
 * Every economy the factory made, oldest first (genesis economies and forks, each naming its parent), in pages.
 *
 * @example
 * const economies = await listEconomies(client, { factory });
 */
export async function listEconomies(
  client: Pick<ActionClient, 'publicClient'>,
  params: ListEconomiesParameters,
): Promise<ListEconomiesReturnType> {
  const pageSize = BigInt(params.pageSize ?? 100);
  const out: LineageRecord[] = [];
  for (let start = 0n; ; start += pageSize) {
    const page = await client.publicClient.readContract({
      address: params.factory,
      abi: economyFactoryAbi,
      functionName: 'listEconomies',
      args: [start, pageSize],
    });
    for (const r of page) {
      out.push({
        economy: r.economy,
        token: r.token,
        parent: r.parent === zeroAddress ? null : r.parent,
        forkBlock: r.parent === zeroAddress ? null : BigInt(r.forkBlock),
        createdAt: Number(r.createdAt),
        depth: r.depth,
      });
    }
    if (BigInt(page.length) < pageSize) return out;
  }
}
