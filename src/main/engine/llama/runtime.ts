/**
 * The engine's second runtime: llama.cpp (through node-llama-cpp) for `text-generation` jobs on GGUF models, next to
 * ONNX Runtime. It reuses the engine's DeviceWorker — the queue, the time limit that kills the worker, restarts,
 * progress and refusals with decline reasons — with a child process per device running llama/worker.ts.
 *
 * ```ts
 * const engine = withLanguageModels(createEngine({ devices, log }), { log });
 * const result = await engine.runJob({ kind: 'text-generation', modelHash, model: gguf,
 *   input: writeTextGenerationInput({ prompt: 'Once upon a time', maxTokens: 32 }) });
 * const reference = await engine.rescore(job, result.output); // what a validator compares it with
 * ```
 */
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hash } from '#shared/api/define';
import { Decline } from '#shared/decline';
import type { Logger } from '../../log';
import { DeviceWorker } from '../deviceWorker';
import type { Engine, EngineDevice, RunJobOptions } from '../engine';
import { checkJobForm, loadModelBytes } from '../jobChecks';
import type { EngineJob, JobProgress, JobResult } from '../jobs';
import {
  childProcessHost,
  forkWorker,
  workerEntryBeside,
  type WorkerEntry,
  type WorkerHost,
} from '../worker/host';
import type { FromWorker, WorkerJob } from '../worker/protocol';
import { isTextGenerationInput } from './format';
import type { LlamaBackend } from './backends';
import type { LlamaWorkerConfig } from './worker';

export interface LlamaLimits {
  /** Largest model accepted, in bytes. */
  maxModelBytes: number;
  /** Largest input file, in bytes. */
  maxInputBytes: number;
  /** Largest context a job may use (prompt + max_tokens). */
  maxContext: number;
  /** Largest max_tokens accepted. */
  maxNewTokens: number;
  /** Tokens per batch while processing a prompt or a re-scoring (llama.cpp's n_batch). */
  batchSize: number;
  defaultTimeoutMs: number;
  maxQueuedJobs: number;
  /** Models each device keeps loaded. */
  keepModels: number;
  /** Models over this many bytes reach the worker as a file rather than through the IPC channel. */
  stageModelBytes: number;
}

export const defaultLlamaLimits: LlamaLimits = {
  maxModelBytes: 8 * 2 ** 30,
  maxInputBytes: 4 * 2 ** 20,
  maxContext: 8192,
  maxNewTokens: 4096,
  batchSize: 512,
  defaultTimeoutMs: 10 * 60_000,
  maxQueuedJobs: 16,
  keepModels: 1,
  stageModelBytes: 64 * 2 ** 20,
};

export interface LlamaRuntimeOptions {
  log: Logger;
  limits?: Partial<LlamaLimits>;
  /** Where GGUF files are written by hash for llama.cpp to load (default: a folder in the OS temp dir). */
  modelDir?: string;
  /** The llama.cpp backend of each engine device (default: cpu for the CPU, none for GPUs). */
  backendOf?: (device: EngineDevice) => LlamaBackend | null;
  /**
   * Which device runs a text-generation job, among those with a backend (the node's router: the fastest by the
   * benchmark's language figures, engine/router.ts), and its live run time afterwards. Default: the first of them.
   */
  route?: {
    pick(job: EngineJob, devices: EngineDevice[]): EngineDevice;
    ran(job: EngineJob, device: EngineDevice, runMs: number): void;
  };
}

export interface LlamaRuntime {
  runJob(job: EngineJob, device: EngineDevice, options?: RunJobOptions): Promise<JobResult>;
  /** Re-scores a claimed text-generation output for this job (a validator's reference, llama/format.ts). */
  rescore(
    job: EngineJob,
    claimed: Uint8Array,
    device: EngineDevice,
    options?: RunJobOptions,
  ): Promise<JobResult>;
  holds(modelHash: Hash, device: string): boolean;
  stats(): { id: string; restarts: number; abandoned: number }[];
  close(): Promise<void>;
}

/** The worker entry: the TypeScript source under tests and tsx, the bundled `out/main/llamaWorker.js` otherwise. */
export function llamaWorkerEntry(): WorkerEntry {
  return workerEntryBeside(import.meta.url, 'worker.ts', 'llamaWorker.js');
}

/** A child process running the llama.cpp worker with these settings (SIGKILL stops it whatever it is doing). */
export function llamaProcessHost(config: LlamaWorkerConfig): WorkerHost {
  const child = forkWorker(llamaWorkerEntry(), {
    env: { ...process.env, FLYWHEEL_LLAMA: JSON.stringify(config) },
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return childProcessHost(child, 'llama.cpp worker');
}

export function createLlamaRuntime(options: LlamaRuntimeOptions): LlamaRuntime {
  const limits = Object.defineProperties(
    { ...defaultLlamaLimits },
    Object.getOwnPropertyDescriptors(options.limits ?? {}),
  ) as LlamaLimits;
  const modelDir = options.modelDir ?? join(tmpdir(), 'flywheel-llama-models');
  const backendOf =
    options.backendOf ?? ((d: EngineDevice) => (d.executionProvider === 'cpu' ? 'cpu' : null));
  const workers = new Map<string, DeviceWorker>();
  let closed = false;
  let staged = 0;

  /**
   * Writes model bytes (or a copy of a model file) to a file of their own in the model folder, for the worker to hash
   * and take.
   */
  async function stage(from: Uint8Array | string): Promise<string> {
    await mkdir(modelDir, { recursive: true });
    const path = join(modelDir, `incoming-${process.pid}-${++staged}.gguf`);
    if (typeof from === 'string') await copyFile(from, path);
    else await writeFile(path, from);
    return path;
  }

  function workerFor(device: EngineDevice): DeviceWorker {
    if (closed) throw new Error('the engine is closed');
    const existing = workers.get(device.id);
    if (existing) return existing;
    const backend = backendOf(device);
    if (!backend) {
      throw new Decline(
        'UNSUPPORTED_KIND',
        `no llama.cpp backend runs on ${device.id} (see the hardware report)`,
      );
    }
    const config: LlamaWorkerConfig = {
      backend,
      threads: backend === 'cpu' ? device.intraOpThreads : 0,
      maxContext: limits.maxContext,
      maxNewTokens: limits.maxNewTokens,
      batchSize: limits.batchSize,
      modelDir,
      keepModels: limits.keepModels,
    };
    const worker = new DeviceWorker({
      device: {
        id: device.id,
        executionProvider: device.executionProvider,
        deviceIndex: device.deviceIndex,
        intraOpThreads: device.intraOpThreads,
      },
      limits: { maxTensorBytes: limits.maxInputBytes, maxOutputBytes: 64 * 2 ** 20, sessionCacheBytes: 0 },
      host: () => llamaProcessHost(config),
      log: options.log.child(`llama:${device.id}`),
      // A loaded model is reused; a new one replaces it inside the worker, which does not grow with each load.
      recycleAfterSessions: Number.MAX_SAFE_INTEGER,
      maxQueued: limits.maxQueuedJobs,
    });
    workers.set(device.id, worker);
    return worker;
  }

  async function run(
    job: EngineJob,
    claimed: Uint8Array | undefined,
    device: EngineDevice,
    runOptions: RunJobOptions,
  ): Promise<JobResult> {
    const submitted = performance.now();
    check(job, limits);
    const worker = workerFor(device);
    const workerJob: WorkerJob = {
      kind: 'text-generation',
      modelHash: job.modelHash.toLowerCase() as Hash,
      input: job.input,
      runner: { kind: 'single' },
      preview: null,
    };
    if (job.inputHash) workerJob.inputHash = job.inputHash;
    if (claimed) workerJob.claimed = claimed;
    // Large models go to the worker as a file, not through the IPC channel; the worker hashes it.
    if (!worker.holds(job.modelHash)) {
      const bytes = job.model instanceof Uint8Array ? job.model : null;
      if (job.modelFile) workerJob.modelFile = await stage(job.modelFile);
      else if (bytes && bytes.byteLength > limits.stageModelBytes) workerJob.modelFile = await stage(bytes);
    }
    let started = submitted;
    let runStarted = 0;
    const reply = await worker.request<Extract<FromWorker, { type: 'result' }>>(
      (id) => {
        const model =
          job.model instanceof Uint8Array && !workerJob.modelFile && !worker.holds(job.modelHash)
            ? job.model
            : undefined;
        return { type: 'job', id, job: model ? { ...workerJob, model } : workerJob };
      },
      {
        timeoutMs: runOptions.timeoutMs ?? limits.defaultTimeoutMs,
        loadModel: () => loadModelBytes(job, limits),
        onStart: () => {
          started = performance.now();
        },
        onProgress: (m) => {
          runStarted ||= performance.now();
          const rate = m.tokensPerS ?? m.step / Math.max((performance.now() - runStarted) / 1000, 1e-3);
          const progress: JobProgress = {
            step: m.step,
            steps: m.steps,
            fraction: m.step / m.steps,
            // At most max_tokens are left; a stop string or the end of sequence may come sooner.
            etaS: m.step > 1 && rate > 0 ? (m.steps - m.step) / rate : null,
          };
          if (m.tokensPerS !== undefined) progress.tokensPerS = m.tokensPerS;
          runOptions.onProgress?.(progress);
        },
      },
    );
    runOptions.onProgress?.({ step: 1, steps: 1, fraction: 1, etaS: 0 });
    return {
      output: reply.output,
      outputHash: reply.outputHash,
      preview: reply.preview,
      timings: { queueMs: started - submitted, ...reply.timings, totalMs: performance.now() - submitted },
      device: device.id,
      executionProvider: device.executionProvider,
    };
  }

  return {
    runJob: (job, device, runOptions = {}) => run(job, undefined, device, runOptions),
    rescore: (job, claimed, device, runOptions = {}) => {
      if (!(claimed instanceof Uint8Array))
        throw new Decline('INPUT_INVALID', 'the claimed output is not bytes');
      return run(job, claimed, device, runOptions);
    },
    holds: (modelHash, device) => workers.get(device)?.holds(modelHash) ?? false,
    stats: () =>
      [...workers.entries()].map(([id, w]) => ({ id, restarts: w.restarts, abandoned: w.abandoned })),
    async close() {
      closed = true;
      await Promise.all([...workers.values()].map((w) => w.close()));
      // Files staged for a worker that stopped before taking them.
      const mine = `incoming-${process.pid}-`;
      const left = await readdir(modelDir).catch(() => [] as string[]);
      await Promise.all(
        left.filter((f) => f.startsWith(mine)).map((f) => rm(join(modelDir, f), { force: true })),
      );
    },
  };
}

/** An engine that also runs text-generation jobs (on llama.cpp) and re-scores their outputs. */
export interface LanguageModelEngine extends Engine {
  rescore(job: EngineJob, claimed: Uint8Array, options?: RunJobOptions): Promise<JobResult>;
}

/**
 * Adds the llama.cpp runtime to an engine: text-generation jobs (isLanguageModelJob) go to it, on the device named
 * or the first one with a llama.cpp backend; every other job goes to the engine as before.
 */
export function withLanguageModels(
  engine: Engine,
  options: LlamaRuntimeOptions,
): LanguageModelEngine & { llama: LlamaRuntime } {
  const llama = createLlamaRuntime(options);
  const backendOf =
    options.backendOf ?? ((d: EngineDevice) => (d.executionProvider === 'cpu' ? 'cpu' : null));
  async function deviceFor(id: string | undefined, job: EngineJob): Promise<EngineDevice> {
    const devices = await engine.devices();
    const able = devices.filter((d) => backendOf(d) !== null);
    const device =
      id !== undefined
        ? devices.find((d) => d.id === id)
        : able.length > 1 && options.route
          ? options.route.pick(job, able)
          : able[0];
    if (!device) {
      throw new Decline(
        id === undefined ? 'UNSUPPORTED_KIND' : 'OVER_CAPACITY',
        id === undefined ? 'no device here has a llama.cpp backend' : `no device "${id}" on this machine`,
      );
    }
    return device;
  }
  return {
    ...engine,
    llama,
    async runJob(job, runOptions = {}) {
      if (!isLanguageModelJob(job)) return engine.runJob(job, runOptions);
      const device = await deviceFor(runOptions.device, job);
      const result = await llama.runJob({ ...job, kind: 'text-generation' }, device, runOptions);
      options.route?.ran(job, device, result.timings.runMs);
      return result;
    },
    async rescore(job, claimed, runOptions = {}) {
      const device = await deviceFor(runOptions.device, job);
      return llama.rescore({ ...job, kind: 'text-generation' }, claimed, device, runOptions);
    },
    holds(modelHash, device) {
      return engine.holds(modelHash, device) || (device !== undefined && llama.holds(modelHash, device));
    },
    stats() {
      const inner = engine.stats();
      return {
        devices: [...inner.devices, ...llama.stats().map((s) => ({ ...s, id: `${s.id} (llama.cpp)` }))],
      };
    },
    async close() {
      await Promise.all([engine.close(), llama.close()]);
    },
  };
}

/**
 * Whether a job is for llama.cpp: a text-generation job, or (while the chain has only inference and fine-tune
 * kinds) an inference job whose input is a text-generation input.
 */
export function isLanguageModelJob(job: EngineJob): boolean {
  return (
    job.kind === 'text-generation' ||
    (job.kind === 'inference' && job.input instanceof Uint8Array && isTextGenerationInput(job.input))
  );
}

/** The refusals that need no worker: the model hash's form and the sizes. */
function check(job: EngineJob, limits: LlamaLimits): void {
  if (job.kind !== 'text-generation') {
    throw new Decline('UNSUPPORTED_KIND', `the llama.cpp runtime does not run ${String(job.kind)} jobs`);
  }
  checkJobForm(job, limits);
}
