import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type {
  ApiHandlers,
  EarningsReport,
  FleetAlert,
  FleetNode,
  FleetReport,
  HardwareReport,
  JobSummary,
  NodeStatus,
  Penalty,
  ProviderState,
  WalletInfo,
} from '#shared/api';
import { FlywheelError } from '#shared/errors';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { Wallet } from '../wallet/wallet';
import {
  callRemote,
  DEFAULT_REMOTE_TIMEOUT_MS,
  parseRemoteTarget,
  probeHealth,
  RemoteError,
  type RemoteTarget,
} from './remote';
import { FLEET_KEY_LABEL, FleetStore, type FleetEntry, type TokenKeySource } from './store';

/** A GPU at or above this is "hot" (the same line as the FlywheelGpuHot alert rule in resources/ops/). */
export const GPU_HOT_C = 83;
/** Slashes, lost challenges and jails this recent are an alert. */
const SLASH_WINDOW_MS = 24 * 3600_000;
const FINISHED = new Set<JobSummary['status']>(['Submitted', 'Voting', 'Finalized', 'Rejected']);

export interface FleetServiceOptions {
  dataDir: string;
  wallet: Pick<Wallet, 'address' | 'deriveKey' | 'onChange' | 'unlocked'>;
  events: EventBus;
  log: Logger;
  /** Each remote call gives up after this long (default 4 s). */
  timeoutMs?: number;
  /** How often every node is checked in the background (default 5 s, so a node that goes down shows within seconds; 0: only on `fleet.refresh`). */
  pollMs?: number;
}

type FleetHandlers = Pick<
  ApiHandlers,
  | 'fleet.list'
  | 'fleet.add'
  | 'fleet.remove'
  | 'fleet.refresh'
  | 'fleet.startProviding'
  | 'fleet.stopProviding'
>;

/**
 * Other Flywheel nodes watched and steered from this one. This node makes every remote call (the renderer never sees
 * a token), each with a timeout, so a node that does not answer is shown as "not answering since …" and never holds
 * up the page. Tokens are kept encrypted with a key derived from this node's wallet (store.ts).
 */
export class FleetService {
  readonly store: FleetStore;
  readonly #o: FleetServiceOptions;
  readonly #views = new Map<string, FleetNode>();
  readonly #checking = new Map<string, Promise<FleetNode>>();
  readonly #keys: TokenKeySource;
  readonly #timer: NodeJS.Timeout | null;
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(options: FleetServiceOptions) {
    this.#o = options;
    this.store = new FleetStore(join(options.dataDir, 'fleet.json'));
    if (this.store.problem) {
      options.log.error('the fleet file could not be read; it is kept as it is', {
        file: this.store.file,
        details: this.store.problem.details,
      });
    }
    const wallet = options.wallet;
    this.#keys = { address: () => wallet.address, key: () => wallet.deriveKey(FLEET_KEY_LABEL) };
    for (const entry of this.store.entries()) this.#views.set(entry.id, blankView(entry));
    let unlocked = wallet.unlocked;
    this.#unsubscribe = wallet.onChange((info: WalletInfo) => {
      const now = !info.locked;
      if (now === unlocked) return;
      unlocked = now;
      if (now) void this.refresh().catch(() => undefined);
      else {
        for (const entry of this.store.entries()) this.#views.set(entry.id, this.#lockedView(entry));
        this.#emit();
      }
    });
    const pollMs = options.pollMs ?? 5_000;
    this.#timer =
      pollMs > 0
        ? setInterval(() => {
            if (this.store.entries().length > 0) void this.refresh().catch(() => undefined);
          }, pollMs)
        : null;
    this.#timer?.unref();
  }

  report(): FleetReport {
    const problem = this.#tokensProblem();
    return {
      nodes: this.store.entries().map((e) => this.#views.get(e.id) ?? blankView(e)),
      tokensReadable: problem === null,
      tokensNote: problem,
    };
  }

  /** Checks the URL and token (a Flywheel node answers there and takes the token) before keeping them. */
  async add(input: { url: string; token?: string; label?: string }): Promise<FleetNode> {
    if (this.store.problem) throw this.store.problem;
    const problem = this.#tokensProblem();
    if (problem) {
      throw new FlywheelError(problem, {
        code: this.#o.wallet.address ? 'WALLET_LOCKED' : 'NOT_FOUND',
        action: this.#o.wallet.address
          ? 'Unlock the wallet in Settings, then add the node.'
          : 'Create or import a wallet in Settings first: fleet tokens are encrypted with a key derived from it.',
      });
    }
    const target = parseRemoteTarget(input.url, input.token);
    if (this.store.entries().some((e) => e.origin === target.origin)) {
      throw new FlywheelError(`${target.origin} is in the fleet already.`, {
        code: 'CONFLICT',
        action: 'Remove it first to give it a new token.',
      });
    }
    const timeoutMs = this.#o.timeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS;
    try {
      await probeHealth(target.origin, timeoutMs);
    } catch (err) {
      throw new FlywheelError(`No Flywheel node answered at ${target.origin}.`, {
        code: 'BAD_INPUT',
        details: (err as Error).message,
        action:
          'Check the URL and that the node runs. Its API listens on 127.0.0.1 only: for another machine, forward the port (ssh -L 7420:127.0.0.1:7420 rig) and add http://127.0.0.1:7420.',
      });
    }
    let status: NodeStatus;
    try {
      status = await callRemote<NodeStatus>(target, 'node.status', {}, timeoutMs);
    } catch (err) {
      const refused = err instanceof RemoteError && err.kind === 'refused';
      throw new FlywheelError(
        refused
          ? `The node at ${target.origin} refused that token.`
          : `The node at ${target.origin} did not answer.`,
        {
          code: 'BAD_INPUT',
          details: (err as Error).message,
          action: refused
            ? 'Paste its current URL (with #token=…); a rotated token replaces the old one.'
            : 'Try again once it has started.',
        },
      );
    }
    const label = input.label?.trim() || `${status.shell} at ${new URL(target.origin).host}`;
    const entry = this.store.add(
      { id: randomBytes(8).toString('hex'), label, origin: target.origin, addedAt: Date.now() },
      target.token,
      this.#keys,
    );
    this.#o.log.info('added a node to the fleet', { origin: entry.origin, label });
    this.#views.set(entry.id, blankView(entry));
    const view = await this.#check(entry);
    this.#emit();
    return view;
  }

  remove(id: string): FleetReport {
    const entry = this.#entry(id);
    this.store.remove(id);
    this.#views.delete(id);
    this.#o.log.info('removed a node from the fleet', { origin: entry.origin });
    this.#emit();
    return this.report();
  }

  /** Checks every node (or one) at once; each gives up after the timeout, so this never waits longer than one. */
  async refresh(id?: string): Promise<FleetReport> {
    const entries = id ? [this.#entry(id)] : [...this.store.entries()];
    await Promise.all(entries.map((e) => this.#check(e)));
    this.#emit();
    return this.report();
  }

  /** Turns providing on or off at a node through its own API, then checks it again. */
  async setProviding(id: string, on: boolean): Promise<FleetNode> {
    const entry = this.#entry(id);
    const target = this.#target(entry);
    const name = on ? 'provider.start' : 'provider.stop';
    try {
      await callRemote<ProviderState>(target, name, {}, Math.max(this.#o.timeoutMs ?? 0, 30_000));
    } catch (err) {
      const e = err as RemoteError;
      this.#o.log.warn(`${name} at a node of the fleet failed`, { origin: entry.origin, error: e.message });
      throw new FlywheelError(`${entry.label} could not ${on ? 'start' : 'stop'} providing: ${e.message}`, {
        code: e.kind === 'failed' ? 'CONFLICT' : 'UNAVAILABLE',
      });
    }
    const view = await this.#check(entry);
    this.#emit();
    return view;
  }

  handlers(): FleetHandlers {
    return {
      'fleet.list': async () => this.report(),
      'fleet.add': async (params) => this.add(params),
      'fleet.remove': async ({ id }) => this.remove(id),
      'fleet.refresh': async ({ id }) => this.refresh(id),
      'fleet.startProviding': async ({ id }) => this.setProviding(id, true),
      'fleet.stopProviding': async ({ id }) => this.setProviding(id, false),
    };
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#unsubscribe();
  }

  #entry(id: string): FleetEntry {
    const entry = this.store.entries().find((e) => e.id === id);
    if (!entry) throw new FlywheelError('No such node in the fleet.', { code: 'NOT_FOUND' });
    return entry;
  }

  #target(entry: FleetEntry): RemoteTarget {
    const token = this.store.token(entry, this.#keys);
    if ('problem' in token) throw new FlywheelError(token.problem, { code: 'WALLET_LOCKED' });
    return { origin: entry.origin, token: token.token };
  }

  #tokensProblem(): string | null {
    const damaged = this.store.problem;
    if (damaged) return `${damaged.shortMessage} ${damaged.action ?? ''}`.trim();
    const wallet = this.#o.wallet;
    if (!wallet.address) return 'There is no wallet: fleet tokens are encrypted with a key derived from it.';
    if (!wallet.unlocked) return 'The wallet is locked: fleet tokens are unreadable until it is unlocked.';
    return null;
  }

  #lockedView(entry: FleetEntry): FleetNode {
    const prev = this.#views.get(entry.id) ?? blankView(entry);
    const token = this.store.token(entry, this.#keys);
    const problem = 'problem' in token ? token.problem : 'The wallet is locked: fleet tokens are unreadable.';
    return { ...prev, state: 'locked', error: problem, alerts: [{ kind: 'wallet', text: problem }] };
  }

  /** One check at a time per node: a second caller shares the one in flight. */
  #check(entry: FleetEntry): Promise<FleetNode> {
    const running = this.#checking.get(entry.id);
    if (running) return running;
    const run = this.#checkNow(entry).finally(() => this.#checking.delete(entry.id));
    this.#checking.set(entry.id, run);
    return run;
  }

  async #checkNow(entry: FleetEntry): Promise<FleetNode> {
    const token = this.store.token(entry, this.#keys);
    if ('problem' in token) return this.#set(this.#lockedView(entry));
    const target = { origin: entry.origin, token: token.token };
    const timeoutMs = this.#o.timeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS;
    const prev = this.#views.get(entry.id) ?? blankView(entry);
    const now = Date.now();
    let status: NodeStatus;
    try {
      status = await callRemote<NodeStatus>(target, 'node.status', {}, timeoutMs);
    } catch (err) {
      const e = err as RemoteError;
      const refused = e.kind === 'refused';
      const since = prev.notAnsweringSince ?? now;
      return this.#set({
        ...prev,
        state: refused ? 'refused' : 'not-answering',
        notAnsweringSince: refused ? null : since,
        error: e.message,
        checkedAt: now,
        alerts: [
          refused
            ? { kind: 'refused', text: `Refused the token: add it again with its new URL.` }
            : {
                kind: 'not-answering',
                text: `Not answering: ${e.message}`,
              },
        ],
      });
    }
    // The rest at once; each part that fails (no chain, no wallet there) is shown as not known.
    const ask = <T>(name: string, params: object = {}) =>
      callRemote<T>(target, name, params, timeoutMs).catch(() => null);
    const [provider, jobs, earnings, hardware, penalties] = await Promise.all([
      ask<ProviderState>('provider.get'),
      ask<JobSummary[]>('jobs.list', { mine: true, limit: 500 }),
      ask<EarningsReport>('earnings.get'),
      ask<HardwareReport>('hardware.get'),
      ask<Penalty[]>('penalties.list'),
    ]);
    const hourAgo = Date.now() - 3600_000;
    const view: FleetNode = {
      ...prev,
      label: entry.label,
      state: 'answering',
      lastAnsweredAt: Date.now(),
      notAnsweringSince: null,
      error: null,
      checkedAt: now,
      node: {
        version: status.version,
        shell: status.shell,
        network: status.network.label,
        uptimeS: status.uptimeS,
      },
      provider,
      jobsLastHour: jobs
        ? jobs.filter((j) => FINISHED.has(j.status) && toMs(j.updatedAt) >= hourAgo).length
        : null,
      earnings: earnings?.totals ?? null,
      gpus: hardware
        ? hardware.gpus.map((g) => ({
            id: g.id,
            model: g.model,
            temperatureC: g.temperatureC,
            utilizationPct: g.utilizationPct,
            powerW: g.powerW,
          }))
        : null,
      alerts: [],
    };
    view.alerts = alertsFor(view, penalties);
    return this.#set(view);
  }

  #set(view: FleetNode): FleetNode {
    // A node removed while it was being checked stays removed.
    if (this.store.entries().some((e) => e.id === view.id)) this.#views.set(view.id, view);
    return view;
  }

  #emit(): void {
    if (!this.#closed) this.#o.events.emit('fleet.changed', this.report());
  }
}

function blankView(entry: FleetEntry): FleetNode {
  return {
    id: entry.id,
    label: entry.label,
    origin: entry.origin,
    addedAt: entry.addedAt,
    state: 'unchecked',
    lastAnsweredAt: null,
    notAnsweringSince: null,
    error: null,
    checkedAt: null,
    node: null,
    provider: null,
    jobsLastHour: null,
    earnings: null,
    gpus: null,
    alerts: [],
  };
}

function alertsFor(view: FleetNode, penalties: Penalty[] | null): FleetAlert[] {
  const alerts: FleetAlert[] = [];
  const p = view.provider;
  if (p && p.status !== 'providing') {
    const words = { stopped: 'switched off', starting: 'starting', held: 'held back', error: 'in error' }[
      p.status
    ];
    alerts.push({
      kind: 'not-providing',
      text: `Not providing (${words})${p.reason ? `: ${p.reason}` : '.'}`,
    });
  }
  for (const n of p?.notDrawable ?? []) {
    alerts.push({ kind: 'not-drawable', text: `Not drawable in ${n.name}: ${n.reason}` });
  }
  const since = Date.now() - SLASH_WINDOW_MS;
  const recent = (penalties ?? []).filter(
    (x) => (x.kind === 'slash' || x.kind === 'challenge-lost' || x.kind === 'jail') && toMs(x.t) >= since,
  );
  if (recent.length > 0) {
    const kinds = [...new Set(recent.map((x) => (x.kind === 'challenge-lost' ? 'lost challenge' : x.kind)))];
    alerts.push({
      kind: 'slashed',
      text: `${recent.length} penalt${recent.length === 1 ? 'y' : 'ies'} in the last 24 h (${kinds.join(', ')}).`,
    });
  }
  for (const g of view.gpus ?? []) {
    if (g.temperatureC !== null && g.temperatureC >= GPU_HOT_C) {
      alerts.push({ kind: 'gpu-hot', text: `${g.model} (${g.id}) at ${g.temperatureC} °C.` });
    }
  }
  return alerts;
}

/** Chain times travel as Unix seconds, journal times as milliseconds. */
function toMs(t: number): number {
  return t > 1e12 ? t : t * 1000;
}
