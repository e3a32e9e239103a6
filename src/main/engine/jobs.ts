/**
 * The job formats the engine runs. Both kinds take model bytes identified by their keccak256 and one safetensors
 * file, and give back one canonical safetensors file whose keccak256 is the job's output hash.
 *
 * Inference: the input file holds one tensor per model input, named as the model names them, with the model's
 * dtype and a shape its declared dimensions accept; the output file holds every model output (for reference models
 * that stream, see resources/models.json, the outputs the runner names).
 *
 * Fine-tune: the model is a training-step graph (see training/graph.ts for the naming convention) and the input
 * file is the dataset: `x` F32 [N, D] features, `y` I64 [N] class labels, optional `param.*` starting weights,
 * and the hyperparameters as safetensors metadata (all strings):
 *
 * | key | meaning | default |
 * | --- | --- | --- |
 * | `steps` | optimizer steps, 1 … 100000 | required |
 * | `lr` | learning rate, > 0 | required |
 * | `seed` | uint32 for the split, batch order and starting weights | `0` |
 * | `batch_size` | rows per step (capped at the training rows) | all training rows |
 * | `eval_fraction` | share of rows held out for evaluation, 0 < f < 1 | `0.2` |
 *
 * The output file holds the trained `param.*` tensors (the adapter), `loss_curve` F32 [steps] (training loss
 * before each step), `eval_loss` F32 [] and, when the graph has a `logits` output, `eval_accuracy` F32 [].
 */
import type { ExecutionProviderName } from '#shared/api/hardware';
import type { OutputPreview } from '#shared/api/jobs';
import type { Hash } from '#shared/api/define';

/** `text-generation` runs GGUF language models on llama.cpp (llama/format.ts has its files). */
export type JobKind = 'inference' | 'fine-tune' | 'text-generation';

/** Model bytes, or a loader the engine calls only when the device does not already hold that model's session. */
export type ModelSource = Uint8Array | (() => Promise<Uint8Array>);

export interface EngineJob {
  kind: JobKind;
  /** keccak256 of the model bytes, as the job names it on-chain. */
  modelHash: Hash;
  model: ModelSource;
  /** The input tensors (inference) or the dataset (fine-tune), as safetensors bytes. */
  input: Uint8Array;
  /** When given, the input bytes must hash to it (the node may have checked already). */
  inputHash?: Hash;
  /**
   * A file holding the model's bytes (the benchmark's language models): the llama.cpp runtime hands its worker a
   * copy of it instead of reading the bytes into this process.
   */
  modelFile?: string;
  /** The model's size in bytes when `model` is a loader: language-model predictions scale by it. */
  modelBytes?: number;
}

export interface JobProgress {
  /** Steps done and total (fine-tune), or 0/1 then 1/1 for inference. */
  step: number;
  steps: number;
  /** 0..1 */
  fraction: number;
  etaS: number | null;
  /** The latest training loss, for fine-tune jobs. */
  loss?: number;
  /** Generation speed so far, for text-generation jobs (tokens so far are `step`). */
  tokensPerS?: number;
}

export interface JobTimings {
  /** Waiting for the device (another job or a worker start). */
  queueMs: number;
  /** Hashing the model and creating its session; 0 when the session was cached. */
  loadMs: number;
  /** Running the model (all steps for fine-tune). */
  runMs: number;
  /** Writing and hashing the output file. */
  outputMs: number;
  totalMs: number;
}

export interface JobResult {
  /** The canonical safetensors output file. */
  output: Uint8Array;
  /** keccak256 of `output`: what the provider submits and validators recompute. */
  outputHash: Hash;
  timings: JobTimings;
  preview: OutputPreview;
  device: string;
  executionProvider: ExecutionProviderName;
}

export interface FineTuneConfig {
  steps: number;
  lr: number;
  seed: number;
  batchSize: number | null;
  evalFraction: number;
}

export const FINE_TUNE_MAX_STEPS = 100_000;

/** Reads the hyperparameters from dataset metadata; throws an Error naming the bad key. */
export function parseFineTuneConfig(metadata: Record<string, string>): FineTuneConfig {
  const known = new Set(['steps', 'lr', 'seed', 'batch_size', 'eval_fraction', 'format']);
  const unknown = Object.keys(metadata).filter((k) => !known.has(k));
  if (unknown.length) throw new Error(`unknown metadata key(s): ${unknown.join(', ')}`);
  const int = (key: string, min: number, max: number, fallback?: number): number => {
    const raw = metadata[key];
    if (raw === undefined) {
      if (fallback === undefined) throw new Error(`metadata "${key}" is required`);
      return fallback;
    }
    if (!/^\d{1,10}$/.test(raw)) throw new Error(`metadata "${key}" must be a whole number`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`metadata "${key}" must be within ${min} … ${max}`);
    return n;
  };
  const num = (key: string, ok: (n: number) => boolean, fallback?: number): number => {
    const raw = metadata[key];
    if (raw === undefined) {
      if (fallback === undefined) throw new Error(`metadata "${key}" is required`);
      return fallback;
    }
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || !ok(n))
      throw new Error(`metadata "${key}" is out of range`);
    return n;
  };
  return {
    steps: int('steps', 1, FINE_TUNE_MAX_STEPS),
    lr: num('lr', (n) => n > 0 && n <= 100),
    seed: int('seed', 0, 2 ** 32 - 1, 0),
    batchSize: metadata.batch_size === undefined ? null : int('batch_size', 1, 2 ** 31 - 1),
    evalFraction: num('eval_fraction', (n) => n > 0 && n < 1, 0.2),
  };
}
