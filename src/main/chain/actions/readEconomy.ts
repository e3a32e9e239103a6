import { zeroAddress, type Address, type Hex } from 'viem';
import type { TokenInfo } from '#shared/api/economies';
import { economyAbi, economyTokenAbi } from '../artifacts';
import { readParams, type ChainParams } from '../deploy';
import type { ActionClient } from './send';

export interface ReadEconomyParameters {
  economy: Address;
}

/** What never changes about an economy: its token, lineage and parameters (all immutable clone arguments). */
export interface ReadEconomyReturnType {
  economy: Address;
  /** The token's name: an economy is named after its token. */
  name: string;
  token: TokenInfo;
  parent: Address | null;
  /** Unix seconds. */
  createdAt: number;
  forkBlock: bigint | null;
  /** The parent block a fork's stake snapshot was taken at, and its Merkle root (null: no snapshot claim). */
  snapshot: { block: bigint; root: Hex } | null;
  params: ChainParams;
}

/**
 * Reads an economy's identity, lineage and parameters in one round trip (the calls are batched).
 *
 * @example
 * const { name, token, params } = await readEconomy(client, { economy });
 */
export async function readEconomy(
  client: Pick<ActionClient, 'publicClient'>,
  params: ReadEconomyParameters,
): Promise<ReadEconomyReturnType> {
  const pc = client.publicClient;
  const [lineage, chainParams] = await Promise.all([
    pc.readContract({ address: params.economy, abi: economyAbi, functionName: 'lineage' }),
    readParams(pc, params.economy),
  ]);
  const [name, symbol, decimals] = await Promise.all([
    pc.readContract({ address: lineage.token, abi: economyTokenAbi, functionName: 'name' }),
    pc.readContract({ address: lineage.token, abi: economyTokenAbi, functionName: 'symbol' }),
    pc.readContract({ address: lineage.token, abi: economyTokenAbi, functionName: 'decimals' }),
  ]);
  const genesis = lineage.parent === zeroAddress;
  return {
    economy: params.economy,
    name,
    token: { address: lineage.token, name, symbol, decimals },
    parent: genesis ? null : lineage.parent,
    createdAt: Number(lineage.createdAt),
    forkBlock: genesis ? null : lineage.forkBlock,
    snapshot:
      BigInt(lineage.allocationRoot) === 0n
        ? null
        : { block: lineage.snapshotBlock, root: lineage.allocationRoot },
    params: chainParams,
  };
}
