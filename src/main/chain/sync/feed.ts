import { join } from 'node:path';
import type { Address } from 'viem';
import type { Logger } from '../../log';
import type { ChainService } from '../chainService';
import { ChainSync, type SyncChange } from './chainSync';
import { sameAddress, type StoredLog } from './storedLog';

export interface EventFeedOptions {
  chain: ChainService;
  dataDir: string;
  log: Logger;
  /** The wallet's address (its events are kept for good: earnings history, penalties). */
  account: () => Address | null;
  /** How long other accounts' events are kept (seconds): the 24-hour stats need a day. */
  windowS?: number;
}

/** Events that describe the network itself and are kept however old. */
const LINEAGE = new Set(['EconomyCreated', 'ModelRegistered', 'AdminTransferred']);

/** The addresses an event names (provider, account, requester, …). */
function names(log: StoredLog): string[] {
  const out: string[] = [];
  for (const k of ['provider', 'account', 'requester', 'validator', 'challenger', 'to']) {
    const v = log.args[k];
    if (typeof v === 'string') out.push(v);
  }
  return out;
}

/**
 * Follows the events of the connected network for the rest of the node: opens the persisted copy for the endpoint
 * (`<dataDir>/chain/<chainId>-<factory>.jsonl`), syncs it on every new head, and tells listeners what changed.
 * A sync that fails (RPC down) is tried again at the next head; nothing is lost, the cursor stays where it was.
 */
export class EventFeed {
  readonly #o: EventFeedOptions;
  #sync: ChainSync | null = null;
  #conn: object | null = null;
  readonly #listeners = new Set<(change: SyncChange, sync: ChainSync) => void>();
  readonly #openListeners = new Set<(sync: ChainSync) => void>();
  #pruneAt = 0;
  #mine: { version: number; me: Address; set: Set<string> } | null = null;
  #failures = 0;
  readonly #off: (() => void)[];

  constructor(options: EventFeedOptions) {
    this.#o = options;
    this.#off = [
      options.chain.onChange(() => this.#follow()),
      options.chain.onHead((head) => void this.refresh(head.number)),
    ];
    this.#follow();
  }

  /** The event copy for the connected network; null while not connected. */
  get sync(): ChainSync | null {
    return this.#sync;
  }

  /** Syncs now (to the given head, or the latest seen) and resolves when done; errors are logged, not thrown. */
  async refresh(head?: bigint): Promise<SyncChange | null> {
    const sync = this.#sync;
    const target = head ?? this.#o.chain.head()?.number;
    if (!sync || target === undefined) return null;
    try {
      const change = await sync.sync(target);
      this.#failures = 0;
      if (sync !== this.#sync) return null;
      if (change.added.length || change.removed.length) {
        for (const l of [...this.#listeners]) l(change, sync);
      }
      if (Date.now() > this.#pruneAt) {
        this.#pruneAt = Date.now() + 10 * 60_000;
        if (sync.compact() > 0) this.#o.log.debug('dropped old events of other accounts');
      }
      return change;
    } catch (err) {
      if (this.#failures++ % 20 === 0) {
        this.#o.log.warn('could not read the chain’s events; trying again at the next block', {
          error: (err as Error).message.split('\n')[0],
        });
      }
      return null;
    }
  }

  /**
   * Called when the copy for a new connection is opened, with the events it already holds (read from disk by an
   * earlier run): work they imply that was never done — a run killed before it acted — is found here.
   */
  onOpen(listener: (sync: ChainSync) => void): () => void {
    this.#openListeners.add(listener);
    return () => this.#openListeners.delete(listener);
  }

  /** Called with each batch of new (and reorganised-away) events. */
  onChange(listener: (change: SyncChange, sync: ChainSync) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    for (const off of this.#off) off();
    this.#sync?.close();
    this.#sync = null;
  }

  /**
   * Whether an event is worth keeping past the window: the network's own, one naming this wallet, or any event of
   * a job this wallet was assigned (its fee, its output: earnings history and job pages).
   */
  keep(log: StoredLog, now: number): boolean {
    if (LINEAGE.has(log.name)) return true;
    if (log.t >= now - (this.#o.windowS ?? 26 * 3600)) return true;
    const me = this.#o.account();
    if (!me) return false;
    if (names(log).some((a) => sameAddress(a, me))) return true;
    return log.args.jobId !== undefined && this.#myJobs(me).has(`${log.address}:${String(log.args.jobId)}`);
  }

  #myJobs(me: Address): Set<string> {
    const sync = this.#sync;
    if (!sync) return new Set();
    if (this.#mine?.version !== sync.version || this.#mine.me !== me) {
      const set = new Set<string>();
      for (const l of sync.all()) {
        if (l.name === 'JobAssigned' && sameAddress(String(l.args.provider), me)) {
          set.add(`${l.address}:${String(l.args.jobId)}`);
        }
      }
      this.#mine = { version: sync.version, me, set };
    }
    return this.#mine.set;
  }

  #follow(): void {
    const conn = this.#o.chain.connection;
    if (conn === this.#conn) return;
    this.#sync?.close();
    this.#sync = null;
    this.#conn = conn;
    if (!conn) return;
    const endpoint = conn.endpoint;
    const key = `${endpoint.chainId}-${endpoint.factory.toLowerCase()}`;
    this.#sync = ChainSync.open({
      file: join(this.#o.dataDir, 'chain', `${key}.jsonl`),
      client: conn.client,
      factory: endpoint.factory,
      startBlock: endpoint.startBlock ?? 0n,
      reorgDepth: endpoint.isDevnet ? 2 : 12,
      keep: (l, now) => this.keep(l, now),
      log: this.#o.log.child('sync'),
    });
    const opened = this.#sync;
    for (const l of [...this.#openListeners]) l(opened);
    void this.refresh();
  }
}
