import { getAddress, type Address, type Hash, type Log, type PublicClient } from 'viem';
import { z } from 'zod';
import { AppendLog, parseWith } from '../../fs/appendLog';
import type { Logger } from '../../log';
import { withRpcRetry } from '../tx/retry';
import { byChainOrder, decodeLogs, storedLogSchema, type StoredLog } from './storedLog';

export interface ChainSyncOptions {
  /** `<dataDir>/chain/<chainId>-<factory>.jsonl`. */
  file: string;
  client: PublicClient;
  factory: Address;
  /** First block to read (the factory's deployment block). */
  startBlock: bigint;
  /**
   * Blocks at the head that may still be reorganised: logs there are re-read on every sync and reconciled (added
   * and removed), and only logs below them are written to disk with the cursor.
   */
  reorgDepth: number;
  /** Widest block range one `eth_getLogs` may ask for (halved when the RPC refuses). */
  maxRange?: number;
  /** Which logs survive compaction and pruning (the rest are dropped once old). */
  keep: (log: StoredLog, now: number) => boolean;
  log: Logger;
}

/** What a sync changed: logs seen for the first time, and logs a reorganisation took back. */
export interface SyncChange {
  added: StoredLog[];
  removed: StoredLog[];
  /** Head the sync read up to. */
  head: bigint;
}

/** One line of the file: logs settled by one sync and the cursor after them (with its block's hash). */
interface Segment {
  v: 1;
  to: number;
  toHash: Hash;
  logs: StoredLog[];
}

const segmentSchema = z
  .object({
    v: z.literal(1),
    to: z.number().int().nonnegative(),
    toHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
    logs: z.array(storedLogSchema),
  })
  .strict() as unknown as z.ZodType<Segment>;

/**
 * The node's copy of every event of the factory and its economies, kept in step with the chain:
 * - one `eth_getLogs` per sync over the factory and every economy it made (an economy created inside the range is
 *   read from its creation block in the same sync);
 * - logs deeper than `reorgDepth` below the head are settled: appended to the data folder (fsync'd) with the cursor
 *   and its block hash, so a restart reads on from there; the last `reorgDepth` blocks are re-read on every sync
 *   and reconciled, so a reorganisation of a few blocks shows up as removed and added logs;
 * - at open, and on every sync, the cursor block's hash is checked against the chain: a chain that no longer has
 *   it (a deeper reorganisation, a devnet reset) makes the copy start over from `startBlock`.
 */
export class ChainSync {
  readonly #o: ChainSyncOptions;
  #file: AppendLog<Segment>;
  readonly #logs = new Map<string, StoredLog>();
  readonly #economies = new Set<Address>();
  /** Ids of unsettled logs handed out by the last sync. */
  #tail = new Map<string, StoredLog>();
  #settled: { to: bigint; hash: Hash } | null = null;
  #version = 0;
  #sorted: StoredLog[] | null = null;
  #running: Promise<SyncChange> | null = null;
  #again = false;
  /** The highest head asked for (a sync running or queued reads up to it). */
  #lastHead = -1n;
  /** The head the last finished sync read up to. */
  #syncedHead = -1n;

  private constructor(options: ChainSyncOptions, file: AppendLog<Segment>, segments: Segment[]) {
    this.#o = options;
    this.#file = file;
    for (const s of segments) {
      for (const l of s.logs) this.#add(l);
      this.#settled = { to: BigInt(s.to), hash: s.toHash };
    }
  }

  static open(options: ChainSyncOptions): ChainSync {
    const { log: file, records } = AppendLog.open(options.file, {
      parse: parseWith(segmentSchema),
      log: options.log,
    });
    const sync = new ChainSync(options, file, records);
    if (records.length > 64) sync.compact();
    return sync;
  }

  /** Every log known now (settled and unsettled), in chain order. Cached until the next change. */
  all(): StoredLog[] {
    this.#sorted ??= [...this.#logs.values()].sort(byChainOrder);
    return this.#sorted;
  }

  /** Changes whenever the set of logs changes (for consumers that cache what they derive). */
  get version(): number {
    return this.#version;
  }

  /** The economies the factory has made, as seen in its events so far. */
  economies(): Address[] {
    return [...this.#economies];
  }

  /**
   * The last block read (the head of the latest finished sync), or null before the first has finished: until
   * then `all()` and `economies()` may not hold what the chain has.
   */
  get head(): bigint | null {
    return this.#syncedHead < 0n ? null : this.#syncedHead;
  }

  /**
   * Reads the chain up to `head` and returns what changed. Calls while one runs are folded into one more run
   * after it (the head is read again then).
   */
  sync(head: bigint): Promise<SyncChange> {
    if (head > this.#lastHead) this.#lastHead = head;
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      let change: SyncChange = { added: [], removed: [], head };
      do {
        this.#again = false;
        const next = await this.#syncOnce(this.#lastHead);
        this.#syncedHead = next.head;
        change = {
          added: [...change.added.filter((l) => !next.removed.some((r) => r.id === l.id)), ...next.added],
          removed: [...change.removed, ...next.removed],
          head: next.head,
        };
      } while (this.#again);
      return change;
    })().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Drops logs that no longer pass `keep` (in memory and, rewritten atomically, on disk). */
  compact(now = Date.now() / 1000): number {
    let dropped = 0;
    for (const [id, l] of this.#logs) {
      if (this.#tail.has(id) || this.#o.keep(l, now) || l.name === 'EconomyCreated') continue;
      this.#logs.delete(id);
      dropped++;
    }
    if (dropped) this.#changed();
    if (this.#settled) {
      const settled = this.all().filter((l) => !this.#tail.has(l.id));
      this.#file.rewrite([{ v: 1, to: Number(this.#settled.to), toHash: this.#settled.hash, logs: settled }]);
    }
    return dropped;
  }

  close(): void {
    this.#file.close();
  }

  async #syncOnce(head: bigint): Promise<SyncChange> {
    const client = this.#o.client;
    const removed: StoredLog[] = [];
    // The cursor block must still be on the chain; otherwise start over (deep reorg, or a reset devnet).
    if (this.#settled) {
      const cursor = this.#settled;
      const block =
        cursor.to <= head
          ? await rpc('cursor block', () => client.getBlock({ blockNumber: cursor.to }))
          : null;
      if (!block || block.hash !== cursor.hash) {
        this.#o.log.warn(
          'the chain no longer has the block the event copy was settled at; reading it again',
          {
            block: String(cursor.to),
          },
        );
        removed.push(...this.#logs.values());
        this.#logs.clear();
        this.#economies.clear();
        this.#tail.clear();
        this.#settled = null;
        this.#file.rewrite([]);
        this.#changed();
      }
    }
    const settleTo = head - BigInt(this.#o.reorgDepth);
    const maxRange = BigInt(this.#o.maxRange ?? 5_000);
    const fresh: StoredLog[] = [];
    // Everything above the cursor is read again: the unsettled tail of the last sync and the new blocks. Whole
    // ranges below the settle line are written down as they are read, so a long first sync makes progress.
    for (let from = this.#settled ? this.#settled.to + 1n : this.#o.startBlock; from <= head;) {
      const to = from + maxRange - 1n < head ? from + maxRange - 1n : head;
      const logs = await this.#read(from, to);
      fresh.push(...logs);
      const settleEnd = to <= settleTo ? to : settleTo;
      if (settleEnd >= from) {
        const hash = (await rpc('block', () => client.getBlock({ blockNumber: settleEnd }))).hash;
        this.#file.append({
          v: 1,
          to: Number(settleEnd),
          toHash: hash,
          logs: logs.filter((l) => BigInt(l.block) <= settleEnd),
        });
        this.#settled = { to: settleEnd, hash };
      }
      from = to + 1n;
    }
    // Reconcile: an unsettled log handed out before and not read now was taken back by a reorganisation.
    const freshIds = new Set(fresh.map((l) => l.id));
    for (const [id, l] of this.#tail) {
      if (freshIds.has(id)) continue;
      this.#logs.delete(id);
      if (l.name === 'EconomyCreated' && typeof l.args.economy === 'string') {
        this.#economies.delete(getAddress(l.args.economy));
      }
      removed.push(l);
    }
    const added = fresh.filter((l) => !this.#logs.has(l.id));
    for (const l of fresh) this.#add(l);
    this.#tail = new Map(fresh.filter((l) => BigInt(l.block) > settleTo).map((l) => [l.id, l]));
    if (added.length || removed.length) this.#changed();
    return { added, removed, head };
  }

  async #read(from: bigint, to: bigint): Promise<StoredLog[]> {
    const client = this.#o.client;
    const raw = await this.#getLogs([this.#o.factory, ...this.#economies], from, to);
    // An economy created inside this range: its own logs from its creation block on, in this same sync.
    const created = new Map<Address, bigint>();
    for (const r of raw) {
      if (getAddress(r.address) !== getAddress(this.#o.factory) || r.blockNumber === null || !r.topics[1])
        continue;
      const economy = getAddress(`0x${r.topics[1].slice(26)}`);
      if (!this.#economies.has(economy) && !created.has(economy)) created.set(economy, r.blockNumber);
    }
    if (created.size) {
      const first = [...created.values()].reduce((a, b) => (a < b ? a : b));
      raw.push(...(await this.#getLogs([...created.keys()], first, to)));
      for (const e of created.keys()) this.#economies.add(e);
    }
    const missing = new Set<bigint>();
    for (const r of raw) {
      const t = (r as unknown as { blockTimestamp?: unknown }).blockTimestamp;
      if ((t === undefined || t === null) && r.blockNumber !== null) missing.add(r.blockNumber);
    }
    const timestamps = new Map<bigint, number>();
    await Promise.all(
      [...missing].map(async (n) => {
        const b = await rpc('block', () => client.getBlock({ blockNumber: n }));
        timestamps.set(n, Number(b.timestamp));
      }),
    );
    return decodeLogs(raw, timestamps).sort(byChainOrder);
  }

  async #getLogs(address: Address[], from: bigint, to: bigint): Promise<Log[]> {
    try {
      return await rpc('logs', () => this.#o.client.getLogs({ address, fromBlock: from, toBlock: to }));
    } catch (err) {
      // Some RPCs cap the range or the answer's size: split and ask again. A dead connection is not that.
      if (to > from && (err as { code?: string }).code !== 'RPC_FAILED') {
        const mid = from + (to - from) / 2n;
        return [
          ...(await this.#getLogs(address, from, mid)),
          ...(await this.#getLogs(address, mid + 1n, to)),
        ];
      }
      throw err;
    }
  }

  #add(l: StoredLog): void {
    if (!this.#logs.has(l.id)) {
      this.#logs.set(l.id, l);
      this.#sorted = null;
    }
    if (l.name === 'EconomyCreated' && typeof l.args.economy === 'string')
      this.#economies.add(getAddress(l.args.economy));
  }

  #changed(): void {
    this.#version++;
    this.#sorted = null;
  }
}

function rpc<T>(what: string, fn: () => Promise<T>): Promise<T> {
  return withRpcRetry(what, fn, { attempts: 6, delayMs: 50 });
}
