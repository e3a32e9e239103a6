/**
 * Which device runs a job: the one where it would finish first, by measurement.
 *
 * Each device's benchmark (the suite run inside its worker) gives a time per run for every reference model and a
 * fine-tune step, and a score for any other model. A job's run time on a device is predicted from those, scaled by
 * the job's size; its expected completion there is the work already queued on the device plus its own run:
 * `(queued work + this job) / rate`. The job goes to the device with the earliest expected completion, so a fast
 * device with a long queue lends jobs to a slower idle one, and a device slower than the CPU for a model never gets
 * that model's jobs. Other models are also timed live: after a job has run, its own run time on that device is
 * what predicts the next one there (and, scaled by the devices' scores, on the others).
 *
 * Rates count only for the device configuration they were measured on (its fingerprint: hardware, driver,
 * execution provider, threads, onnxruntime and Flywheel versions). A device without rates for this configuration
 * gets no job; when no device has any, the CPU (a known-good default) takes them while the benchmark measures the
 * devices in the background (`onUnmeasured`).
 */
import type { ExecutionProviderName } from '#shared/api/hardware';
import type { EngineDevice } from './engine';
import type { EngineJob } from './jobs';
import { parseFineTuneConfig } from './jobs';
import { referenceByHash } from './references';
import { readSafetensors } from './safetensors';

/** The workload class of models the suite does not time: predicted from the device's score. */
export const GENERAL = 'general';
/** The suite's fine-tune step: the batch and feature count it runs (see benchmark/workloads.ts). */
export const FINETUNE_STEP = { id: 'finetune-step', batch: 256, features: 64 } as const;
/** What an unmeasured model is taken to cost at score 100 (the earnings estimate's convention: 100 s / score). */
const GENERAL_MS_AT_100 = 100_000;

/** A device's measured rates, as the benchmark persists them. */
export interface DeviceRates {
  device: string;
  executionProvider: ExecutionProviderName;
  /** The device configuration they were measured on (see EngineDevice.fingerprint). */
  fingerprint: string;
  appVersion: string;
  measuredAt: number;
  /** Mean ms per run of each benchmark test, and the input bytes it took. */
  msPerRun: Record<string, number>;
  inputBytes: Record<string, number>;
  /** The device's benchmark score (predicts models the suite does not time). */
  score: number;
}

export type RatesStatus = 'measured' | 'unmeasured' | 'stale';

export interface RouteChoice {
  device: EngineDevice;
  /** The job's workload class: a reference model id, `finetune-step` or `general`. */
  workload: string;
  /** Predicted run ms on the chosen device (null: no device is measured). */
  predictedMs: number | null;
  /** Queued work + this job on the chosen device, in ms (null: no device is measured). */
  expectedMs: number | null;
}

export interface RouterOptions {
  /** Called (at most once a minute) when a job is routed while a device has no rates for its configuration. */
  onUnmeasured?: (devices: EngineDevice[]) => void;
}

type RoutedJob = Pick<EngineJob, 'kind' | 'modelHash' | 'input'>;

/** The class a job's run time is predicted from. */
export function workloadOf(job: Pick<EngineJob, 'kind' | 'modelHash'>): string {
  if (job.kind === 'fine-tune') return FINETUNE_STEP.id;
  return referenceByHash(job.modelHash)?.id ?? GENERAL;
}

/**
 * A job's run time on a device with these rates. Reference models scale their benchmark run by input size (at least
 * 5 % of it); fine-tune jobs by steps × batch × features against the benchmark's step; other models (only when
 * `general`) by the device's score. Null when the rates have no figure for it.
 */
export function predictWithRates(
  job: RoutedJob,
  rates: Pick<DeviceRates, 'msPerRun' | 'inputBytes' | 'score'>,
  general = true,
): number | null {
  const workload = workloadOf(job);
  if (workload === FINETUNE_STEP.id) {
    const stepMs = rates.msPerRun[FINETUNE_STEP.id];
    if (stepMs === undefined) return null;
    try {
      const dataset = readSafetensors(job.input);
      const config = parseFineTuneConfig(dataset.metadata);
      const x = dataset.tensors.find((t) => t.name === 'x');
      if (!x || x.shape.length !== 2) return null;
      const rows = Math.ceil(x.shape[0]! * (1 - config.evalFraction));
      const batch = Math.min(config.batchSize ?? rows, rows);
      const work = (batch * x.shape[1]!) / (FINETUNE_STEP.batch * FINETUNE_STEP.features);
      return config.steps * stepMs * Math.max(work, 0.05);
    } catch {
      return null;
    }
  }
  if (workload === GENERAL) return general && rates.score > 0 ? GENERAL_MS_AT_100 / rates.score : null;
  const ms = rates.msPerRun[workload];
  const bytes = rates.inputBytes[workload];
  if (ms === undefined || !bytes) return null;
  return ms * Math.max(job.input.byteLength / bytes, 0.05);
}

/**
 * The device with the earliest expected completion among those with a prediction; ties go to the earlier device in
 * the list (the CPU comes first). With no prediction anywhere: the CPU, or else the first device.
 */
export function pickDevice<D extends { id: string; executionProvider: ExecutionProviderName }>(
  candidates: readonly { device: D; predictedMs: number | null; backlogMs: number }[],
): { device: D; predictedMs: number | null; expectedMs: number | null } {
  if (!candidates.length) throw new Error('no device to route to');
  let best: { device: D; predictedMs: number; expectedMs: number } | null = null;
  for (const c of candidates) {
    if (c.predictedMs === null) continue;
    const expectedMs = c.backlogMs + c.predictedMs;
    if (!best || expectedMs < best.expectedMs)
      best = { device: c.device, predictedMs: c.predictedMs, expectedMs };
  }
  if (best) return best;
  const fallback = candidates.find((c) => c.device.executionProvider === 'cpu') ?? candidates[0]!;
  return { device: fallback.device, predictedMs: null, expectedMs: null };
}

/** Live run times of models the suite does not time, per device: an exponential average of the last runs. */
const LIVE_WEIGHT = 0.3;

export class DeviceRouter {
  readonly #rates = new Map<string, DeviceRates>();
  readonly #live = new Map<string, Map<string, number>>();
  readonly #listeners = new Set<() => void>();
  #devices: EngineDevice[] = [];
  #unmeasuredAt = -Infinity;

  constructor(private readonly options: RouterOptions = {}) {}

  /** The engine's devices, once it has them (the report lists these). */
  setDevices(devices: EngineDevice[]): void {
    this.#devices = [...devices];
    this.#changed();
  }

  get devices(): readonly EngineDevice[] {
    return this.#devices;
  }

  setRates(rates: DeviceRates): void {
    this.#rates.set(rates.device, rates);
    // New rates on a device replace what live runs taught about it.
    this.#live.delete(rates.device);
    this.#changed();
  }

  /** Calls `listener` whenever devices or rates change; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The rates stored for a device id, whatever configuration they were measured on. */
  storedRates(device: string): DeviceRates | undefined {
    return this.#rates.get(device);
  }

  /** The device's rates if they were measured on its present configuration. */
  rates(device: EngineDevice): DeviceRates | null {
    const rates = this.#rates.get(device.id);
    return rates && rates.fingerprint === device.fingerprint ? rates : null;
  }

  status(device: EngineDevice): RatesStatus {
    const stored = this.#rates.get(device.id);
    if (!stored) return 'unmeasured';
    return stored.fingerprint === device.fingerprint ? 'measured' : 'stale';
  }

  unmeasured(devices: readonly EngineDevice[] = this.#devices): EngineDevice[] {
    return devices.filter((d) => this.status(d) !== 'measured');
  }

  /** A job's predicted run ms on a device; `general` also predicts models the suite does not time. */
  predict(job: RoutedJob, device: EngineDevice, general = true): number | null {
    const rates = this.rates(device);
    if (!rates) return null;
    if (general && workloadOf(job) === GENERAL) {
      const key = job.modelHash.toLowerCase();
      const own = this.#live.get(device.id)?.get(key);
      if (own !== undefined) return own;
      // Timed on another measured device: scaled by the two devices' scores.
      for (const other of this.#devices) {
        const ms = this.#live.get(other.id)?.get(key);
        const otherRates = ms === undefined ? null : this.rates(other);
        if (ms !== undefined && otherRates && rates.score > 0) return (ms * otherRates.score) / rates.score;
      }
    }
    return predictWithRates(job, rates, general);
  }

  /** Chooses the device for a job; `backlogMs(id)` is the predicted work already queued on a device. */
  choose(job: RoutedJob, devices: readonly EngineDevice[], backlogMs: (id: string) => number): RouteChoice {
    const missing = this.unmeasured(devices);
    if (missing.length && devices.length > 1 && performance.now() - this.#unmeasuredAt > 60_000) {
      this.#unmeasuredAt = performance.now();
      this.options.onUnmeasured?.(missing);
    }
    const picked = pickDevice(
      devices.map((device) => ({
        device,
        predictedMs: this.predict(job, device),
        backlogMs: backlogMs(device.id),
      })),
    );
    return { ...picked, workload: workloadOf(job) };
  }

  /** A job's live run time: it predicts that model's next runs (models the suite does not time). */
  observe(job: Pick<EngineJob, 'kind' | 'modelHash'>, device: string, runMs: number): void {
    if (workloadOf(job) !== GENERAL || !(runMs >= 0)) return;
    let perModel = this.#live.get(device);
    if (!perModel) this.#live.set(device, (perModel = new Map()));
    const key = job.modelHash.toLowerCase();
    const before = perModel.get(key);
    perModel.set(key, before === undefined ? runMs : before + LIVE_WEIGHT * (runMs - before));
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
