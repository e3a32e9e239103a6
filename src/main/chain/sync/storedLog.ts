import { getAddress, parseEventLogs, type Address, type Hash, type Log } from 'viem';
import { z } from 'zod';
import { economyAbi, economyFactoryAbi } from '../artifacts';

/** A log argument as kept on disk and in memory: integers as decimal strings, addresses checksummed. */
export type LogArg = string | number | boolean;

/** One decoded event of an economy or the factory, JSON-safe, with when and where it happened. */
export interface StoredLog {
  /** `<blockHash>:<logIndex>`: unique, and different when a reorg moves the same transaction to another block. */
  id: string;
  /** The contract that emitted it (an economy, or the factory). */
  address: Address;
  block: number;
  blockHash: Hash;
  logIndex: number;
  tx: Hash;
  /** Block timestamp, unix seconds. */
  t: number;
  /** Event name from the ABI (`JobAssigned`, `EconomyCreated`, …). */
  name: string;
  args: Record<string, LogArg>;
}

const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
export const storedLogSchema = z
  .object({
    id: z.string().max(100),
    address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
    block: z.number().int().nonnegative(),
    blockHash: hash,
    logIndex: z.number().int().nonnegative(),
    tx: hash,
    t: z.number().int().nonnegative(),
    name: z.string().max(64),
    args: z.record(z.string(), z.union([z.string().max(8192), z.number(), z.boolean()])),
  })
  .strict() as unknown as z.ZodType<StoredLog>;

const abi = [
  ...economyAbi,
  ...economyFactoryAbi.filter((x) => x.type === 'event' && x.name === 'EconomyCreated'),
];

/** Decodes raw logs of economies and the factory; logs of other events (none are asked for) are left out. */
export function decodeLogs(logs: Log[], timestamps: Map<bigint, number>): StoredLog[] {
  const out: StoredLog[] = [];
  for (const log of parseEventLogs({ abi, logs, strict: false })) {
    if (log.blockNumber === null || log.blockHash === null || log.logIndex === null) continue;
    const raw = log as unknown as { blockTimestamp?: bigint | string | null };
    const t =
      raw.blockTimestamp !== undefined && raw.blockTimestamp !== null
        ? Number(raw.blockTimestamp)
        : timestamps.get(log.blockNumber);
    if (t === undefined) continue;
    out.push({
      id: `${log.blockHash}:${log.logIndex}`,
      address: getAddress(log.address),
      block: Number(log.blockNumber),
      blockHash: log.blockHash,
      logIndex: log.logIndex,
      tx: log.transactionHash!,
      t,
      name: log.eventName,
      args: plainArgs(log.args as Record<string, unknown>),
    });
  }
  return out;
}

function plainArgs(args: Record<string, unknown>): Record<string, LogArg> {
  const out: Record<string, LogArg> = {};
  for (const [k, v] of Object.entries(args ?? {})) {
    if (typeof v === 'bigint') out[k] = v.toString();
    else if (typeof v === 'string') out[k] = /^0x[0-9a-fA-F]{40}$/.test(v) ? getAddress(v) : v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/** Orders logs as the chain did. */
export function byChainOrder(a: StoredLog, b: StoredLog): number {
  return a.block - b.block || a.logIndex - b.logIndex;
}

/** Reads a stored argument as a bigint (amounts, ids). */
export function big(log: StoredLog, key: string): bigint {
  const v = log.args[key];
  return typeof v === 'string' || typeof v === 'number' ? BigInt(v) : 0n;
}

/** Reads a stored argument as an address (or null when absent). */
export function addr(log: StoredLog, key: string): Address | null {
  const v = log.args[key];
  return typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v) ? (v as Address) : null;
}

export function sameAddress(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && a.toLowerCase() === b.toLowerCase();
}
