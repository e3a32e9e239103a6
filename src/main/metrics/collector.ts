import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { formatUnits, getAddress, type Address } from 'viem';
import type { EarningsReport, JobSummary, NodeStatus } from '#shared/api';
import type { HardwareReport } from '#shared/api/hardware';
import type { BenchmarkService } from '../benchmark/benchmarkService';
import type { Engine } from '../engine/engine';
import type { EventBus } from '../events';
import type { HardwareService } from '../hardware/hardwareService';
import type { OnChainParts } from '../provider/parts';
import type { Wallet } from '../wallet/wallet';

/** Where the metrics are read from: the node's own parts, never a second copy of their logic. */
export interface MetricSources {
  events: EventBus;
  hardware: Pick<HardwareService, 'get'>;
  benchmark: Pick<BenchmarkService, 'routing'>;
  engine: Pick<Engine, 'stats'>;
  onchain: Pick<OnChainParts, 'chain' | 'feed' | 'provider' | 'earnings'>;
  wallet: Pick<Wallet, 'address' | 'unlocked'>;
  status: () => Pick<NodeStatus, 'version' | 'shell' | 'network'>;
  /** Unix ms; tests pass a clock. */
  now?: () => number;
}

export interface NodeMetrics {
  readonly registry: Registry;
  close(): void;
}

/** A job's end as this provider saw it; one count per job. */
export type JobOutcome = 'finalized' | 'rejected' | 'refunded' | 'declined' | 'failed';

/** Seconds: a tiny job on the CPU takes milliseconds, a fine-tune many minutes. */
const RUN_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const QUEUE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
/** How long a scrape trusts the last earnings report before reading a new one in the background. */
const EARNINGS_MAX_AGE_MS = 30_000;
/** Jobs remembered (counted, timed) per process; the oldest go first. */
const REMEMBERED = 10_000;

/**
 * The node's metrics in Prometheus's terms (prom-client), by the usual conventions: base units (seconds, bytes,
 * watts, celsius; token amounts in whole tokens), `_total` counters, `economy` labels holding the economy's
 * address (`flywheel_economy_info` names it). Counters count from the process's start, as Prometheus expects; what
 * the node keeps itself (engine restarts, fee bumps) is read at scrape time from its parts.
 */
export function createNodeMetrics(s: MetricSources): NodeMetrics {
  const now = s.now ?? Date.now;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const offs: (() => void)[] = [];

  // ── node ──────────────────────────────────────────────────────────────────────────────────────────────────────
  new Gauge({
    name: 'flywheel_node_info',
    help: 'The node: version, shell (app, headless, cli) and network; always 1.',
    labelNames: ['version', 'shell', 'network', 'chain_id'],
    registers: [registry],
    collect() {
      const st = s.status();
      this.reset();
      this.set(
        {
          version: st.version,
          shell: st.shell,
          network: st.network.label,
          chain_id: st.network.chainId === null ? '' : String(st.network.chainId),
        },
        1,
      );
    },
  });
  new Gauge({
    name: 'flywheel_wallet_unlocked',
    help: 'Whether the wallet is unlocked (1): a locked wallet cannot sign, so the node takes no jobs.',
    registers: [registry],
    collect() {
      this.set(s.wallet.unlocked ? 1 : 0);
    },
  });

  // ── provider ──────────────────────────────────────────────────────────────────────────────────────────────────
  const statuses = ['stopped', 'starting', 'providing', 'held', 'error'] as const;
  new Gauge({
    name: 'flywheel_provider_status',
    help: 'The provider switch: 1 for the status it is in (stopped, starting, providing, held, error), 0 otherwise.',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      const st = s.onchain.provider.state().status;
      for (const status of statuses) this.set({ status }, st === status ? 1 : 0);
    },
  });
  new Gauge({
    name: 'flywheel_provider_serving_economies',
    help: 'Economies this provider takes jobs in now.',
    registers: [registry],
    collect() {
      this.set(s.onchain.provider.state().serving.length);
    },
  });
  new Gauge({
    name: 'flywheel_job_slots',
    help: 'Job slots: busy (running or waiting for the engine) and total.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const slots = s.onchain.provider.state().slots;
      this.set({ state: 'busy' }, slots.busy);
      this.set({ state: 'total' }, slots.total);
    },
  });

  // ── jobs ──────────────────────────────────────────────────────────────────────────────────────────────────────
  const jobs = new Counter({
    name: 'flywheel_jobs_total',
    help:
      'Jobs assigned to this provider that reached their end, by kind, economy and outcome: finalized (paid), ' +
      'rejected (a challenge upheld), refunded (its deadline passed), declined (by this node), failed.',
    labelNames: ['kind', 'economy', 'outcome'],
    registers: [registry],
  });
  const declines = new Counter({
    name: 'flywheel_declines_total',
    help: 'Jobs this node declined inside their accept window (never slashed), by economy and reason.',
    labelNames: ['economy', 'reason'],
    registers: [registry],
  });
  const runTime = new Histogram({
    name: 'flywheel_job_run_seconds',
    help: "Time the engine took to run a job (model load included), by the job's kind.",
    labelNames: ['kind'],
    buckets: RUN_BUCKETS,
    registers: [registry],
  });
  const queueTime = new Histogram({
    name: 'flywheel_job_queue_seconds',
    help: 'Time from a job’s assignment to the start of its run (fetching model and input, waiting for a slot).',
    labelNames: ['kind'],
    buckets: QUEUE_BUCKETS,
    registers: [registry],
  });
  const counted = new Remembered();
  offs.push(
    s.events.subscribe((m) => {
      if (m.name !== 'jobs.updated') return;
      const job = m.payload;
      const outcome = outcomeOf(job, s.wallet.address);
      if (!outcome || !counted.add(job.key)) return;
      jobs.inc({ kind: job.kind, economy: job.economy, outcome });
      if (outcome === 'declined') {
        declines.inc({ economy: job.economy, reason: job.local?.declineReason ?? 'unknown' });
      }
    }),
  );
  const queued = new Remembered();
  const ran = new Remembered();
  const { local, journal } = s.onchain.provider;
  offs.push(
    local.onUpdate((economy, jobId) => {
      const state = local.get(economy, jobId);
      const round = journal.get(economy, jobId);
      if (!state || !round) return;
      const kind = round.fields.kind ?? 'inference';
      const key = `${round.key}@${round.startedAt}`;
      if (state.step === 'running' && queued.add(key)) {
        queueTime.observe({ kind }, Math.max(0, now() - round.startedAt) / 1000);
      }
      if (state.timings.runMs !== null && state.step !== 'running' && ran.add(key)) {
        runTime.observe({ kind }, state.timings.runMs / 1000);
      }
    }),
  );

  // ── penalties ─────────────────────────────────────────────────────────────────────────────────────────────────
  const penalties = new Counter({
    name: 'flywheel_penalties_total',
    help:
      'Penalties against this provider seen on-chain, by economy and kind: slash, challenge-lost, strike, jail, ' +
      'unjail, timeout, no-show.',
    labelNames: ['economy', 'kind'],
    registers: [registry],
  });
  offs.push(
    s.events.subscribe((m) => {
      if (m.name === 'penalties.added') penalties.inc({ economy: m.payload.economy, kind: m.payload.kind });
    }),
  );

  // ── earnings, bond and locked ─────────────────────────────────────────────────────────────────────────────────
  let earnings: { report: EarningsReport; at: number } | null = null;
  let reading: Promise<void> | null = null;
  const readEarnings = (): Promise<void> => {
    reading ??= s.onchain.earnings
      .report()
      .then((report) => {
        earnings = { report, at: now() };
      })
      .catch(() => undefined)
      .finally(() => {
        reading = null;
      });
    return reading;
  };
  offs.push(
    s.events.subscribe((m) => {
      if (m.name === 'earnings.changed') earnings = { report: m.payload, at: now() };
    }),
  );
  /** The first scrape waits for a report (a second at most); later ones refresh it in the background. */
  const currentEarnings = async (): Promise<EarningsReport | null> => {
    if (!s.onchain.chain.connected) return earnings?.report ?? null;
    if (!earnings) {
      await Promise.race([readEarnings(), new Promise((r) => setTimeout(r, 1000).unref())]);
    } else if (now() - earnings.at > EARNINGS_MAX_AGE_MS) {
      void readEarnings();
    }
    return earnings?.report ?? null;
  };
  const tokenGauge = (field: 'pending' | 'claimable' | 'withdrawn', help: string) =>
    new Gauge({
      name: `flywheel_earnings_${field}_tokens`,
      help,
      labelNames: ['token', 'token_address'],
      registers: [registry],
      async collect() {
        const report = await currentEarnings();
        this.reset();
        for (const t of report?.totals ?? []) {
          this.set(
            { token: t.token.symbol, token_address: t.token.address },
            tokens(t[field], t.token.decimals),
          );
        }
      },
    });
  tokenGauge('pending', 'Earned in results still inside their challenge window, per token, in whole tokens.');
  tokenGauge(
    'claimable',
    'What a withdrawal pays now (fees, refunds, emission accrued), per token, in whole tokens.',
  );
  tokenGauge('withdrawn', 'Withdrawn to the payout address so far, per token, in whole tokens.');
  const economyGauge = (name: string, field: 'bonded' | 'locked' | 'slashed', help: string) =>
    new Gauge({
      name,
      help,
      labelNames: ['economy', 'token'],
      registers: [registry],
      async collect() {
        const report = await currentEarnings();
        this.reset();
        for (const e of report?.economies ?? []) {
          this.set({ economy: e.economy, token: e.token.symbol }, tokens(e[field], e.token.decimals));
        }
      },
    });
  economyGauge('flywheel_bond_tokens', 'bonded', 'The bond in each economy joined, in whole tokens.');
  economyGauge(
    'flywheel_locked_tokens',
    'locked',
    'Collateral locked by jobs in progress in each economy, in whole tokens.',
  );
  economyGauge(
    'flywheel_slashed_tokens',
    'slashed',
    'Everything slashed from the bond in each economy, in whole tokens.',
  );
  new Gauge({
    name: 'flywheel_economy_info',
    help: 'Names each economy address in the other metrics (join on `economy`); always 1.',
    labelNames: ['economy', 'name', 'token'],
    registers: [registry],
    async collect() {
      const report = await currentEarnings();
      this.reset();
      for (const e of report?.economies ?? []) {
        this.set({ economy: e.economy, name: e.economyName, token: e.token.symbol }, 1);
      }
    },
  });

  // ── hardware ──────────────────────────────────────────────────────────────────────────────────────────────────
  let hardware: HardwareReport | null = null;
  offs.push(
    s.events.subscribe((m) => {
      if (m.name === 'hardware.changed') hardware = m.payload;
    }),
  );
  void s.hardware.get().then(
    (r) => (hardware ??= r),
    () => undefined,
  );
  const gpuGauge = (name: string, help: string, read: (g: HardwareReport['gpus'][number]) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['device', 'model'],
      registers: [registry],
      collect() {
        this.reset();
        for (const g of hardware?.gpus ?? []) {
          const value = read(g);
          if (value !== null) this.set({ device: g.id, model: g.model }, value);
        }
      },
    });
  gpuGauge(
    'flywheel_gpu_temperature_celsius',
    'GPU temperature from the hardware monitor.',
    (g) => g.temperatureC,
  );
  gpuGauge('flywheel_gpu_power_watts', 'GPU board power draw, where the GPU reports it.', (g) => g.powerW);
  gpuGauge('flywheel_gpu_utilization_ratio', 'GPU utilisation, 0 to 1.', (g) =>
    g.utilizationPct === null ? null : g.utilizationPct / 100,
  );
  gpuGauge('flywheel_gpu_memory_total_bytes', 'GPU memory (VRAM) size.', (g) =>
    g.vramMiB === null ? null : g.vramMiB * 2 ** 20,
  );
  gpuGauge(
    'flywheel_gpu_memory_used_bytes',
    'GPU memory (VRAM) in use, by any process, where the GPU reports it.',
    (g) => (g.vramUsedMiB === null ? null : g.vramUsedMiB * 2 ** 20),
  );
  new Gauge({
    name: 'flywheel_hardware_detected_timestamp_seconds',
    help:
      'When the GPU figures were last read (the provider reads them again every 30 s while it is on): how old the ' +
      'temperatures are.',
    registers: [registry],
    collect() {
      if (hardware) this.set(hardware.detectedAt / 1000);
    },
  });

  // ── chain ─────────────────────────────────────────────────────────────────────────────────────────────────────
  const { chain, feed } = s.onchain;
  new Gauge({
    name: 'flywheel_chain_connected',
    help: 'Whether the chain’s RPC answers (1) or not (0).',
    registers: [registry],
    collect() {
      this.set(chain.connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'flywheel_chain_head_block',
    help: 'The newest block this node has seen.',
    registers: [registry],
    collect() {
      const head = chain.head();
      this.reset();
      if (head) this.set(Number(head.number));
    },
  });
  new Gauge({
    name: 'flywheel_chain_head_lag_seconds',
    help:
      'Age of the newest block this node has seen (now minus its timestamp): grows when the RPC falls behind or stops ' +
      'answering.',
    registers: [registry],
    collect() {
      const head = chain.head();
      this.reset();
      if (head) this.set(Math.max(0, now() / 1000 - head.timestamp));
    },
  });
  new Gauge({
    name: 'flywheel_chain_sync_lag_blocks',
    help: 'Blocks between the chain’s head and the node’s copy of the economies’ events.',
    registers: [registry],
    collect() {
      const head = chain.head();
      const synced = feed.sync?.head ?? null;
      this.reset();
      if (head && synced !== null) this.set(Math.max(0, Number(head.number - synced)));
    },
  });
  new Gauge({
    name: 'flywheel_tx_pending',
    help: 'Transactions sent and not mined yet: the transaction queue’s depth.',
    registers: [registry],
    collect() {
      this.set(chain.tx?.pending().length ?? 0);
    },
  });
  new Counter({
    name: 'flywheel_tx_fee_bumps_total',
    help: 'Transactions replaced with higher fees because they were not mined in time (as the node’s record keeps).',
    registers: [registry],
    collect() {
      const tx = chain.tx;
      if (!tx) return;
      let bumps = 0;
      for (const r of tx.all()) bumps += Math.max(0, r.attempts.filter((a) => !a.cancel).length - 1);
      this.reset();
      this.inc(bumps);
    },
  });

  // ── engine and benchmark ──────────────────────────────────────────────────────────────────────────────────────
  new Counter({
    name: 'flywheel_engine_worker_restarts_total',
    help: 'Engine workers started again after a crash or a timeout, by device.',
    labelNames: ['device'],
    registers: [registry],
    collect() {
      this.reset();
      for (const d of s.engine.stats().devices) this.inc({ device: d.id }, d.restarts);
    },
  });
  new Gauge({
    name: 'flywheel_benchmark_score',
    help: 'Each measured device’s benchmark score (higher is faster), with the execution provider it ran on.',
    labelNames: ['device', 'execution_provider'],
    registers: [registry],
    collect() {
      this.reset();
      for (const d of s.benchmark.routing().devices) {
        if (d.result) this.set({ device: d.device, execution_provider: d.executionProvider }, d.result.score);
      }
    },
  });
  new Gauge({
    name: 'flywheel_benchmark_routed_score',
    help: 'The machine’s score from the routed rates (each workload on the device its jobs go to).',
    registers: [registry],
    collect() {
      const score = s.benchmark.routing().score;
      this.reset();
      if (score !== null) this.set(score);
    },
  });

  return {
    registry,
    close() {
      for (const off of offs.splice(0)) off();
    },
  };
}

/** A job's end for this provider, or null while it goes on (or is not its own). */
export function outcomeOf(job: JobSummary, me: Address | null): JobOutcome | null {
  if (!job.mine) return null;
  const step = job.local?.step;
  if (step === 'declined') return 'declined';
  if (step === 'failed') return 'failed';
  const own = !!me && !!job.provider && getAddress(job.provider) === getAddress(me);
  if (!own) return null;
  if (job.status === 'Finalized') return 'finalized';
  if (job.status === 'Rejected') return 'rejected';
  if (job.status === 'Refunded') return 'refunded';
  return null;
}

/** Base units to whole tokens: a float is plenty for a graph. */
function tokens(amount: string, decimals: number): number {
  return Number(formatUnits(BigInt(amount), decimals));
}

/** A bounded set: `add` says whether the key is new. */
class Remembered {
  readonly #keys = new Set<string>();

  add(key: string): boolean {
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    if (this.#keys.size > REMEMBERED) this.#keys.delete(this.#keys.values().next().value!);
    return true;
  }
}
