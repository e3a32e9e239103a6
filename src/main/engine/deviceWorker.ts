import type { Hash } from '#shared/api/define';
import { Decline } from '#shared/decline';
import type { Logger } from '../log';
import type { WorkerHost, WorkerHostFactory } from './worker/host';
import {
  CONTROL,
  type FromWorker,
  type ToWorker,
  type WorkerDevice,
  type WorkerLimits,
} from './worker/protocol';

type Reply = Extract<FromWorker, { type: 'result' | 'bench-result' | 'probe-result' | 'backends-result' }>;

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (err: Error) => void;
  onProgress?: (m: Extract<FromWorker, { type: 'progress' }>) => void;
  loadModel?: () => Promise<Uint8Array>;
}

export interface DeviceWorkerOptions {
  device: WorkerDevice;
  limits: WorkerLimits;
  host: WorkerHostFactory;
  log: Logger;
  /** Recycle the worker once it has created this many sessions (onnxruntime grows with each create/release). */
  recycleAfterSessions: number;
  /** Jobs allowed to wait for this device before new ones are refused with OVER_CAPACITY. */
  maxQueued: number;
}

/**
 * One device's worker and its queue: requests run one at a time; a request past its time limit gets the worker
 * stopped (or, inside onnxruntime on a worker thread, abandoned to exit on its own) and a fresh one started for
 * the next. The set of cached model hashes is mirrored here so model bytes are sent only when needed.
 */
export class DeviceWorker {
  #host: WorkerHost | null = null;
  #control: Int32Array | null = null;
  #ready: Promise<void> | null = null;
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #cached = new Set<Hash>();
  #sessionsCreated = 0;
  #closed = false;
  restarts = 0;
  abandoned = 0;

  constructor(private readonly options: DeviceWorkerOptions) {}

  get device(): WorkerDevice {
    return this.options.device;
  }

  holds(hash: Hash): boolean {
    return this.#cached.has(hash.toLowerCase() as Hash);
  }

  /** Queues a request; `timeoutMs` counts from when it reaches the worker, not from when it was queued. */
  request<R extends Reply>(
    build: (id: number) => ToWorker,
    options: {
      timeoutMs: number;
      onProgress?: Pending['onProgress'];
      loadModel?: () => Promise<Uint8Array>;
      onStart?: () => void;
    },
  ): Promise<R> {
    if (this.#closed) return Promise.reject(new Error('the engine is closed'));
    if (this.#queued >= this.options.maxQueued) {
      return Promise.reject(
        new Decline('OVER_CAPACITY', `${this.#queued} jobs already wait for ${this.device.id}`),
      );
    }
    this.#queued++;
    const run = this.#tail.then(async () => {
      this.#queued--;
      if (this.#closed) throw new Error('the engine is closed');
      const host = await this.#start();
      options.onStart?.();
      const id = this.#nextId++;
      return new Promise<R>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.#pending.delete(id);
          void this.#stop('time limit');
          reject(new Decline('DEADLINE_INFEASIBLE', `ran past its time limit of ${options.timeoutMs} ms`));
        }, options.timeoutMs);
        const done =
          <T>(f: (v: T) => void) =>
          (v: T) => {
            clearTimeout(timer);
            this.#pending.delete(id);
            f(v);
          };
        const pending: Pending = {
          resolve: done(resolve as (r: Reply) => void),
          reject: done(reject),
        };
        if (options.onProgress) pending.onProgress = options.onProgress;
        if (options.loadModel) pending.loadModel = options.loadModel;
        this.#pending.set(id, pending);
        host.postMessage(build(id));
      });
    });
    // The queue goes on whatever this request's outcome.
    this.#tail = run.catch(() => undefined).then(() => this.#maybeRecycle());
    return run;
  }

  async #start(): Promise<WorkerHost> {
    if (this.#host && this.#ready) {
      await this.#ready;
      return this.#host;
    }
    const host = this.options.host();
    this.#host = host;
    const control = host.killsNativeCalls ? null : new SharedArrayBuffer(4);
    this.#control = control ? new Int32Array(control) : null;
    this.#cached = new Set();
    this.#sessionsCreated = 0;
    this.#ready = new Promise<void>((resolve, reject) => {
      const startTimer = setTimeout(
        () => reject(new Error('the engine worker did not start within 60 s')),
        60_000,
      );
      host.onMessage((message) => {
        if (message.type === 'ready') {
          clearTimeout(startTimer);
          host.postMessage({ type: 'init', device: this.device, limits: this.options.limits, control });
          resolve();
          return;
        }
        this.#onMessage(host, message);
      });
      host.onExit((error) => {
        clearTimeout(startTimer);
        reject(error ?? new Error('the engine worker exited while starting'));
        if (this.#host !== host) return;
        this.#host = null;
        this.#ready = null;
        if (error)
          this.options.log.warn('engine worker crashed', { device: this.device.id, error: error.message });
        for (const [id, p] of this.#pending) {
          this.#pending.delete(id);
          p.reject(
            new Error(`the engine worker for ${this.device.id} stopped: ${error?.message ?? 'exited'}`),
          );
        }
      });
    });
    await this.#ready;
    return host;
  }

  #onMessage(host: WorkerHost, message: FromWorker): void {
    // A worker being stopped or abandoned no longer speaks for this device.
    if (message.type === 'ready' || host !== this.#host) return;
    const pending = this.#pending.get(message.id);
    if ('cached' in message) this.#cached = new Set(message.cached);
    if ('sessionsCreated' in message) this.#sessionsCreated = message.sessionsCreated;
    if (!pending) return;
    switch (message.type) {
      case 'progress':
        pending.onProgress?.(message);
        return;
      case 'need-model':
        if (!pending.loadModel) {
          pending.reject(new Error('the worker asked for model bytes the job did not give'));
          return;
        }
        pending.loadModel().then(
          (bytes) => host.postMessage({ type: 'model', id: message.id, bytes }),
          (err: unknown) => {
            host.postMessage({ type: 'model', id: message.id, bytes: null });
            pending.reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
        return;
      case 'decline':
        pending.reject(new Decline(message.reason, message.details));
        return;
      case 'failure':
        pending.reject(new Error(message.message));
        return;
      default:
        pending.resolve(message);
    }
  }

  async #maybeRecycle(): Promise<void> {
    if (this.#host && this.#sessionsCreated >= this.options.recycleAfterSessions) await this.#stop('recycle');
  }

  /** Stops the worker now, or abandons it if it is inside onnxruntime on a worker thread. */
  async #stop(why: string): Promise<void> {
    const host = this.#host;
    if (!host) return;
    this.#host = null;
    this.#ready = null;
    this.#cached = new Set();
    if (why !== 'recycle') this.restarts++;
    this.options.log.info('engine worker stopped', { device: this.device.id, why });
    const control = this.#control;
    if (!control || Atomics.compareExchange(control, 0, CONTROL.idle, CONTROL.stopping) === CONTROL.idle) {
      await host.terminate();
      return;
    }
    // Inside onnxruntime: terminating now would abort the process. It exits by itself when the call returns.
    if (Atomics.compareExchange(control, 0, CONTROL.native, CONTROL.abandoned) === CONTROL.native) {
      this.abandoned++;
      this.options.log.warn('engine worker abandoned inside onnxruntime; it exits when the call returns', {
        device: this.device.id,
      });
      return;
    }
    await host.terminate();
  }

  /** Stops the worker now; the request in flight and any queued ones fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.reject(new Error('the engine is closing'));
    }
    await this.#stop('recycle');
  }
}
