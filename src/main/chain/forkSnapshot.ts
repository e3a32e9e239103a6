/**
 * Fork stake snapshots: the parent economy's provider bonds at a block, as an OpenZeppelin standard Merkle tree of
 * (address account, uint256 amount) leaves. Its root goes into `EconomyFactory.fork`; each account claims its
 * allocation in the fork with the proof from {@link allocationProof}. The snapshot is rebuilt from chain data alone
 * (ProviderRegistered events + `providerOf` at the snapshot block), so any node can check a fork's root with
 * {@link verifyForkSnapshot} before trusting it.
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { getAddress, zeroAddress, type Address, type Hex, type PublicClient } from 'viem';
import { FlywheelError } from '#shared/errors';
import { economyAbi } from './artifacts';

export interface SnapshotEntry {
  account: Address;
  amount: bigint;
}

export interface StakeSnapshot {
  /** The parent economy whose bonds were read. */
  economy: Address;
  /** The block the bonds were read at (the fork's `snapshotBlock`). */
  block: bigint;
  root: Hex;
  /** Sorted by account, amounts after scaling; accounts with nothing bonded are left out. */
  entries: SnapshotEntry[];
  tree: StandardMerkleTree<[string, string]>;
}

export interface SnapshotOptions {
  /** The parent economy. */
  economy: Address;
  /** Block to read bonds at (default: the latest). It must be before the fork's block. */
  block?: bigint;
  /** First block to look for registrations from (default 0; the economy's creation block is enough). */
  fromBlock?: bigint;
  /** Allocation per bonded token, as a fraction (default 1/1: one fork token per parent token bonded). */
  scale?: { numerator: bigint; denominator: bigint };
}

const LEAF_ENCODING = ['address', 'uint256'];

/** Reads every provider's bond in `economy` at `block` and builds the allocation tree. */
export async function buildStakeSnapshot(
  client: PublicClient,
  options: SnapshotOptions,
): Promise<StakeSnapshot> {
  // Uncached: a bond mined a moment ago must be in the snapshot, not a block number cached before it.
  const block = options.block ?? (await client.getBlockNumber({ cacheTime: 0 }));
  const { numerator, denominator } = options.scale ?? { numerator: 1n, denominator: 1n };
  if (numerator < 0n || denominator <= 0n) {
    throw new FlywheelError('The snapshot scale must be a non-negative fraction.', { code: 'BAD_INPUT' });
  }
  let logs;
  try {
    logs = await client.getContractEvents({
      address: options.economy,
      abi: economyAbi,
      eventName: 'ProviderRegistered',
      fromBlock: options.fromBlock ?? 0n,
      toBlock: block,
    });
  } catch (err) {
    throw new FlywheelError('Could not read the parent economy’s providers.', {
      code: 'RPC_FAILED',
      cause: err,
    });
  }
  const accounts = [...new Set(logs.map((l) => getAddress(l.args.provider!)))].sort((a, b) =>
    a.toLowerCase().localeCompare(b.toLowerCase()),
  );
  const entries: SnapshotEntry[] = [];
  for (const account of accounts) {
    const p = await client.readContract({
      address: options.economy,
      abi: economyAbi,
      functionName: 'providerOf',
      args: [account],
      blockNumber: block,
    });
    const amount = (p.bond * numerator) / denominator;
    if (amount > 0n) entries.push({ account, amount });
  }
  if (entries.length === 0) {
    throw new FlywheelError('The parent economy had no bonded providers at that block.', {
      code: 'NOT_FOUND',
      details: `economy ${options.economy}, block ${block}`,
    });
  }
  const tree = StandardMerkleTree.of<[string, string]>(
    entries.map((e) => [e.account, e.amount.toString()]),
    LEAF_ENCODING,
  );
  return { economy: options.economy, block, root: tree.root as Hex, entries, tree };
}

/** The amount and proof `account` claims with, or null when the snapshot does not include it. */
export function allocationProof(
  snapshot: Pick<StakeSnapshot, 'tree'>,
  account: Address,
): { amount: bigint; proof: Hex[] } | null {
  for (const [i, [a, amount]] of snapshot.tree.entries()) {
    if (a.toLowerCase() === account.toLowerCase()) {
      return { amount: BigInt(amount), proof: snapshot.tree.getProof(i) as Hex[] };
    }
  }
  return null;
}

/** A snapshot as JSON-safe data (to store as a blob next to the fork, or to hand to a claimer). */
export interface SnapshotData {
  economy: Address;
  block: string;
  root: Hex;
  tree: ReturnType<StandardMerkleTree<[string, string]>['dump']>;
}

export function dumpSnapshot(s: StakeSnapshot): SnapshotData {
  return { economy: s.economy, block: s.block.toString(), root: s.root, tree: s.tree.dump() };
}

export function loadSnapshot(data: SnapshotData): StakeSnapshot {
  const tree = StandardMerkleTree.load<[string, string]>(data.tree);
  if (tree.root !== data.root) {
    throw new FlywheelError('The snapshot file is damaged: its tree does not have its root.', {
      code: 'BAD_INPUT',
    });
  }
  const entries = [...tree.entries()].map(([, [account, amount]]) => ({
    account: getAddress(account),
    amount: BigInt(amount),
  }));
  return { economy: data.economy, block: BigInt(data.block), root: data.root, entries, tree };
}

/**
 * Rebuilds a fork's snapshot from its parent's chain data and compares roots: `matches` is false when the forker
 * committed a root that is not the parent's bonds at the recorded block (with the given scale).
 */
export async function verifyForkSnapshot(
  client: PublicClient,
  fork: Address,
  scale?: SnapshotOptions['scale'],
): Promise<{ matches: boolean; snapshot: StakeSnapshot | null; onChainRoot: Hex }> {
  const lineage = await client.readContract({ address: fork, abi: economyAbi, functionName: 'lineage' });
  if (lineage.parent === zeroAddress || BigInt(lineage.allocationRoot) === 0n) {
    return { matches: false, snapshot: null, onChainRoot: lineage.allocationRoot };
  }
  const snapshot = await buildStakeSnapshot(client, {
    economy: lineage.parent,
    block: lineage.snapshotBlock,
    ...(scale ? { scale } : {}),
  });
  return { matches: snapshot.root === lineage.allocationRoot, snapshot, onChainRoot: lineage.allocationRoot };
}
