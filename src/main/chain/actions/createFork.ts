import type { Address, Hash } from 'viem';
import { economyFactoryAbi } from '../artifacts';
import { encodeOverrides, type ChainParams } from '../deploy';
import { eventIn, sendCall, type ActionClient } from './send';
import { FlywheelError } from '#shared/errors';

export interface CreateForkParameters {
  factory: Address;
  parent: Address;
  /** Parameters to change; every other one is copied from the parent on-chain. */
  overrides?: Partial<ChainParams>;
  name: string;
  symbol: string;
  /** A stake snapshot of the parent (forkSnapshot.ts) whose accounts may claim the fork's genesis tokens. */
  snapshot?: { root: Hash; block: bigint };
  /** Tokens (base units) minted to the forker, who becomes the fork's admin. */
  creatorSupply?: bigint;
  /** Names this fork so a retry never creates it twice (`fork:<parent>:<symbol>`). */
  key: string;
}

export interface CreateForkReturnType {
  economy: Address;
  token: Address;
  /** The fork block. */
  block: bigint;
  hash: Hash;
}

/**
 * Forks an economy through the sender's transaction manager: new token and economy clones with the parent's
 * parameters and `overrides`, the lineage recorded by the factory. The one way a fork is created (the CLI's
 * `flywheel fork`, the devnet's bootstrap, tests).
 *
 * @example
 * const { economy } = await createFork(admin, { factory, parent: genesis, overrides: { protocolFeeBps: 100 },
 *   name: 'Flywheel Lite', symbol: 'LITE', key: `fork:${genesis}:LITE` });
 */
export async function createFork(
  client: ActionClient,
  params: CreateForkParameters,
): Promise<CreateForkReturnType> {
  const { receipt, hash } = await sendCall({
    client,
    abi: economyFactoryAbi,
    address: params.factory,
    functionName: 'fork',
    args: [
      params.parent,
      encodeOverrides(params.overrides),
      params.name,
      params.symbol,
      params.snapshot?.root ?? `0x${'0'.repeat(64)}`,
      params.snapshot?.block ?? 0n,
      params.creatorSupply ?? 0n,
    ],
    key: params.key,
    label: `Fork into ${params.name}`,
  });
  if (!receipt || !hash) {
    throw new FlywheelError('The fork was created earlier under this key; its receipt is gone.', {
      code: 'CONFLICT',
      details: params.key,
    });
  }
  const args = eventIn(receipt, economyFactoryAbi, params.factory, 'EconomyCreated');
  return { economy: args.economy, token: args.token, block: receipt.blockNumber, hash };
}
