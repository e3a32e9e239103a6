/**
 * Messages between the engine (main thread) and its worker, whatever hosts the worker (a worker thread, a child
 * process, or an Electron utilityProcess). Everything here is structured-clone data; byte arrays travel as
 * transferables where the host supports it.
 */
import type { DeclineReasonName } from '#shared/decline';
import type { ExecutionProviderName } from '#shared/api/hardware';
import type { OutputPreview } from '#shared/api/jobs';
import type { Hash } from '#shared/api/define';
import type { JobKind } from '../jobs';
import type { PreviewSpec, Runner } from '../references';

export interface WorkerDevice {
  id: string;
  executionProvider: ExecutionProviderName;
  /** The provider's device number (CUDA / DirectML device id) for multi-GPU machines. */
  deviceIndex: number;
  /** onnxruntime intra-op threads: the physical cores, for the CPU provider. */
  intraOpThreads: number;
}

export interface WorkerLimits {
  /** Largest single input tensor, in bytes (INPUT_TOO_LARGE above it). */
  maxTensorBytes: number;
  /** Largest output file, in bytes (INPUT_TOO_LARGE above it: the input asks for more than we will hold). */
  maxOutputBytes: number;
  /** Memory budget of the session cache: the model bytes of cached sessions, times two, stay under it. */
  sessionCacheBytes: number;
}

export interface WorkerJob {
  kind: JobKind;
  modelHash: Hash;
  /** Absent when the engine believes the worker holds the session; the worker then asks with `need-model`. */
  model?: Uint8Array;
  input: Uint8Array;
  inputHash?: Hash;
  /** For reference models: how to drive them and how to show their output. */
  runner: Runner;
  preview: PreviewSpec | null;
  /** Absolute path of a preview's side file (the OCR keys), resolved by the engine. */
  previewFile?: string;
  /** text-generation only: a claimed output to re-score (teacher forcing) instead of generating. */
  claimed?: Uint8Array;
  /** text-generation only: a file holding the model bytes instead of `model` (gigabytes do not cross IPC). */
  modelFile?: string;
}

/** A benchmark test: the worker times `feeds` through the model itself, so only the run is measured. */
export interface WorkerBench {
  modelHash: Hash;
  model?: Uint8Array;
  /** Safetensors with one tensor per model input. */
  feeds: Uint8Array;
  warmup: number;
  /** Warm up for at least this long too. */
  warmupMs?: number;
  /** Wall time a repeat aims at; its run count is set from the warm-up runs. A repeat's figure is its median run. */
  repeatMs: number;
  minRepeats: number;
  maxRepeats: number;
  /** Stop once the last `minRepeats` repeats vary less than this (coefficient of variation, fraction), see timing.ts. */
  targetCv: number;
  maxMs: number;
  /** Run the training step with its outputs fed back (fine-tune step benchmark). */
  carry?: boolean;
}

export type ToWorker =
  | { type: 'init'; device: WorkerDevice; limits: WorkerLimits; control: SharedArrayBuffer | null }
  | { type: 'job'; id: number; job: WorkerJob }
  /** The model bytes the worker asked for; null when they could not be had (the worker drops the job). */
  | { type: 'model'; id: number; bytes: Uint8Array | null }
  | { type: 'bench'; id: number; bench: WorkerBench }
  | { type: 'probe'; id: number; executionProvider: ExecutionProviderName; deviceIndex: number }
  | { type: 'backends'; id: number };

export interface WorkerTimings {
  loadMs: number;
  runMs: number;
  outputMs: number;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'need-model'; id: number }
  | { type: 'progress'; id: number; step: number; steps: number; loss?: number; tokensPerS?: number }
  | {
      type: 'result';
      id: number;
      output: Uint8Array;
      outputHash: Hash;
      preview: OutputPreview;
      timings: WorkerTimings;
      cached: Hash[];
      sessionsCreated: number;
    }
  | {
      type: 'bench-result';
      id: number;
      runMs: number[][];
      loadMs: number;
      cached: Hash[];
      sessionsCreated: number;
    }
  | { type: 'probe-result'; id: number; ok: boolean; error?: string; ms: number }
  | { type: 'backends-result'; id: number; backends: { name: string; bundled: boolean }[] }
  | { type: 'decline'; id: number; reason: DeclineReasonName; details: string; cached: Hash[] }
  | { type: 'failure'; id: number; message: string };

/**
 * The shared control word (thread hosts only): lets the engine stop a worker safely. onnxruntime-node aborts the
 * whole process when a worker thread is terminated inside a native call, so the worker marks the native calls it
 * makes and the engine only terminates it outside them; inside one, it asks the worker to exit when it returns.
 */
export const CONTROL = {
  /** In JavaScript: safe to terminate. */
  idle: 0,
  /** Inside onnxruntime: do not terminate. */
  native: 1,
  /** The engine is terminating it now: do not enter onnxruntime. */
  stopping: 2,
  /** The engine gave up on it: exit as soon as the native call returns. */
  abandoned: 3,
} as const;
