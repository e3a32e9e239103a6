/**
 * Reference outputs: what the real engine gives for a model and an input, computed once on this machine and kept
 * (the bytes in the blob store, their hash in the market's records). The simulated providers submit these instead
 * of each running the job again — their compute is simulated, their outputs are real. The validators do not use
 * them: they re-run each result they check themselves, as any validator does (validator.ts).
 */
import type { Hash } from 'viem';
import type { JobKind } from '#shared/api/jobs';
import type { BlobStore } from '../../blobs/store';
import type { Engine } from '../../engine/engine';
import type { Logger } from '../../log';
import type { MarketStore } from './state';

/** Blobs as the market uses them: put bytes, read them back by URI and hash. */
export interface MarketBlobs {
  put(bytes: Uint8Array): Promise<{ hash: Hash; uri: string }>;
  read(uri: string, hash: Hash): Promise<Uint8Array>;
  /** The node's store underneath, as the validators use it (validator.ts). */
  store: Pick<BlobStore, 'fetch' | 'publish'>;
}

export interface ReferenceJob {
  kind: JobKind;
  modelHash: Hash;
  modelUri: string;
  inputHash: Hash;
  inputUri: string;
}

export interface ReferenceOutput {
  outputHash: Hash;
  uri: string;
}

export class ReferenceOutputs {
  /** One engine run at a time: the market must leave the CPU to the user's own jobs. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #running = new Map<string, Promise<ReferenceOutput>>();

  constructor(
    private readonly deps: {
      engine: Engine;
      blobs: MarketBlobs;
      store: MarketStore;
      /** The app version: a reference from another version is computed again. */
      version: string;
      log: Logger;
    },
  ) {}

  /** The reference output if it was computed already (by this version), without running anything. */
  known(modelHash: Hash, inputHash: Hash): Hash | null {
    const ref = this.deps.store.state.references[key(modelHash, inputHash)];
    return ref && ref.version === this.deps.version ? ref.outputHash : null;
  }

  /** The reference output, running the job on the real engine the first time (Decline when it cannot run). */
  output(job: ReferenceJob): Promise<ReferenceOutput> {
    const k = key(job.modelHash, job.inputHash);
    const known = this.known(job.modelHash, job.inputHash);
    if (known) return Promise.resolve({ outputHash: known, uri: `blob:${known}` });
    let running = this.#running.get(k);
    if (!running) {
      running = this.#serial(() => this.#compute(job)).finally(() => this.#running.delete(k));
      this.#running.set(k, running);
    }
    return running;
  }

  /**
   * The reference output with its bytes: what a validator compares a submitted result with. A reference whose
   * bytes have gone from the blob store is computed again.
   */
  async fetch(job: ReferenceJob): Promise<ReferenceOutput & { bytes: Uint8Array }> {
    const ref = await this.output(job);
    try {
      return { ...ref, bytes: await this.deps.blobs.read(ref.uri, ref.outputHash) };
    } catch {
      delete this.deps.store.state.references[key(job.modelHash, job.inputHash)];
      this.deps.store.changed();
      const again = await this.output(job);
      return { ...again, bytes: await this.deps.blobs.read(again.uri, again.outputHash) };
    }
  }

  async #compute(job: ReferenceJob): Promise<ReferenceOutput> {
    const { engine, blobs, store, version, log } = this.deps;
    const started = Date.now();
    const input = await blobs.read(job.inputUri, job.inputHash);
    const result = await engine.runJob(
      {
        kind: job.kind,
        modelHash: job.modelHash,
        model: () => blobs.read(job.modelUri, job.modelHash),
        input,
        inputHash: job.inputHash,
      },
      { timeoutMs: 120_000 },
    );
    const { hash, uri } = await blobs.put(result.output);
    store.state.references[key(job.modelHash, job.inputHash)] = { outputHash: hash, version };
    store.changed();
    log.debug('computed a reference output', {
      model: job.modelHash,
      input: job.inputHash,
      ms: Date.now() - started,
    });
    return { outputHash: hash, uri };
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function key(modelHash: Hash, inputHash: Hash): string {
  return `${modelHash.toLowerCase()}:${inputHash.toLowerCase()}`;
}
