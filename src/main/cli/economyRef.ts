import { getAddress, type Address, type PublicClient } from 'viem';
import { FlywheelError } from '#shared/errors';
import { listEconomies } from '../chain/actions/listEconomies';
import { economyTokenAbi } from '../chain/artifacts';

export interface EconomyRef {
  economy: Address;
  token: Address;
  parent: Address | null;
  name: string;
  symbol: string;
  decimals: number;
}

/** Every economy the factory lists, with its token's name, symbol and decimals. */
export async function economiesOf(publicClient: PublicClient, factory: Address): Promise<EconomyRef[]> {
  const records = await listEconomies({ publicClient }, { factory });
  return Promise.all(
    records.map(async (r) => {
      const read = (functionName: 'name' | 'symbol' | 'decimals') =>
        publicClient.readContract({ address: r.token, abi: economyTokenAbi, functionName });
      const [name, symbol, decimals] = await Promise.all([read('name'), read('symbol'), read('decimals')]);
      return {
        economy: r.economy,
        token: r.token,
        parent: r.parent,
        name: String(name),
        symbol: String(symbol),
        decimals: Number(decimals),
      };
    }),
  );
}

/**
 * An economy by address, name or symbol (case-insensitive), or `genesis` for the root of the lineage (the first
 * genesis economy the factory made). NOT_FOUND lists what there is.
 */
export async function resolveEconomy(
  publicClient: PublicClient,
  factory: Address,
  ref: string,
): Promise<EconomyRef> {
  const all = await economiesOf(publicClient, factory);
  const r = ref.trim().toLowerCase();
  const found =
    r === 'genesis'
      ? all.find((e) => e.parent === null)
      : all.find(
          (e) => e.economy.toLowerCase() === r || e.name.toLowerCase() === r || e.symbol.toLowerCase() === r,
        );
  if (!found) {
    throw new FlywheelError(`No economy "${ref}" on this network.`, {
      code: 'NOT_FOUND',
      action: `Economies: ${all.map((e) => `${e.name} (${e.symbol}, ${getAddress(e.economy)})`).join('; ') || 'none'}.`,
    });
  }
  return found;
}
