import type { Address } from 'viem';
import type { EconomyEstimate, EconomySummary } from '#shared/api/economies';
import type { Hash } from '#shared/api/define';
import { FlywheelError } from '#shared/errors';
import type { BenchmarkService } from '../benchmark/benchmarkService';
import { listEconomies, type LineageRecord } from '../chain/actions/listEconomies';
import { readEconomy, type ReadEconomyReturnType } from '../chain/actions/readEconomy';
import { readEconomyStats } from '../chain/actions/readEconomyStats';
import { readProvider } from '../chain/actions/readProvider';
import { toEconomyParams } from '../chain/deploy';
import type { ChainService } from '../chain/chainService';
import type { EventFeed } from '../chain/sync/feed';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import { estimateEarnings } from './estimate';
import { readMembership } from './membership';
import type { SnapshotStore } from './snapshots';
import { eventStats, toEconomyStats, type EventStats } from './stats';

export interface EconomiesServiceOptions {
  chain: ChainService;
  feed: EventFeed;
  events: EventBus;
  benchmark: BenchmarkService;
  snapshots: SnapshotStore;
  /** The wallet's address (known while locked too). */
  account: () => Address | null;
  /** Share of the last week the node was up while providing (null: no record). */
  uptime: () => number | null;
  /** This machine's typical job run time lately, seconds (null: no jobs yet). */
  typicalRunS: () => number | null;
  /** The size of a model this machine holds (its blob store), null when it does not hold it. */
  modelBytes?: (hash: Hash) => number | null;
  log: Logger;
}

/**
 * The economies of the connected network, for comparison and joining: each one's identity and lineage, its
 * parameters, its live stats and this wallet's membership, and an estimate of what serving it would earn here.
 * Static facts are read once per connection; counters and membership are read from the chain on every call.
 */
export class EconomiesService {
  readonly #o: EconomiesServiceOptions;
  readonly #static = new Map<Address, Promise<ReadEconomyReturnType>>();
  #records: { count: number; list: Promise<LineageRecord[]> } | null = null;
  #conn: object | null = null;
  #emitTimer: NodeJS.Timeout | undefined;
  #lastEmit = 0;
  readonly #off: () => void;

  constructor(options: EconomiesServiceOptions) {
    this.#o = options;
    this.#off = options.feed.onChange(() => this.changed());
  }

  /** Every economy the factory made, genesis first, forks after their parents (creation order). */
  async list(): Promise<EconomySummary[]> {
    const records = await this.#lineage();
    return Promise.all(records.map((r) => this.#summary(r)));
  }

  async get(economy: Address): Promise<EconomySummary> {
    const record = (await this.#lineage()).find((r) => r.economy.toLowerCase() === economy.toLowerCase());
    if (!record) {
      throw new FlywheelError('There is no such economy on this network.', {
        code: 'NOT_FOUND',
        details: economy,
      });
    }
    return this.#summary(record);
  }

  /** The static facts of one economy (token, lineage, parameters), cached for the connection. */
  info(economy: Address): Promise<ReadEconomyReturnType> {
    this.#reset();
    let found = this.#static.get(economy);
    if (!found) {
      found = readEconomy({ publicClient: this.#o.chain.client() }, { economy });
      found.catch(() => this.#static.delete(economy));
      this.#static.set(economy, found);
    }
    return found;
  }

  /** What serving `economy` with `bond` (default: its minimum) would earn on this machine, and the risk. */
  async estimate(economy: Address, bond?: bigint): Promise<EconomyEstimate> {
    await this.get(economy); // NOT_FOUND for an unknown economy
    const client = this.#o.chain.client();
    const info = await this.info(economy);
    const me = this.#o.account();
    const [live, mine] = await Promise.all([
      readEconomyStats({ publicClient: client }, { economy }),
      me ? readProvider({ publicClient: client }, { economy, account: me }) : null,
    ]);
    // This provider's own leaf and stake, if it serves here now: the estimate sets the bond asked about in their place.
    const myLeaf = mine?.treeWeight ?? 0n;
    const myKinds = mine?.kinds ?? 0;
    const less = (total: bigint, own: bigint) => (total > own ? total - own : 0n);
    const { latest, drift, routing } = this.#o.benchmark.get();
    // What the machine delivers as routed (each kind of job on its fastest device), not one device's score.
    const score = routing.score ?? latest?.score ?? 100;
    const ownRunS = this.#o.typicalRunS();
    const benchmarked = routing.score != null || latest?.score != null;
    const recent = this.#recent(economy, info);
    // The economy's typical language-model job on this machine (its model's size if this machine holds the model).
    const textModelBytes = recent.textModel ? (this.#o.modelBytes?.(recent.textModel) ?? null) : null;
    const text =
      recent.medianMaxTokens === null
        ? null
        : this.#o.benchmark.predictTextMs({
            modelBytes: textModelBytes,
            promptTokens: recent.medianMaxTokens,
            maxTokens: recent.medianMaxTokens,
          });
    return estimateEarnings({
      economy,
      params: info.params,
      bond: bond ?? info.params.minBond,
      spreadPct: routing.spreadPct ?? latest?.spreadPct ?? 10,
      driftRatio: drift?.ratio ?? 1,
      runS: ownRunS ?? 100 / Math.max(score, 1),
      speedSource: ownRunS !== null ? 'jobs' : benchmarked ? 'benchmark' : 'assumed',
      textRun: text && {
        s: text.ms / 1000,
        maxTokens: recent.medianMaxTokens!,
        modelAssumed: text.modelAssumed,
      },
      othersWeight: {
        inference: less(live.inferenceWeight, myKinds & 1 ? myLeaf : 0n),
        fineTune: less(live.fineTuneWeight, myKinds & 2 ? myLeaf : 0n),
      },
      othersStake: less(live.activeStake, mine?.stake ?? 0n),
      uptime: this.#o.uptime(),
      emissionPerEpoch: live.currentEmission,
      recent,
    });
  }

  /** The recent-event figures of one economy (stats and estimates). */
  recent(economy: Address): Promise<EventStats> {
    return this.info(economy).then((info) => this.#recent(economy, info));
  }

  /** Something changed (events, membership after a transaction): push `economies.changed`, at most every 2 s. */
  changed(): void {
    if (this.#emitTimer) return;
    const wait = Math.max(0, this.#lastEmit + 2_000 - Date.now());
    this.#emitTimer = setTimeout(() => {
      this.#emitTimer = undefined;
      this.#lastEmit = Date.now();
      if (!this.#o.chain.connected) return;
      this.list().then(
        (list) => this.#o.events.emit('economies.changed', list),
        (err: Error) => this.#o.log.debug('could not refresh the economies', { error: err.message }),
      );
    }, wait);
    this.#emitTimer.unref();
  }

  close(): void {
    this.#off();
    clearTimeout(this.#emitTimer);
  }

  #recent(economy: Address, info: ReadEconomyReturnType): EventStats {
    const now = this.#o.chain.now();
    return eventStats(this.#o.feed.sync?.all() ?? [], economy, now, info.createdAt);
  }

  async #summary(record: LineageRecord): Promise<EconomySummary> {
    const client = this.#o.chain.client();
    const info = await this.info(record.economy);
    const [live, membership] = await Promise.all([
      readEconomyStats({ publicClient: client }, { economy: record.economy }),
      readMembership(client, info, this.#o.account(), this.#o.snapshots),
    ]);
    return {
      economy: record.economy,
      name: info.name,
      token: info.token,
      parent: record.parent,
      forkBlock: record.forkBlock === null ? null : Number(record.forkBlock),
      createdAt: record.createdAt,
      depth: record.depth,
      params: toEconomyParams(info.params),
      stats: toEconomyStats(live, this.#recent(record.economy, info)),
      membership,
    };
  }

  async #lineage(): Promise<LineageRecord[]> {
    this.#reset();
    const endpoint = this.#o.chain.endpoint;
    if (!endpoint) this.#o.chain.client(); // throws UNAVAILABLE with its action
    const count = this.#o.feed.sync?.economies().length ?? -1;
    if (!this.#records || this.#records.count !== count || count < 0) {
      const list = listEconomies({ publicClient: this.#o.chain.client() }, { factory: endpoint!.factory });
      list.catch(() => (this.#records = null));
      this.#records = { count, list };
    }
    return this.#records.list;
  }

  /** A new connection (another network, or the devnet reset) makes every cached fact stale. */
  #reset(): void {
    const conn = this.#o.chain.connection;
    if (conn === this.#conn) return;
    this.#conn = conn;
    this.#static.clear();
    this.#records = null;
  }
}
