import { Decline } from '#shared/decline';
import type { EngineJob } from './jobs';
import { isHash } from './hash';

/** The size caps both runtimes (ONNX Runtime and llama.cpp) apply before a job reaches a worker. */
export interface SizeLimits {
  maxInputBytes: number;
  maxModelBytes: number;
}

/**
 * Refusals that need no worker, shared by every runtime: the hashes' form, input bytes, and the sizes the node could
 * have checked before fetching. (Whether the runtime serves the job's kind is each runtime's own check.)
 */
export function checkJobForm(job: EngineJob, limits: SizeLimits): void {
  if (!isHash(job.modelHash)) {
    throw new Decline('MODEL_HASH_MISMATCH', `${JSON.stringify(job.modelHash)} is not a keccak256 hash`);
  }
  if (job.inputHash !== undefined && !isHash(job.inputHash)) {
    throw new Decline('INPUT_HASH_MISMATCH', `${JSON.stringify(job.inputHash)} is not a keccak256 hash`);
  }
  if (!(job.input instanceof Uint8Array)) throw new Decline('INPUT_INVALID', 'the input is not bytes');
  if (job.input.byteLength > limits.maxInputBytes) {
    throw new Decline(
      'INPUT_TOO_LARGE',
      `the input is ${job.input.byteLength} bytes, over the ${limits.maxInputBytes}-byte cap`,
    );
  }
  if (job.model instanceof Uint8Array && job.model.byteLength > limits.maxModelBytes) {
    throw new Decline(
      'INPUT_TOO_LARGE',
      `the model is ${job.model.byteLength} bytes, over the ${limits.maxModelBytes}-byte cap`,
    );
  }
}

/** The job's model bytes, fetched if the job carries a fetcher: a failed fetch or an oversize model is refused. */
export async function loadModelBytes(
  job: EngineJob,
  limits: Pick<SizeLimits, 'maxModelBytes'>,
): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = typeof job.model === 'function' ? await job.model() : job.model;
  } catch (err) {
    throw new Decline('FETCH_FAILED', `the model could not be fetched: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (bytes.byteLength > limits.maxModelBytes) {
    throw new Decline(
      'INPUT_TOO_LARGE',
      `the model is ${bytes.byteLength} bytes, over the ${limits.maxModelBytes}-byte cap`,
    );
  }
  return bytes;
}
