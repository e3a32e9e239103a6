import { join } from 'node:path';
import { getAddress, keccak256, parseUnits, type Address } from 'viem';
import type { HardwareReport } from '#shared/api/hardware';
import type { JobKind } from '#shared/api/jobs';
import type { AutoTopUpNotice, LifecycleResult, ProviderState } from '#shared/api/provider';
import type { Settings } from '#shared/api/settings';
import { FlywheelError } from '#shared/errors';
import { formatTokenAmount } from '#shared/units';
import { notDrawable } from '#shared/standing';
import type { BenchmarkService } from '../benchmark/benchmarkService';
import type { BlobStore } from '../blobs/store';
import { pauseProvider } from '../chain/actions/pauseProvider';
import { readProvider, type ReadProviderReturnType } from '../chain/actions/readProvider';
import type { ActionClient } from '../chain/actions/send';
import { economyTokenAbi } from '../chain/artifacts';
import { resumeProvider } from '../chain/actions/resumeProvider';
import { unjail } from '../chain/actions/unjail';
import type { ChainService } from '../chain/chainService';
import type { EventFeed } from '../chain/sync/feed';
import { membershipStatus } from '../chain/enums';
import { sameAddress } from '../chain/sync/storedLog';
import type { EconomiesService } from '../economies/economiesService';
import type { SnapshotStore } from '../economies/snapshots';
import type { Engine } from '../engine/engine';
import { probeModel } from '../engine/onnx/models';
import { tensorOf, writeSafetensors } from '../engine/safetensors';
import type { EventBus } from '../events';
import type { HardwareService } from '../hardware/hardwareService';
import { Journal } from '../jobs/journal';
import { LocalJobs } from '../jobs/local';
import { JobLoop } from '../jobs/loop';
import type { Logger } from '../log';
import type { Wallet } from '../wallet/wallet';
import { planTopUp, TopUpRecord } from './autoTopUp';
import { declaredCapacity } from './capacity';
import * as lifecycle from './lifecycle';
import { syncProfile } from './profile';
import { outsideSchedule, overPower, overTemperature } from './reasons';
import { RunSlots } from './slots';
import { JobsLock } from './jobsLock';
import { ProviderSwitch } from './switch';
import { UptimeRecord } from './uptime';

export interface ProviderServiceOptions {
  dataDir: string;
  chain: ChainService;
  feed: EventFeed;
  economies: EconomiesService;
  snapshots: SnapshotStore;
  blobs: BlobStore;
  engine: Engine;
  benchmark: BenchmarkService;
  hardware: HardwareService;
  wallet: Wallet;
  settings: () => Settings;
  events: EventBus;
  log: Logger;
  /** Job kinds served (the engine's). */
  kinds?: readonly JobKind[];
  /** How often the on-chain standing is reconciled with the switch and the settings (pause / resume / profile). */
  reconcileMs?: number;
  /**
   * Whether this process takes jobs (the job loop) and keeps the chain in line with the switch by itself. The CLI
   * does not (another process may be providing with the same data folder); it only reads, and sends what a command
   * asks for. At most one process per data folder takes jobs (jobsLock.ts).
   */
  takeJobs?: boolean;
}

const PROVIDER_EVENTS = new Set([
  'ProviderRegistered',
  'BondAdded',
  'ProfileUpdated',
  'ProviderPaused',
  'ProviderResumed',
  'ExitRequested',
  'BondWithdrawn',
  'ProviderJailed',
  'ProviderUnjailed',
  'Strike',
  'ProviderSlashed',
  'JobAssigned',
  'JobFinalized',
  'JobDeclined',
  'JobNoShow',
  'JobTimedOut',
]);

/**
 * The provider: the Provide/Stop switch and why it is where it is, membership in each economy (join, add bond,
 * exit, withdraw the bond, move the bond, claim a fork's allocation) and the job loop. The switch is reconciled with the
 * chain: providing → every joined economy active (resumed when paused; kinds and capacity updated when the limits
 * changed, by pause → update → resume, since the contract takes a profile only while paused);
 * stopped, or outside the schedule → paused on-chain, so the draw passes this provider by, and assignments that
 * arrive before the pause lands are declined OVER_CAPACITY inside their accept window (no slash). Running jobs
 * always finish.
 */
export class ProviderService {
  readonly #o: ProviderServiceOptions;
  readonly journal: Journal;
  readonly local: LocalJobs;
  readonly loop: JobLoop;
  readonly uptime: UptimeRecord;
  readonly #switch: ProviderSwitch;
  readonly #kinds: readonly JobKind[];
  #members = new Map<Address, ReadProviderReturnType>();
  /** Whether `#members` has been read from the chain at least once (until then nothing is said about it). */
  #membersKnown = false;
  /** Joined economies where the contract gives this provider no weight (bond under the minimum, jailed, …). */
  #blocked: NonNullable<ProviderState['notDrawable']> = [];
  /** The latest hardware report (GPU temperatures), refreshed by each reconcile while providing. */
  #hardware: HardwareReport | null = null;
  #error: string | null = null;
  #last = '';
  readonly #slots: RunSlots;
  #timer: NodeJS.Timeout | undefined;
  /** A reconcile that failed (an RPC that dropped the call) is tried again soon, not at the next 30 s tick. */
  #retryTimer: NodeJS.Timeout | undefined;
  #reconciling: Promise<void> | null = null;
  /** The reconcile pass in progress, of the passes #reconciling runs one after the other. */
  #reconcilePass: Promise<void> | null = null;
  #reconcileAgain = false;
  /** A reconcile asked for by a command (start, stop) sends transactions even where this process takes no jobs. */
  #writeOnce = false;
  readonly #lock: JobsLock;
  #lockedOut: number | null = null;
  readonly #off: (() => void)[] = [];
  /**
   * Set while the node leaves (stop, quit, wallet lock): new assignments are declined and nothing is resumed, so the
   * pause sent on the way out is not undone by a reconcile racing it.
   */
  #leaving: string | null = null;
  /** What auto top-up added in each economy, in total (the cap holds across restarts). */
  readonly #topUps: TopUpRecord;
  /** Per economy, auto top-up's last word for the state, and the last refusal said (said once, not every tick). */
  #topUpText = new Map<string, AutoTopUpNotice>();
  /** The state's `autoTopUp`, worked out with the standing (#judge). */
  #topUpView: NonNullable<ProviderState['autoTopUp']> = [];

  constructor(options: ProviderServiceOptions) {
    this.#o = options;
    this.#kinds = options.kinds ?? ['inference', 'fine-tune'];
    this.#switch = new ProviderSwitch(join(options.dataDir, 'provider', 'switch.json'));
    this.uptime = new UptimeRecord(join(options.dataDir, 'provider', 'uptime.json'));
    this.#topUps = new TopUpRecord(join(options.dataDir, 'provider', 'topups.json'));
    this.journal = Journal.open(Journal.path(options.dataDir), { log: options.log.child('journal') });
    this.local = new LocalJobs(options.dataDir, this.journal);
    this.#slots = new RunSlots({
      limit: () => options.settings().limits.maxConcurrentJobs,
      sharePct: () => options.settings().limits.gpuSharePct,
    });
    const txLatencyS = () => (options.chain.endpoint?.isDevnet ? 1 : 20);
    this.loop = new JobLoop({
      chain: options.chain,
      journal: this.journal,
      blobs: options.blobs,
      engine: options.engine,
      benchmark: options.benchmark,
      log: options.log.child('jobs'),
      get startBlock() {
        return options.chain.endpoint?.startBlock ?? 0n;
      },
      get txLatencyS() {
        return txLatencyS();
      },
      kinds: this.#kinds,
      maxBlobBytes: () => options.settings().limits.maxBlobMiB * 2 ** 20,
      notAccepting: () => this.#notAccepting(),
      runSlot: () => this.#slots.take(),
      queueWaitMs: () => {
        const slots = Math.max(1, options.settings().limits.maxConcurrentJobs);
        const ahead = this.#slots.waiting + Math.max(0, this.#slots.busy - slots + 1);
        return (ahead / slots) * (this.local.typicalRunS() ?? 1) * 1000 * this.#slots.holdFactor;
      },
      local: this.local,
      feed: options.feed,
      events: options.events,
      serving: () => this.#serving(),
      account: () => options.wallet.address,
      formatAmount: (economy, amount) => this.#format(economy, amount),
      jobChanged: () => this.#changed(),
    });
    this.#lock = new JobsLock(join(options.dataDir, 'provider', 'jobs.lock'));
    if (options.takeJobs !== false) {
      const owner = this.#lock.acquire();
      if (owner !== null) {
        this.#lockedOut = owner;
        options.log.warn('another process takes jobs with this data folder; this one will not', {
          pid: owner,
        });
      }
    }
    if (this.#switch.on && this.#takesJobs) this.#warmUp();
    this.#off.push(
      options.chain.onChange(() => this.reconcile()),
      options.wallet.onChange(() => this.reconcile()),
      options.feed.onChange((change) => {
        const me = options.chain.account;
        if (
          change.added.some(
            (l) => PROVIDER_EVENTS.has(l.name) && sameAddress(String(l.args.provider ?? ''), me),
          )
        ) {
          this.reconcile();
        }
      }),
      options.events.subscribe((m) => {
        // A new concurrency limit changes the capacity to declare.
        if (m.name === 'settings.changed') this.reconcile();
      }),
    );
    if (this.#takesJobs) {
      this.loop.start();
      this.#timer = setInterval(() => this.reconcile(), options.reconcileMs ?? 30_000);
      this.#timer.unref();
    }
    this.reconcile();
  }

  /** Whether this process runs the job loop (see `takeJobs` and the lock). */
  get #takesJobs(): boolean {
    return this.#o.takeJobs !== false && this.#lockedOut === null;
  }

  /** The pid of the other process taking jobs with this data folder (null: none, or this one). */
  get otherProcess(): number | null {
    return this.#lockedOut ?? (this.#o.takeJobs === false ? this.#lock.owner() : null);
  }

  /** The switch and why it is where it is. */
  state(): ProviderState {
    const total = this.#o.settings().limits.maxConcurrentJobs;
    const blocked = this.#blocked;
    // "Serving" only where the draw can land: an active membership under the minimum bond has no weight.
    const serving = [...this.#members.entries()]
      .filter(([e, p]) => p.status === 'Active' && !blocked.some((b) => sameAddress(b.economy, e)))
      .map(([e]) => e);
    const slots = { busy: Math.min(this.loop.busy, Math.max(total, this.loop.busy)), total };
    const topUps = this.#topUpView;
    const extra = {
      ...(blocked.length ? { notDrawable: blocked } : {}),
      ...(topUps.length ? { autoTopUp: topUps } : {}),
    };
    if (!this.#switch.on) return { status: 'stopped', reason: null, serving: [], slots, ...extra };
    const why = this.#notAccepting() ?? this.#undrawable(serving.length) ?? this.#idleReason();
    if (why) return { status: 'held', reason: why, serving, slots, ...extra };
    if (this.#error) return { status: 'error', reason: this.#error, serving, slots, ...extra };
    if (this.#lockedOut !== null) {
      return {
        status: 'error',
        reason: `Another Flywheel process (pid ${this.#lockedOut}) takes the jobs`,
        serving,
        slots,
        ...extra,
      };
    }
    if (!this.#o.chain.connection)
      return { status: 'starting', reason: 'Waiting for the chain', serving, slots, ...extra };
    return { status: 'providing', reason: null, serving, slots, ...extra };
  }

  /** Turns providing on: resumes every joined economy and takes jobs. */
  async start(): Promise<ProviderState> {
    this.#switch.set(true);
    if (this.#takesJobs) this.#warmUp();
    this.#error = null;
    this.#writeOnce = true;
    // A command's reconcile must be able to send: wait for the account's transaction manager (unlocked wallet).
    if (this.#o.chain.connection) await this.#o.chain.actionClient().catch(() => undefined);
    await this.reconcile();
    return this.state();
  }

  /** Turns providing off: new assignments are declined (no slash), economies paused on-chain; running jobs finish. */
  async stop(): Promise<ProviderState> {
    this.#switch.set(false);
    this.uptime.stop();
    this.#writeOnce = true;
    // A command's reconcile must be able to send: wait for the account's transaction manager (unlocked wallet).
    if (this.#o.chain.connection) await this.#o.chain.actionClient().catch(() => undefined);
    await this.reconcile();
    return this.state();
  }

  async join(economy: Address, bond: bigint): Promise<LifecycleResult> {
    const out = await lifecycle.join(await this.#deps(economy), bond);
    await this.#afterLifecycle();
    return out;
  }

  async addBond(economy: Address, amount: bigint): Promise<LifecycleResult> {
    const out = await lifecycle.addBond(await this.#deps(economy), amount);
    await this.#afterLifecycle();
    return out;
  }

  async exit(economy: Address): Promise<LifecycleResult> {
    const out = await lifecycle.exit(await this.#deps(economy));
    await this.#afterLifecycle();
    return out;
  }

  async withdrawBond(economy: Address): Promise<LifecycleResult> {
    const deps = await this.#deps(economy);
    const out = await lifecycle.withdrawBond(
      deps,
      this.#o.settings().payoutAddress ?? deps.client.tx.address,
    );
    await this.#afterLifecycle();
    return out;
  }

  /**
   * Moves the bond: leaves `fromEconomy` (its bond keeps unbonding, shown in its membership) and joins `toEconomy`
   * with `bond`.
   */
  async moveBond(fromEconomy: Address, toEconomy: Address, bond: bigint): Promise<LifecycleResult> {
    if (sameAddress(fromEconomy, toEconomy))
      throw new FlywheelError('Pick another economy to move the bond to.', { code: 'BAD_INPUT' });
    await this.#deps(toEconomy); // an unknown target fails before the exit is sent
    const left = await lifecycle.exit(await this.#deps(fromEconomy));
    const joined = await lifecycle.join(await this.#deps(toEconomy), bond);
    await this.#afterLifecycle();
    return { membership: joined.membership, txs: [...left.txs, ...joined.txs] };
  }

  async claimForkAllocation(economy: Address): Promise<LifecycleResult> {
    const out = await lifecycle.claimForkAllocation(await this.#deps(economy));
    await this.#afterLifecycle();
    return out;
  }

  /**
   * Brings the chain in line with the switch (see the class note) and re-reads this provider's standing in every
   * economy; runs at most one at a time, and once more if asked meanwhile. Failures are kept as the state's error.
   */
  reconcile(): Promise<void> {
    if (this.#reconciling) {
      this.#reconcileAgain = true;
      return this.#reconciling;
    }
    this.#reconciling = (async () => {
      do {
        this.#reconcileAgain = false;
        this.#reconcilePass = this.#reconcileOnce().catch((err: Error & { code?: string }) => {
          if (err.code !== 'WALLET_LOCKED' && err.code !== 'UNAVAILABLE' && err.code !== 'NOT_FOUND') {
            this.#error = err.message.split('\n')[0]!;
            this.#o.log.warn('could not bring the chain in line with the switch', { error: this.#error });
            // Paused on-chain while the switch says provide means no job at all: try again in a few seconds.
            if (this.#takesJobs && !this.#retryTimer) {
              this.#retryTimer = setTimeout(() => {
                this.#retryTimer = undefined;
                void this.reconcile();
              }, 3_000).unref();
            }
          }
        });
        await this.#reconcilePass;
        this.#changed();
        // While leaving, the passes asked meanwhile wait for resumeAfterLeave (which asks for one).
      } while (this.#reconcileAgain && this.#leaving === null);
    })().finally(() => {
      this.#reconciling = null;
      this.#reconcilePass = null;
    });
    return this.#reconciling;
  }

  /**
   * Leaves cleanly: pauses every economy this provider is active in on-chain while the key is still here, and waits
   * for the pauses to land, at most `timeoutMs` (an exit must never hang on a slow RPC). The switch stays on, so
   * the next start (or the next unlock) resumes by itself. Until `resumeAfterLeave`, new assignments are declined
   * inside their accept window (no slash); jobs already running finish. Absence after this is unslashable anyway
   * (a job never accepted is a no-show), but a paused provider is not drawn at all, so no requester waits on it.
   * `meanwhile` is what the provider's state says until then.
   */
  async leave(
    reason: string,
    timeoutMs = 8_000,
    meanwhile = 'Stopping: paused on-chain until the next start',
  ): Promise<Address[]> {
    this.#leaving = meanwhile;
    this.#changed();
    const chain = this.#o.chain;
    const me = this.#o.wallet.address;
    if (!this.#takesJobs || !this.#switch.on || !chain.connection || !chain.connected || !chain.tx || !me)
      return [];
    const paused: Address[] = [];
    const names: string[] = [];
    const work = (async () => {
      // The pass in progress (a resume in flight) lands first, then is paused. Only that pass: on a busy machine
      // the chain's and the feed's changes keep asking for more, and waiting for them all held the pause back.
      await this.#reconcilePass;
      const sender = await chain.actionClient();
      const client = { publicClient: chain.client() };
      for (const economy of this.#o.feed.sync?.economies() ?? [...this.#members.keys()]) {
        const p = await readProvider(client, { economy, account: getAddress(me) });
        if (p.status !== 'Active') continue;
        await pauseProvider(sender, { economy });
        paused.push(economy);
        names.push(
          await this.#o.economies.info(economy).then(
            (i) => i.name,
            () => economy,
          ),
        );
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const out = await Promise.race([
      work.then(
        () => 'done' as const,
        (err: Error) => err,
      ),
      timedOut,
    ]);
    clearTimeout(timer);
    if (out === 'done') {
      if (names.length)
        this.#o.log.info(`paused in ${names.join(', ')} before ${reason}`, { economies: paused });
    } else {
      this.#o.log.warn(
        `could not pause every economy before ${reason}; unanswered jobs end as no-shows, unslashed`,
        {
          paused: names,
          error: out === 'timeout' ? `no answer in ${timeoutMs / 1000} s` : out.message.split('\n')[0],
        },
      );
    }
    return paused;
  }

  /** After a leave that did not end the process (the wallet was locked): the next reconcile may resume again. */
  resumeAfterLeave(): void {
    this.#leaving = null;
    this.#changed();
    void this.reconcile();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    clearTimeout(this.#retryTimer);
    for (const off of this.#off.splice(0)) off();
    if (this.#switch.on) this.uptime.stop();
    await this.#reconciling;
    await this.loop.close();
    this.#slots.close();
    this.journal.close();
    this.#lock.release();
  }

  async #reconcileOnce(): Promise<void> {
    if (this.#switch.on) {
      // Temperatures and power move: ask again when the last report had any, otherwise the first is enough.
      const live = this.#hardware?.gpus.some((g) => g.temperatureC !== null || g.powerW !== null) ?? false;
      this.#hardware = await this.#o.hardware.get(live).catch(() => this.#hardware);
    }
    const chain = this.#o.chain;
    if (!chain.connection || !chain.connected) return;
    const me = this.#o.wallet.address;
    // Until the event copy has read the chain once, the list of economies is not known: say nothing about them.
    const sync = this.#o.feed.sync;
    if (!sync || sync.head === null) return;
    const economies = sync.economies();
    if (!me) {
      this.#members = new Map();
      return;
    }
    const client = { publicClient: chain.client() };
    const members = new Map<Address, ReadProviderReturnType>();
    await Promise.all(
      economies.map(async (economy) => {
        const p = await readProvider(client, { economy, account: getAddress(me) });
        if (p.status !== 'None') members.set(economy, p);
      }),
    );
    this.#setMembers(members);
    await this.#judge();
    if (!chain.tx) return; // locked: nothing can be sent; the state says why
    // Only the process that takes jobs keeps the chain in line by itself; another sends only when told to.
    if (!this.#takesJobs && !this.#writeOnce) return;
    this.#writeOnce = false;
    const wantActive =
      this.#switch.on && this.#leaving === null && !outsideSchedule(this.#o.settings().limits.schedule);
    const sender = await chain.actionClient();
    // A slash that left a bond under the minimum: topped up first (when the user asked for it), so the resume
    // and unjail below see the restored bond.
    if (wantActive && (await this.#autoTopUp(sender, members))) {
      for (const [e, p] of await this.#reread(members)) members.set(e, p);
    }
    for (const [economy, p] of members) {
      if (!wantActive && p.status === 'Active') await pauseProvider(sender, { economy });
      if (p.status === 'Active' || p.status === 'Paused') {
        // The kinds served and the capacity the limits allow, declared once they differ from the chain's: pause →
        // update → resume (resumed only if it was active; a paused one stays paused until the switch says so).
        const info = await this.#o.economies.info(economy);
        const capacity = declaredCapacity(
          this.#o.settings().limits.maxConcurrentJobs,
          info.params,
          this.#o.benchmark.routedJobS(),
        );
        await syncProfile(sender, { economy, kinds: this.#kinds, capacity });
      }
      if (wantActive && p.status === 'Paused') await resumeProvider(sender, { economy });
      if (wantActive && p.status === 'Jailed' && p.jailedUntil <= chain.now()) {
        // Back to the draw once the cool-down is over (strikes cleared), if slashes left enough bond.
        const info = await this.#o.economies.info(economy);
        if (p.bond >= info.params.minBond) await unjail(sender, { economy });
      }
    }
    if (members.size) this.#setMembers(await this.#reread(members));
    await this.#judge();
    this.#error = null;
  }

  #setMembers(members: Map<Address, ReadProviderReturnType>): void {
    const before = [...this.#serving()].sort().join();
    this.#members = members;
    this.#membersKnown = true;
    // Newly served economies: their posted jobs and any assignment a killed run left are picked up now.
    if ([...this.#serving()].sort().join() !== before) this.loop.catchUp();
  }

  async #reread(
    members: Map<Address, ReadProviderReturnType>,
  ): Promise<Map<Address, ReadProviderReturnType>> {
    const me = getAddress(this.#o.wallet.address!);
    const client = { publicClient: this.#o.chain.client() };
    const out = new Map<Address, ReadProviderReturnType>();
    await Promise.all(
      [...members.keys()].map(async (e) =>
        out.set(e, await readProvider(client, { economy: e, account: me })),
      ),
    );
    return out;
  }

  /**
   * Providing starts: record uptime, and start the engine now (device probing, the worker, onnxruntime) so the
   * first job's refusal or result does not arrive after a short accept window.
   */
  #warmUp(): void {
    this.uptime.start();
    const model = probeModel();
    const input = writeSafetensors([tensorOf('x', 'F32', [1, 8], new Float32Array(8))]);
    void this.#o.engine
      .runJob({ kind: 'inference', modelHash: keccak256(model), model, input }, { timeoutMs: 60_000 })
      .catch((err: Error) => this.#o.log.warn('the engine could not start', { error: err.message }));
  }

  /** Null while taking new jobs; otherwise why not, in words the dashboard shows. */
  #notAccepting(): string | null {
    if (!this.#switch.on) return 'Stopped';
    if (this.#leaving !== null) return this.#leaving;
    const wallet = this.#o.wallet.info();
    if (!wallet.exists) return 'No wallet yet: create or import one in Settings';
    if (wallet.locked) return 'Wallet locked: unlock it in Settings → Wallet';
    if (this.#o.chain.connection && !this.#o.chain.connected) return 'Not connected to the chain';
    const limits = this.#o.settings().limits;
    const schedule = outsideSchedule(limits.schedule);
    if (schedule) return schedule;
    const hot = overTemperature(this.#hardware, limits.maxTemperatureC, limits.devices);
    if (hot) return hot;
    return overPower(this.#hardware, limits.maxPowerW, limits.devices);
  }

  /** Reads, from the members and each economy's minimum bond, where the contract gives this provider no weight. */
  async #judge(): Promise<void> {
    const out: NonNullable<ProviderState['notDrawable']> = [];
    const topUps: NonNullable<ProviderState['autoTopUp']> = [];
    for (const [economy, p] of this.#members) {
      const info = await this.#o.economies.info(economy);
      const why = notDrawable(
        {
          status: membershipStatus(p.status),
          bond: p.bond.toString(),
          jailedUntil: p.status === 'Jailed' ? p.jailedUntil : null,
          noShows: p.noShows,
        },
        info.params,
        info.token,
      );
      if (why) out.push({ economy, name: info.name, ...why });
      // What auto top-up added here against the cap, or its last word.
      const chainId = this.#o.chain.endpoint?.chainId;
      const added = chainId === undefined ? 0n : this.#topUps.added(chainId, economy);
      const last = this.#topUpText.get(economy.toLowerCase());
      if (added === 0n && !last) continue;
      const fmt = (v: bigint) => formatTokenAmount(v, info.token);
      const cap = this.#o.settings().autoTopUp.cap;
      topUps.push({
        economy,
        name: info.name,
        added: added.toString(),
        text: last?.text ?? `${fmt(added)} added so far (cap ${cap} ${info.token.symbol}).`,
      });
    }
    this.#blocked = out;
    this.#topUpView = topUps;
  }

  /**
   * Auto top-up (opt-in, Settings): for each membership whose bond a slash left under the economy's minimum, adds
   * exactly the shortfall from the wallet, within the user's cap (a total per economy, kept in topups.json) and the
   * wallet's balance; says what it did (log, `provider.autoTopUp`, the state) or, once per reason, why it could not.
   * Whether it added anywhere.
   */
  async #autoTopUp(sender: ActionClient, members: Map<Address, ReadProviderReturnType>): Promise<boolean> {
    const setting = this.#o.settings().autoTopUp;
    // A refusal said earlier no longer holds once the setting is off or the bond is whole again.
    const dropSkip = (e: Address) => {
      if (this.#topUpText.get(e.toLowerCase())?.outcome === 'skipped')
        this.#topUpText.delete(e.toLowerCase());
    };
    if (!setting.enabled) {
      for (const e of members.keys()) dropSkip(e);
      return false;
    }
    const chainId = this.#o.chain.endpoint?.chainId;
    if (chainId === undefined) return false;
    let added = false;
    for (const [economy, p] of members) {
      if (p.status !== 'Active' && p.status !== 'Paused' && p.status !== 'Jailed') continue;
      const info = await this.#o.economies.info(economy);
      if (p.bond >= info.params.minBond) {
        dropSkip(economy);
        continue;
      }
      const token = info.token;
      const balance = await sender.publicClient.readContract({
        address: token.address,
        abi: economyTokenAbi,
        functionName: 'balanceOf',
        args: [sender.tx.address],
      });
      const cap = parseUnits(setting.cap, token.decimals);
      const before = this.#topUps.added(chainId, economy);
      const plan = planTopUp({
        bond: p.bond,
        minBond: info.params.minBond,
        cap,
        added: before,
        balance,
        token,
      });
      if (!plan) continue;
      const fmt = (v: bigint) => formatTokenAmount(v, token);
      const under = `bond ${fmt(p.bond)} < ${formatTokenAmount(info.params.minBond, token, { symbol: false })} minimum`;
      if ('skip' in plan) {
        const text = `Auto top-up could not restore the bond in ${info.name} (${under}): it ${plan.skip}.`;
        if (this.#topUpText.get(economy.toLowerCase())?.text !== text) {
          this.#o.log.warn(text, { economy });
          this.#notifyTopUp({ economy, name: info.name, outcome: 'skipped', amount: null, text });
        }
        continue;
      }
      // Counted before it is sent: a crash after the send can never let a later top-up pass the cap.
      this.#topUps.add(chainId, economy, plan.amount);
      try {
        await lifecycle.addBond(
          {
            client: sender,
            economy: info,
            snapshots: this.#o.snapshots,
            kinds: this.#kinds,
            maxConcurrentJobs: this.#o.settings().limits.maxConcurrentJobs,
          },
          plan.amount,
        );
      } catch (err) {
        this.#topUps.add(chainId, economy, -plan.amount);
        throw err;
      }
      added = true;
      const total = before + plan.amount;
      const text = `Added ${fmt(plan.amount)} to the bond in ${info.name} (${under}) from the wallet: ${fmt(total)} of the ${fmt(cap)} cap used.`;
      this.#o.log.info(text, { economy, amount: plan.amount.toString() });
      this.#notifyTopUp({
        economy,
        name: info.name,
        outcome: 'added',
        amount: plan.amount.toString(),
        text,
      });
    }
    return added;
  }

  #notifyTopUp(n: Omit<AutoTopUpNotice, 't'>): void {
    const notice = { ...n, t: Date.now() };
    this.#topUpText.set(n.economy.toLowerCase(), notice);
    this.#o.events.emit('provider.autoTopUp', notice);
  }

  /** Providing, but every economy joined has no weight in the draw: said loudly, with the first one's reason. */
  #undrawable(serving: number): string | null {
    const first = this.#blocked[0];
    if (serving > 0 || !first) return null;
    const more = this.#blocked.length > 1 ? ` (and ${this.#blocked.length - 1} more)` : '';
    return `Not drawable in ${first.name}: ${first.reason.replace(/^not drawable: /, '')}${more}`;
  }

  /** Why the switch is on but no job can come: no economy joined, or none active. Not a reason to decline one. */
  #idleReason(): string | null {
    if (!this.#membersKnown || !this.#o.chain.connection) return null;
    if (this.#members.size === 0) return 'Join an economy to take jobs';
    if (![...this.#members.values()].some((p) => p.status === 'Active' || p.status === 'Paused')) {
      return 'Not active in any economy (exited or jailed)';
    }
    return null;
  }

  #serving(): ReadonlySet<string> {
    const out = new Set<string>();
    if (!this.#switch.on) return out;
    for (const [e, p] of this.#members) if (p.status === 'Active') out.add(e.toLowerCase());
    return out;
  }

  async #deps(economy: Address): Promise<lifecycle.LifecycleDeps> {
    const summary = await this.#o.economies.get(economy); // NOT_FOUND for an unknown economy
    return {
      client: await this.#o.chain.actionClient(),
      economy: await this.#o.economies.info(summary.economy),
      snapshots: this.#o.snapshots,
      kinds: this.#kinds,
      maxConcurrentJobs: this.#o.settings().limits.maxConcurrentJobs,
      routedJobS: this.#o.benchmark.routedJobS(),
    };
  }

  async #afterLifecycle(): Promise<void> {
    await this.#o.feed.refresh();
    await this.reconcile();
    this.#o.economies.changed();
  }

  async #format(economy: Address, amount: bigint): Promise<string> {
    const token = await this.#o.economies
      .info(economy)
      .then((i) => i.token)
      .catch(() => null);
    // Rounded as the cards round it, so a toast and the Earnings page show the same figure.
    return formatTokenAmount(amount, { decimals: token?.decimals ?? 18, symbol: token?.symbol ?? 'tokens' });
  }

  #changed(): void {
    const state = this.state();
    const key = JSON.stringify(state);
    if (key === this.#last) return;
    this.#last = key;
    this.#o.events.emit('provider.changed', state);
  }
}
