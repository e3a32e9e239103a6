/**
 * The compute engine: one worker per compute device, running inference and fine-tune jobs on ONNX Runtime.
 *
 * ```ts
 * const engine = createEngine({ devices: [{ id: 'cpu', label: 'CPU', executionProvider: 'cpu', deviceIndex: 0,
 *   intraOpThreads: 2 }], log });
 * const { output, outputHash, preview } = await engine.runJob(
 *   { kind: 'inference', modelHash, model: bytes, input: safetensorsBytes },
 *   { timeoutMs: 30_000 },
 * );
 * ```
 * Every job it will not run is a `Decline` (shared/decline.ts) with a reason the node can put on-chain; any other error is a fault
 * of the engine (the worker crashed) and the next job gets a fresh worker.
 */
import { cpus } from 'node:os';
import type { Hash } from '#shared/api/define';
import type { ExecutionProviderName } from '#shared/api/hardware';
import { Decline } from '#shared/decline';
import type { Logger } from '../log';
import { DeviceWorker } from './deviceWorker';
import { cpuFingerprint } from './devices';
import { checkJobForm, loadModelBytes } from './jobChecks';
import type { EngineJob, JobProgress, JobResult, JobKind } from './jobs';
import { packageFilePath, referenceByHash } from './references';
import type { DeviceRouter } from './router';
import { threadHost, type WorkerHostFactory } from './worker/host';
import type { FromWorker, WorkerBench, WorkerJob } from './worker/protocol';

export interface EngineDevice {
  /** The compute device id from the hardware report: `gpu0`, `gpu1`, …, `cpu`. */
  id: string;
  label: string;
  executionProvider: ExecutionProviderName;
  /** CUDA / DirectML device number. */
  deviceIndex: number;
  intraOpThreads: number;
  /**
   * What measured rates of this device hold for (engine/devices.ts): hardware, driver, provider, threads, onnxruntime
   * and Flywheel versions. The router routes to a device only with rates measured on this fingerprint.
   */
  fingerprint?: string;
  /** A faster execution provider the device could run with, and what it takes (e.g. `npm run cuda:install`). */
  upgrade?: { provider: ExecutionProviderName; reason: string; action: string };
}

export interface EngineLimits {
  /** Largest model accepted, in bytes. */
  maxModelBytes: number;
  /** Largest input (or dataset) file, in bytes. */
  maxInputBytes: number;
  /** Largest single input tensor, in bytes. */
  maxTensorBytes: number;
  maxOutputBytes: number;
  /** Memory for cached sessions per device (about twice each model's size). */
  sessionCacheBytes: number;
  /** Time limit for a job that names none. */
  defaultTimeoutMs: number;
  recycleAfterSessions: number;
  maxQueuedJobs: number;
  /** Job kinds this provider serves. */
  kinds: JobKind[];
}

export const defaultEngineLimits: EngineLimits = {
  maxModelBytes: 512 * 2 ** 20,
  maxInputBytes: 256 * 2 ** 20,
  maxTensorBytes: 128 * 2 ** 20,
  maxOutputBytes: 256 * 2 ** 20,
  sessionCacheBytes: 1024 * 2 ** 20,
  defaultTimeoutMs: 10 * 60_000,
  recycleAfterSessions: 32,
  maxQueuedJobs: 16,
  kinds: ['inference', 'fine-tune'],
};

export interface EngineOptions {
  /**
   * The devices to run on, the default first (the CPU); a function is called once, on first use (after hardware
   * detection).
   */
  devices: EngineDevice[] | (() => Promise<EngineDevice[]>);
  /**
   * Chooses each job's device by measured rates and the work queued on each (engine/router.ts). Without one, jobs
   * run on the first device unless they name another.
   */
  router?: DeviceRouter;
  limits?: Partial<EngineLimits>;
  log: Logger;
  /** Where workers run: worker threads by default; the Electron shell passes a utilityProcess factory. */
  host?: WorkerHostFactory;
}

export interface RunJobOptions {
  /** A device id; default: the router's choice (or the first device, without a router). Such a run's time does not
   * teach the router (engine/router.ts). */
  device?: string;
  timeoutMs?: number;
  onProgress?: (progress: JobProgress) => void;
}

export interface BenchRequest extends Omit<WorkerBench, 'model'> {
  /** The model's bytes, or how to get them: asked for only when the worker holds no session for it. */
  model: Uint8Array | (() => Uint8Array | Promise<Uint8Array>);
}

export interface BenchOutcome {
  /** Run times in ms, per repeat. */
  runMs: number[][];
  loadMs: number;
  device: EngineDevice;
}

interface Slot {
  worker: DeviceWorker;
  device: EngineDevice;
}

export interface EngineStats {
  devices: { id: string; restarts: number; abandoned: number }[];
}

export interface Engine {
  devices(): Promise<EngineDevice[]>;
  runJob(job: EngineJob, options?: RunJobOptions): Promise<JobResult>;
  /** Times a model inside a device's worker (the benchmark suite's measurements); default: the first device. */
  bench(request: BenchRequest, options?: { device?: string; timeoutMs?: number }): Promise<BenchOutcome>;
  /** Whether a device's worker holds a session for this model now. */
  holds(modelHash: Hash, device?: string): boolean;
  stats(): EngineStats;
  close(): Promise<void>;
}

/** The CPU as an engine device: onnxruntime's CPU provider with one thread per physical core (from the report). */
export function cpuDevice(physicalCores = cpus().length, label = 'CPU', id = 'cpu'): EngineDevice {
  const intraOpThreads = Math.max(1, physicalCores);
  return {
    id,
    label,
    executionProvider: 'cpu',
    deviceIndex: 0,
    intraOpThreads,
    fingerprint: cpuFingerprint(intraOpThreads, id),
  };
}

export function createEngine(options: EngineOptions): Engine {
  // Property descriptors, not a spread: a limit given as a getter (the node's, read from live settings) stays live.
  const limits = Object.defineProperties(
    { ...defaultEngineLimits },
    Object.getOwnPropertyDescriptors(options.limits ?? {}),
  ) as EngineLimits;
  const log = options.log;
  const host = options.host ?? threadHost;
  // CUDA numbers devices fastest-first unless told otherwise; nvidia-smi (and our gpuN ids) use PCI bus order.
  process.env.CUDA_DEVICE_ORDER ??= 'PCI_BUS_ID';
  let workers: Promise<Map<string, Slot>> | null = null;
  let resolved: Map<string, Slot> | null = null;
  let closed = false;

  function deviceWorkers(): Promise<Map<string, Slot>> {
    if (workers) return workers;
    workers = (async () => {
      const devices = typeof options.devices === 'function' ? await options.devices() : options.devices;
      if (!devices.length) throw new Error('the engine has no device to run on');
      options.router?.setDevices(devices);
      resolved = new Map(
        devices.map((device) => {
          const { label: _l, fingerprint: _f, upgrade: _u, ...workerDevice } = device;
          const worker = new DeviceWorker({
            device: workerDevice,
            limits: {
              maxTensorBytes: limits.maxTensorBytes,
              maxOutputBytes: limits.maxOutputBytes,
              sessionCacheBytes: limits.sessionCacheBytes,
            },
            host,
            log: log.child(device.id),
            recycleAfterSessions: limits.recycleAfterSessions,
            maxQueued: limits.maxQueuedJobs,
          });
          return [device.id, { worker, device }];
        }),
      );
      return resolved;
    })();
    // A failed look-up (hardware probing failed) is tried again on the next job rather than kept.
    workers.catch(() => {
      workers = null;
    });
    return workers;
  }

  async function pick(id: string | undefined): Promise<Slot> {
    if (closed) throw new Error('the engine is closed');
    const all = await deviceWorkers();
    const slot = id === undefined ? all.values().next().value : all.get(id);
    if (!slot) throw new Decline('OVER_CAPACITY', `no device "${id}" on this machine`);
    return slot;
  }

  // The predicted work queued on each device (jobs waiting or running), for the router's expected completions.
  interface Work {
    predictedMs: number;
    startedAt: number | null;
  }
  const backlog = new Map<string, Set<Work>>();
  const backlogMs = (id: string) => {
    let ms = 0;
    const now = performance.now();
    for (const w of backlog.get(id) ?? []) {
      ms += w.startedAt === null ? w.predictedMs : Math.max(0, w.predictedMs - (now - w.startedAt));
    }
    return ms;
  };

  /**
   * The job's device (the one named, or the router's choice, or the first), with the job's predicted work already
   * counted in its backlog: added in the same turn as the choice, so jobs submitted together see each other.
   */
  async function route(job: EngineJob, id: string | undefined): Promise<{ slot: Slot; work: Work }> {
    const router = options.router;
    let slot: Slot;
    let predictedMs: number | null = null;
    if (!router) slot = await pick(id);
    else {
      if (closed) throw new Error('the engine is closed');
      const all = await deviceWorkers();
      if (id !== undefined || all.size === 1) {
        slot = await pick(id);
        predictedMs = router.predict(job, slot.device);
      } else {
        const choice = router.choose(
          job,
          [...all.values()].map((s) => s.device),
          backlogMs,
        );
        slot = all.get(choice.device.id)!;
        predictedMs = choice.predictedMs;
      }
    }
    const work: Work = { predictedMs: predictedMs ?? 0, startedAt: null };
    let queued = backlog.get(slot.device.id);
    if (!queued) backlog.set(slot.device.id, (queued = new Set()));
    queued.add(work);
    return { slot, work };
  }

  /** Runs a job on a device's worker; `onStart` when it leaves the queue. */
  async function runOn(
    worker: DeviceWorker,
    job: EngineJob,
    runOptions: RunJobOptions,
    submitted: number,
    onStart: () => void,
  ): Promise<JobResult> {
    const reference = referenceByHash(job.modelHash);
    const workerJob: WorkerJob = {
      kind: job.kind,
      modelHash: job.modelHash.toLowerCase() as Hash,
      input: job.input,
      runner: reference?.runner ?? { kind: 'single' },
      preview: reference?.preview ?? null,
    };
    if (job.inputHash) workerJob.inputHash = job.inputHash;
    if (reference?.preview.kind === 'ocr') workerJob.previewFile = packageFilePath(reference.preview.keys);
    const loadModel = () => loadModelBytes(job, limits);
    let started = submitted;
    let runStarted = 0;
    const timeoutMs = runOptions.timeoutMs ?? limits.defaultTimeoutMs;
    const reply = await worker.request<Extract<FromWorker, { type: 'result' }>>(
      (id) => {
        const model = job.model instanceof Uint8Array && !worker.holds(job.modelHash) ? job.model : undefined;
        return { type: 'job', id, job: model ? { ...workerJob, model } : workerJob };
      },
      {
        timeoutMs,
        loadModel,
        onStart: () => {
          started = performance.now();
          onStart();
        },
        onProgress: (m) => {
          runStarted ||= performance.now();
          const elapsed = (performance.now() - runStarted) / 1000;
          const rate = m.step / Math.max(elapsed, 1e-3);
          const progress: JobProgress = {
            step: m.step,
            steps: m.steps,
            fraction: m.step / m.steps,
            etaS: m.step > 1 ? (m.steps - m.step) / rate : null,
          };
          if (m.loss !== undefined) progress.loss = m.loss;
          runOptions.onProgress?.(progress);
        },
      },
    );
    runOptions.onProgress?.({ step: 1, steps: 1, fraction: 1, etaS: 0 });
    const totalMs = performance.now() - submitted;
    return {
      output: reply.output,
      outputHash: reply.outputHash,
      preview: reply.preview,
      timings: { queueMs: started - submitted, ...reply.timings, totalMs },
      device: worker.device.id,
      executionProvider: worker.device.executionProvider,
    };
  }

  return {
    async devices() {
      return [...(await deviceWorkers()).values()].map((slot) => slot.device);
    },

    async runJob(job, runOptions = {}) {
      const submitted = performance.now();
      checkJob(job, limits);
      const { slot, work } = await route(job, runOptions.device);
      try {
        const result = await runOn(slot.worker, job, runOptions, submitted, () => {
          work.startedAt = performance.now();
        });
        // A run on a named device is a comparison (the benchmarks make them), not routed work: it teaches nothing.
        if (runOptions.device === undefined)
          options.router?.observe(job, slot.device.id, result.timings.runMs);
        return result;
      } finally {
        backlog.get(slot.device.id)?.delete(work);
      }
    },

    async bench(request, benchOptions = {}) {
      const { worker, device } = await pick(benchOptions.device);
      const { model, ...rest } = request;
      const reply = await worker.request<Extract<FromWorker, { type: 'bench-result' }>>(
        (id) => ({
          type: 'bench',
          id,
          bench: model instanceof Uint8Array && !worker.holds(request.modelHash) ? { ...rest, model } : rest,
        }),
        {
          timeoutMs: benchOptions.timeoutMs ?? request.maxMs * 3 + 60_000,
          loadModel: async () => (model instanceof Uint8Array ? model : model()),
        },
      );
      return { runMs: reply.runMs, loadMs: reply.loadMs, device };
    },

    holds(modelHash, device) {
      if (!resolved) return false;
      const slot = device === undefined ? resolved.values().next().value : resolved.get(device);
      return slot?.worker.holds(modelHash) ?? false;
    },

    stats() {
      return {
        devices: [...(resolved?.values() ?? [])].map(({ worker }) => ({
          id: worker.device.id,
          restarts: worker.restarts,
          abandoned: worker.abandoned,
        })),
      };
    },

    async close() {
      closed = true;
      if (!workers) return;
      const all = await workers.catch(() => new Map<string, Slot>());
      await Promise.all([...all.values()].map(({ worker }) => worker.close()));
    },
  };
}

/** Refusals that need no worker: the kind, then the form and sizes every runtime checks (jobChecks.ts). */
function checkJob(job: EngineJob, limits: EngineLimits): void {
  if (!limits.kinds.includes(job.kind)) {
    throw new Decline('UNSUPPORTED_KIND', `this provider does not serve ${String(job.kind)} jobs`);
  }
  checkJobForm(job, limits);
}
