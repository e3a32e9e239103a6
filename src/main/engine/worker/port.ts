import { parentPort } from 'node:worker_threads';
import type { Hash } from '#shared/api/define';
import { Decline } from '#shared/decline';
import type { Keccak256 } from '../hash';
import type { FromWorker, ToWorker } from './protocol';

/** The worker's side of its host: a worker thread's parentPort, a forked process's IPC, or Electron's parentPort. */
export interface WorkerPort {
  post(message: FromWorker, transfer?: ArrayBuffer[]): void;
  onMessage(listener: (message: ToWorker) => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown, transfer?: unknown[]): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

export function connectPort(): WorkerPort {
  if (parentPort) {
    const port = parentPort;
    return {
      post: (message, transfer) => port.postMessage(message, transfer ?? []),
      onMessage: (listener) => port.on('message', listener),
    };
  }
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      post: (message) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on('message', (e) => listener(e.data as ToWorker)),
    };
  }
  if (process.send) {
    const send = process.send.bind(process);
    process.on('disconnect', () => process.exit(0));
    return {
      post: (message) => send(message),
      onMessage: (listener) => process.on('message', (m) => listener(m as ToWorker)),
    };
  }
  throw new Error('the engine worker must be started by the engine (no parent port)');
}

/**
 * A model's bytes for a job, as a worker gets them: with the job, or — when the engine believed the worker held the
 * model — asked for with `need-model` and answered with `model`. Either way they must hash to the model the job
 * names (MODEL_HASH_MISMATCH); no bytes from the engine is FETCH_FAILED.
 */
export class ModelBytes {
  readonly #port: WorkerPort;
  readonly #keccak256: Keccak256;
  readonly #waiters = new Map<number, (bytes: Uint8Array | null) => void>();

  constructor(port: WorkerPort, keccak256: Keccak256) {
    this.#port = port;
    this.#keccak256 = keccak256;
  }

  /** The engine's `model` answer to the job `id` (null: it could not get them). */
  answer(id: number, bytes: Uint8Array | null): void {
    this.#waiters.get(id)?.(bytes);
    this.#waiters.delete(id);
  }

  /** The bytes of model `hash` for job `id`: `given` (sent with the job) or asked for, verified. */
  async get(id: number, hash: Hash, given?: Uint8Array): Promise<Uint8Array> {
    const bytes =
      given ??
      (await new Promise<Uint8Array | null>((resolve) => {
        this.#waiters.set(id, resolve);
        this.#port.post({ type: 'need-model', id });
      }));
    if (!bytes) throw new Decline('FETCH_FAILED', 'the engine could not get the model bytes');
    const actual = this.#keccak256(bytes);
    if (actual !== hash.toLowerCase()) {
      throw new Decline('MODEL_HASH_MISMATCH', `the model bytes hash to ${actual}, the job names ${hash}`);
    }
    return bytes;
  }
}

/**
 * Tells the engine how job `id` ended when it did not give a result: a Decline as a `decline` with its reason and
 * the models the worker still holds (`cached`), anything else as a `failure` with its stack.
 */
export function postError(port: WorkerPort, id: number, err: unknown, cached: Hash[]): void {
  if (err instanceof Decline) {
    port.post({ type: 'decline', id, reason: err.reason, details: err.details, cached });
  } else {
    port.post({
      type: 'failure',
      id,
      message: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  }
}
