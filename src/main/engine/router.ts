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
 * The suite's figures are a few seconds of one moment; a machine changes (other work, clocks, a suite that ran while a
 * core was lent elsewhere). So live runs correct them: each job's run time against its prediction feeds a per-device,
 * per-workload factor (the median of the last few), and after a few runs the prediction is the suite's times that
 * factor. A device the router does not pick learns nothing by itself, so every few jobs of a workload, in a moment when
 * no device has work queued, one goes to a device predicted within 1.5× of the pick (never one predicted slower than
 * that) until it has a few live runs, then once in a while to follow the machine: that costs at most a few percent of a
 * workload's jobs, and a device the suite misjudged is found within a dozen jobs.
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
import { isTextGenerationInput, parseTextGenerationInput } from './llama/format';
import { referenceByHash } from './references';
import { readSafetensors } from './safetensors';
import { median } from './timing';

/** The workload class of models the suite does not time: predicted from the device's score. */
export const GENERAL = 'general';
/**
 * Language-model (text-generation) jobs: predicted per token from the suite's two llamas (benchmark/languageModels.ts)
 * for the job's model size, prompt and max_tokens. The class carries the generation figure's id.
 */
export const LANGUAGE_MODEL = 'llm-generation';
/** The suite's language figures: per token, on a small and a larger llama (benchmark/languageModels.ts). */
export const LANGUAGE_FIGURES = {
  small: { prompt: 'llm-prompt-small', generation: 'llm-generation-small' },
  large: { prompt: 'llm-prompt', generation: LANGUAGE_MODEL },
} as const;
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
  /** The model file size of each language-model figure (absent: measured before the suite had them). */
  modelBytes?: Record<string, number>;
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
  /** Sent there to learn the device's live speed, not because it is predicted first. */
  explored: boolean;
}

export interface RouterOptions {
  /** Called (at most once a minute) when a job is routed while a device has no rates for its configuration. */
  onUnmeasured?: (devices: EngineDevice[]) => void;
}

type RoutedJob = Pick<EngineJob, 'kind' | 'modelHash' | 'input'> &
  Partial<Pick<EngineJob, 'model' | 'modelBytes'>>;

/** The class a job's run time is predicted from. */
export function workloadOf(job: Pick<EngineJob, 'kind' | 'modelHash'> & { input?: Uint8Array }): string {
  if (job.kind === 'fine-tune') return FINETUNE_STEP.id;
  const reference = referenceByHash(job.modelHash)?.id;
  if (reference) return reference;
  // On-chain a language model's job is an inference job with a text-generation input (engine/llama/runtime.ts).
  if (job.kind === 'text-generation' || (job.input && isTextGenerationInput(job.input)))
    return LANGUAGE_MODEL;
  return GENERAL;
}

/**
 * Bytes of prompt text counted as one token when a job gives its prompt as text (its tokens are known only to the
 * model's tokenizer, in the worker): llama vocabularies average about 4 bytes a token on English text and the
 * project's random-weight llamas about 3.5; 3 leaves room. Token-id prompts count exactly.
 */
export const TEXT_BYTES_PER_TOKEN = 3;

/**
 * A text-generation job's run time from a device's language figures: each prompt token and each of max_tokens at
 * the per-token cost for the job's model size, on the line through the suite's small and larger llama (a per-token
 * part that does not grow with the model, plus one in proportion to its bytes; benchmark/languageModels.ts), and
 * for a model bigger than the larger llama at least that llama's cost in proportion to the bytes. A text prompt
 * counts a token per TEXT_BYTES_PER_TOKEN bytes; generation counts all of max_tokens, as a job may use them. Null
 * without the larger model's figures, the model's size or a readable input.
 */
export function languageModelMs(
  job: RoutedJob,
  rates: Pick<DeviceRates, 'msPerRun' | 'modelBytes'>,
): number | null {
  const size = job.model instanceof Uint8Array ? job.model.byteLength : job.modelBytes;
  if (!size) return null;
  let promptTokens: number;
  let maxTokens: number;
  try {
    const input = parseTextGenerationInput(job.input);
    promptTokens =
      'tokens' in input.prompt
        ? input.prompt.tokens.length
        : Math.ceil(new TextEncoder().encode(input.prompt.text).byteLength / TEXT_BYTES_PER_TOKEN) + 1;
    maxTokens = input.maxTokens;
  } catch {
    return null;
  }
  return languageTokensMs(rates, size, promptTokens, maxTokens);
}

/**
 * `promptTokens` and `maxTokens` on a model of `modelBytes`, from a device's language figures (see languageModelMs).
 * Null without the larger llama's figures.
 */
export function languageTokensMs(
  rates: Pick<DeviceRates, 'msPerRun' | 'modelBytes'>,
  modelBytes: number,
  promptTokens: number,
  maxTokens: number,
): number | null {
  const perToken = (phase: 'prompt' | 'generation'): number | null => {
    const figures = { small: LANGUAGE_FIGURES.small[phase], large: LANGUAGE_FIGURES.large[phase] };
    const large = rates.msPerRun[figures.large];
    const largeBytes = rates.modelBytes?.[figures.large];
    if (large === undefined || !largeBytes) return null;
    // In proportion to the larger llama: what a model bigger than it costs at least (reading its weights takes at
    // least as long per byte), whatever the small llama's figure says (two threads spinning on a shared machine
    // have measured it as slow as the larger one).
    const proportional = (large * modelBytes) / largeBytes;
    const small = rates.msPerRun[figures.small];
    const smallBytes = rates.modelBytes?.[figures.small];
    if (small === undefined || !smallBytes || smallBytes >= largeBytes) return proportional;
    const slope = Math.max(0, (large - small) / (largeBytes - smallBytes));
    return Math.max(proportional, small + slope * (modelBytes - smallBytes));
  };
  const prompt = perToken('prompt');
  const generation = perToken('generation');
  if (prompt === null || generation === null) return null;
  return promptTokens * prompt + maxTokens * generation;
}

/**
 * A job's run time on a device with these rates. Reference models scale their benchmark run by input size (at least
 * 5 % of it); fine-tune jobs by steps × batch × features against the benchmark's step; other models (only when
 * `general`) by the device's score. Null when the rates have no figure for it.
 */
export function predictWithRates(
  job: RoutedJob,
  rates: Pick<DeviceRates, 'msPerRun' | 'inputBytes' | 'score' | 'modelBytes'>,
  general = true,
): number | null {
  const workload = workloadOf(job);
  if (workload === LANGUAGE_MODEL) return languageModelMs(job, rates);
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
/** How much faster (predicted) another device must be before an idle workload's jobs move to it. */
export const SWITCH_MARGIN = 0.05;
/** The live runs a factor is the median of: one run here can take twice its time when the machine lends a core. */
const LIVE_WINDOW = 9;
/** Live runs of a workload on a device before their factor corrects the suite's prediction there. */
export const LIVE_MIN_RUNS = 3;
/** A device is tried for a workload only if its run is predicted within this factor of the pick's. */
export const EXPLORE_WITHIN = 1.5;
/** Every this many jobs of a workload, one goes to a device still learning it (fewer than LIVE_MIN_RUNS runs)… */
export const EXPLORE_LEARNING = 4;
/** …and to a device that has learned it, once this many jobs have passed since its last run. */
export const EXPLORE_AGAIN = 64;

/** What live runs of one workload on one device say against the suite's prediction. */
export interface LiveFactor {
  /** Live run time ÷ the suite's prediction: the median of the last LIVE_WINDOW runs. */
  factor: number;
  ratios: number[];
  runs: number;
  /** The workload's job count when it last ran there. */
  lastJob: number;
}

export class DeviceRouter {
  readonly #rates = new Map<string, DeviceRates>();
  readonly #live = new Map<string, Map<string, number>>();
  /** Per device, per workload: live runs against the suite's prediction. */
  readonly #factors = new Map<string, Map<string, LiveFactor>>();
  /** The device each workload's jobs last went to in an idle moment (tries aside). */
  readonly #picks = new Map<string, string>();
  /** Jobs routed per workload. */
  readonly #routed = new Map<string, number>();
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
    this.#factors.delete(rates.device);
    this.#picks.clear();
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
    const suite = predictWithRates(job, rates, general);
    return suite === null ? null : suite * (this.correction(device.id, workloadOf(job)) ?? 1);
  }

  /**
   * A device's time per benchmark run of a workload (`general`: none): the suite's, times the live factor once it has
   * LIVE_MIN_RUNS runs. Null when the device has no rates for its configuration or no figure for the workload.
   */
  workloadMs(device: EngineDevice, workload: string): number | null {
    const ms = this.rates(device)?.msPerRun[workload];
    if (ms === undefined) return null;
    return ms * (this.correction(device.id, workload) ?? 1);
  }

  /** The live factor that corrects the suite on a device for a workload: null until it has LIVE_MIN_RUNS runs. */
  correction(device: string, workload: string): number | null {
    const live = this.liveFactor(device, workload);
    return live && live.runs >= LIVE_MIN_RUNS ? live.factor : null;
  }

  /** What live runs of a workload on a device have said against the suite (null: none yet). */
  liveFactor(device: string, workload: string): LiveFactor | null {
    return this.#factors.get(device)?.get(workload) ?? null;
  }

  /**
   * Chooses the device for a job; `backlogMs(id)` is the predicted work already queued on a device. Every few jobs
   * of a workload, one goes to a device still learning it (see the module comment).
   */
  choose(job: RoutedJob, devices: readonly EngineDevice[], backlogMs: (id: string) => number): RouteChoice {
    const missing = this.unmeasured(devices);
    if (missing.length && devices.length > 1 && performance.now() - this.#unmeasuredAt > 60_000) {
      this.#unmeasuredAt = performance.now();
      this.options.onUnmeasured?.(missing);
    }
    const workload = workloadOf(job);
    const candidates = devices.map((device) => ({
      device,
      predictedMs: this.predict(job, device),
      backlogMs: backlogMs(device.id),
    }));
    let picked = pickDevice(candidates);
    const idle = candidates.every((c) => c.backlogMs === 0);
    // In an idle moment, the last pick stays unless another device is predicted SWITCH_MARGIN faster: estimates
    // from live runs wander with the machine, and a pick that followed them both ways would lose on each swing.
    const last = candidates.find((c) => c.device.id === this.#picks.get(workload));
    if (
      idle &&
      last &&
      last.device.id !== picked.device.id &&
      last.predictedMs !== null &&
      picked.expectedMs !== null
    ) {
      if (picked.expectedMs * (1 + SWITCH_MARGIN) > last.predictedMs) {
        picked = { device: last.device, predictedMs: last.predictedMs, expectedMs: last.predictedMs };
      }
    }
    if (idle && picked.predictedMs !== null) this.#picks.set(workload, picked.device.id);
    const count = (this.#routed.get(workload) ?? 0) + 1;
    this.#routed.set(workload, count);
    // Tried only in an idle moment (no device has work queued): it costs one job's time, never a queue's wait.
    if (workload !== GENERAL && picked.predictedMs !== null && idle) {
      const pickedMs = picked.predictedMs;
      const tryNow = candidates
        .filter((c) => c.device.id !== picked.device.id && c.predictedMs !== null)
        .filter((c) => c.predictedMs! <= EXPLORE_WITHIN * pickedMs)
        .map((c) => ({ c, live: this.liveFactor(c.device.id, workload) }))
        .filter(({ live }) => {
          const learning = (live?.runs ?? 0) < LIVE_MIN_RUNS;
          return count - (live?.lastJob ?? 0) >= (learning ? EXPLORE_LEARNING : EXPLORE_AGAIN);
        })
        .sort((a, b) => (a.live?.lastJob ?? 0) - (b.live?.lastJob ?? 0))[0];
      if (tryNow) {
        const { device, predictedMs } = tryNow.c;
        // Counted as tried at once, so a job still running there does not send the next ones after it.
        this.#factorOf(device.id, workload).lastJob = count;
        return { device, predictedMs, expectedMs: predictedMs, workload, explored: true };
      }
    }
    return { ...picked, workload, explored: false };
  }

  /**
   * A job's live run time on a device. For models the suite does not time it predicts that model's next runs; for
   * the others it corrects the suite's prediction on that device (see the module comment).
   */
  observe(job: RoutedJob, device: string, runMs: number): void {
    if (!(runMs >= 0)) return;
    const workload = workloadOf(job);
    if (workload === GENERAL) {
      let perModel = this.#live.get(device);
      if (!perModel) this.#live.set(device, (perModel = new Map()));
      const key = job.modelHash.toLowerCase();
      const before = perModel.get(key);
      perModel.set(key, before === undefined ? runMs : before + LIVE_WEIGHT * (runMs - before));
      return;
    }
    const rates = this.#rates.get(device);
    const suite = rates ? predictWithRates(job, rates, false) : null;
    if (suite === null || !(suite > 0)) return;
    const ratio = runMs / suite;
    const live = this.#factorOf(device, workload);
    live.ratios.push(ratio);
    if (live.ratios.length > LIVE_WINDOW) live.ratios.shift();
    live.factor = median(live.ratios);
    live.runs++;
    live.lastJob = Math.max(live.lastJob, this.#routed.get(workload) ?? 0);
  }

  #factorOf(device: string, workload: string): LiveFactor {
    let perWorkload = this.#factors.get(device);
    if (!perWorkload) this.#factors.set(device, (perWorkload = new Map()));
    let live = perWorkload.get(workload);
    if (!live) perWorkload.set(workload, (live = { factor: 1, ratios: [], runs: 0, lastJob: 0 }));
    return live;
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
