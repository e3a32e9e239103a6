import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type {
  BenchmarkMode,
  BenchmarkProgress,
  BenchmarkResult,
  BenchmarkState,
} from '#shared/api/benchmark';
import { Decline } from '#shared/decline';
import { FlywheelError } from '#shared/errors';
import { appVersion } from '../engine/devices';
import type { Engine, EngineDevice } from '../engine/engine';
import { createKeccak256, type Keccak256 } from '../engine/hash';
import type { EngineJob } from '../engine/jobs';
import {
  LANGUAGE_MODEL,
  languageTokensMs,
  pickDevice,
  predictWithRates,
  type DeviceRates,
  type DeviceRouter,
} from '../engine/router';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import { DriftTracker } from './drift';
import { BenchmarkHistory, type Calibration } from './history';
import { routingReport } from './routing';
import { runSuite } from './suite';

export interface BenchmarkServiceOptions {
  dataDir: string;
  engine: Engine;
  events: EventBus;
  log: Logger;
  /** Only these workloads (tests). */
  only?: string[];
  /**
   * The engine's router: measured rates go to it (and are loaded into it from the history at start), and devices it
   * finds unmeasured are measured in the background.
   */
  router?: DeviceRouter;
}

/**
 * The benchmark part of the node: runs the suite on every device (one run at a time), keeps the history, gives the
 * router each device's measured rates (engine/router.ts), predicts job run times on the device a job would go to,
 * and compares live jobs with those predictions (drift).
 */
export class BenchmarkService {
  readonly #history: BenchmarkHistory;
  readonly #drift = new DriftTracker();
  #running: BenchmarkProgress | null = null;
  #background: Promise<void> | null = null;
  /** When a background measurement last left a device unmeasured: the next waits 10 minutes. */
  #backgroundFailedAt = -Infinity;
  /** Why the suite failed on a device, until it passes there. */
  readonly #failures = new Map<string, string>();
  #keccak: Promise<Keccak256> | null = null;

  constructor(private readonly options: BenchmarkServiceOptions) {
    this.#history = new BenchmarkHistory(join(options.dataDir, 'benchmark-history.json'), (m) =>
      options.log.warn(m),
    );
    // Rates measured before (on whichever configuration: the router uses only those of the present one).
    for (const calibration of Object.values(this.#history.data.calibration)) {
      const rates = ratesOf(calibration);
      if (rates) options.router?.setRates(rates);
    }
  }

  get(): BenchmarkState {
    const { results } = this.#history.data;
    return {
      running: this.#running,
      latest: results.at(-1) ?? null,
      history: results,
      drift: this.#drift.report(),
      routing: this.routing(),
    };
  }

  /** Where jobs run, by measurement: each device's rates, the jobs it gets and why, the machine's routed score. */
  routing(): BenchmarkState['routing'] {
    const router = this.options.router;
    const measuring = this.#running !== null;
    if (!router || !router.devices.length) {
      return { devices: [], workloads: [], score: null, spreadPct: null, measuring };
    }
    return routingReport({
      router,
      devices: router.devices,
      resultOf: (device) => this.#resultOf(device),
      failures: this.#failures,
      measuring,
    });
  }

  /**
   * Runs the suite on a device, or on every device in turn, and resolves with the first device's result (each
   * device's is in the history and `routing()`).
   */
  async run(mode: BenchmarkMode, device?: string): Promise<BenchmarkResult> {
    return (await this.#run(mode, device ? [device] : null))[0]!;
  }

  /** Runs the suite on these devices in turn (null: every device), one run at a time. */
  async #run(mode: BenchmarkMode, only: string[] | null): Promise<BenchmarkResult[]> {
    if (this.#running) {
      throw new FlywheelError('A benchmark is already running.', {
        code: 'CONFLICT',
        action: 'Wait for it to finish.',
      });
    }
    const runId = randomUUID();
    this.#progress({
      runId,
      mode,
      step: 'starting',
      label: 'Starting',
      stepIndex: 0,
      steps: 1,
      fraction: 0,
      etaS: null,
    });
    try {
      const ids = only ?? (await this.options.engine.devices()).map((d) => d.id);
      return await this.#runDevices(runId, mode, ids);
    } catch (err) {
      // A benchmark is no job: the engine declining its model or input is the engine failing here.
      throw err instanceof FlywheelError && !(err instanceof Decline)
        ? err
        : new FlywheelError('The benchmark failed.', { code: 'ENGINE_FAILED', cause: err });
    } finally {
      this.#running = null;
    }
  }

  /**
   * Measures, in the background, the devices that have no rates for their present configuration (the router asks
   * when it routes a job with one of them unmeasured). Nothing when a run is going or every device is measured.
   */
  measureInBackground(): Promise<void> {
    const router = this.options.router;
    if (!router || this.#running || this.#background) return this.#background ?? Promise.resolve();
    if (performance.now() - this.#backgroundFailedAt < 10 * 60_000) return Promise.resolve();
    this.#background = (async () => {
      const missing = router.unmeasured(await this.options.engine.devices());
      if (!missing.length || this.#running) return;
      this.options.log.info('measuring devices in the background', { devices: missing.map((d) => d.id) });
      await this.#run(
        'quick',
        missing.map((d) => d.id),
      ).catch((err: Error) => this.options.log.warn('background measurement failed', { error: err.message }));
      if (router.unmeasured(await this.options.engine.devices()).length) {
        this.#backgroundFailedAt = performance.now();
      }
    })().finally(() => {
      this.#background = null;
    });
    return this.#background;
  }

  async #runDevices(runId: string, mode: BenchmarkMode, ids: string[]): Promise<BenchmarkResult[]> {
    this.#keccak ??= createKeccak256();
    const keccak256 = await this.#keccak;
    const devices = await this.options.engine.devices();
    const results: BenchmarkResult[] = [];
    for (const [n, id] of ids.entries()) {
      const device = devices.find((d) => d.id === id);
      const prefix = ids.length > 1 ? `${device?.label ?? id}: ` : '';
      let outcome;
      try {
        outcome = await runSuite({
          mode,
          engine: this.options.engine,
          keccak256,
          device: id,
          modelDir: join(this.options.dataDir, 'benchmark-models'),
          ...(this.options.only ? { only: this.options.only } : {}),
          onStep: ({ workload, index, steps }, etaS) => {
            const done = n * steps + index;
            const total = ids.length * steps;
            this.#progress({
              runId,
              mode,
              step: workload.id,
              label: prefix + workload.label,
              stepIndex: done,
              steps: total,
              fraction: done / total,
              // This device's rest, then each device after it taking as long as this one's whole suite.
              etaS: etaS === null ? null : etaS + (ids.length - n - 1) * ((etaS * steps) / (steps - index)),
            });
          },
        });
      } catch (err) {
        // A device that fails the suite (a GPU provider erring on a model) gets no job; the others go on.
        const message = (err as Error).message;
        this.#failures.set(id, message);
        this.options.log.warn('benchmark failed on a device', { device: id, error: message });
        if (ids.length === 1 || (n === ids.length - 1 && !results.length)) throw err;
        continue;
      }
      this.#failures.delete(id);
      for (const [step, why] of Object.entries(outcome.skipped)) {
        this.options.log.info('a language-model test did not run on this device', { device: id, step, why });
      }
      const result: BenchmarkResult = { id: ids.length > 1 ? `${runId}-${id}` : runId, ...outcome.result };
      const calibration: Calibration = {
        device: result.device,
        msPerRun: outcome.msPerRun,
        inputBytes: outcome.inputBytes,
        modelBytes: outcome.modelBytes,
        executionProvider: result.executionProvider,
        score: result.score,
        measuredAt: result.finishedAt,
        appVersion,
        resultId: result.id,
      };
      if (device?.fingerprint) calibration.fingerprint = device.fingerprint;
      this.#history.add(result, calibration);
      const rates = ratesOf(calibration);
      if (rates) this.options.router?.setRates(rates);
      // New calibration, new baseline for drift.
      this.#drift.reset();
      this.options.log.info('benchmark finished', { mode, device: result.device, score: result.score });
      this.options.events.emit('benchmark.finished', result);
      results.push(result);
    }
    return results;
  }

  #progress(progress: BenchmarkProgress): void {
    this.#running = progress;
    this.options.events.emit('benchmark.progress', progress);
  }

  #resultOf(device: EngineDevice): BenchmarkResult | null {
    const calibration = this.#history.data.calibration[device.id];
    const { results } = this.#history.data;
    const id = calibration?.resultId;
    return (
      (id ? results.find((r) => r.id === id) : undefined) ??
      results.findLast((r) => r.device === device.id) ??
      null
    );
  }

  /**
   * How long this machine should take to run a job: on the device the router would send it to (or the one named),
   * from that device's latest benchmark. Reference models scale their per-run time by input size; fine-tune jobs by
   * steps × batch × features against the benchmark's step; text-generation jobs by their prompt, max_tokens and
   * model size against the language figures (`languageModelMs`). Null when there is no benchmark yet or the model is
   * not one the suite measures (the node then has no grounds to decline for DEADLINE_INFEASIBLE).
   */
  predictRunMs(
    job: Pick<EngineJob, 'kind' | 'modelHash' | 'input'> & Partial<Pick<EngineJob, 'model' | 'modelBytes'>>,
    device?: string,
  ): number | null {
    const router = this.options.router;
    if (router?.devices.length) {
      const candidates = router.devices.filter((d) => device === undefined || d.id === device);
      if (!candidates.length) return null;
      return pickDevice(
        candidates.map((d) => ({ device: d, predictedMs: router.predict(job, d, false), backlogMs: 0 })),
      ).predictedMs;
    }
    // No router, or the engine has not settled its devices yet: the latest run's device.
    const calibration = this.#calibration(device);
    return calibration ? predictWithRates(job, { ...calibration, score: 0 }, false) : null;
  }

  /**
   * A language-model job's run time on the device with the fastest language figures: `promptTokens` then
   * `maxTokens` on a model of `modelBytes` (null: unknown, taken as the benchmark's larger llama, and said so).
   * Null when no device has language figures.
   */
  predictTextMs(job: {
    modelBytes: number | null;
    promptTokens: number;
    maxTokens: number;
  }): { ms: number; modelBytes: number; modelAssumed: boolean } | null {
    let best: { ms: number; modelBytes: number; modelAssumed: boolean } | null = null;
    for (const device of this.options.router?.devices ?? []) {
      const rates = this.options.router!.rates(device);
      const assumed = rates?.modelBytes?.[LANGUAGE_MODEL];
      const modelBytes = job.modelBytes ?? assumed;
      if (!rates || !modelBytes) continue;
      const ms = languageTokensMs(rates, modelBytes, job.promptTokens, job.maxTokens);
      if (ms !== null && (!best || ms < best.ms))
        best = { ms, modelBytes, modelAssumed: job.modelBytes === null };
    }
    return best;
  }

  /**
   * What a typical job takes on this machine as routed, in seconds: 100 s ÷ the routed score (the estimates'
   * convention). Null until a device is measured.
   */
  routedJobS(): number | null {
    const score = this.routing().score;
    return score ? 100 / score : null;
  }

  /** How much slower than predicted live runs go lately (1 until three have run): deadline checks stretch by it. */
  liveStretch(): number {
    return this.#drift.stretch();
  }

  /** The node's job loop reports each live run here; `benchmark.get` shows the drift. */
  reportLiveRun(predictedMs: number, actualMs: number): void {
    this.#drift.record(predictedMs, actualMs);
  }

  #calibration(device?: string): Calibration | null {
    const all = this.#history.data.calibration;
    if (device) return all[device] ?? null;
    const latest = this.#history.data.results.at(-1);
    return latest ? (all[latest.device] ?? null) : null;
  }
}

function ratesOf(c: Calibration): DeviceRates | null {
  if (!c.fingerprint || !c.executionProvider || c.score === undefined) return null;
  return {
    device: c.device,
    executionProvider: c.executionProvider,
    fingerprint: c.fingerprint,
    appVersion: c.appVersion ?? 'unknown',
    measuredAt: c.measuredAt ?? 0,
    msPerRun: c.msPerRun,
    inputBytes: c.inputBytes,
    score: c.score,
    ...(c.modelBytes ? { modelBytes: c.modelBytes } : {}),
  };
}
