import ort from 'onnxruntime-node';
import type { Hash } from '#shared/api/define';
import { native } from './native';
import type { WorkerDevice } from './protocol';

/** Session options for a device: full graph optimisation, one thread per physical core, no spinning when idle. */
export function sessionOptions(device: WorkerDevice, quiet = false): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [executionProvider(device.executionProvider, device.deviceIndex)],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: device.intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: quiet ? 4 : 3,
    // Pool threads spin while a run is on and stop the moment it returns: by default they would go on spinning for
    // tens of milliseconds after each run (~0.04 CPU-s per idle second after a job; stopped, ~0.001). Against
    // spinning off, over 90 s of alternating blocks of PP-OCRv4 det runs here: median 16.1 vs 19.0 ms, mean 18.0 vs
    // 19.4; the price is the tail when the machine lends a core elsewhere (p90 29.7 vs 23.3 ms).
    extra: {
      session: { 'intra_op.allow_spinning': '1', 'inter_op.allow_spinning': '0', force_spinning_stop: '1' },
    },
  };
}

function executionProvider(name: WorkerDevice['executionProvider'], deviceIndex: number) {
  switch (name) {
    case 'cuda':
      return { name: 'cuda', deviceId: deviceIndex } as const;
    case 'dml':
      return { name: 'dml', deviceId: deviceIndex } as const;
    default:
      return name;
  }
}

interface Entry {
  session: ort.InferenceSession;
  cost: number;
}

/**
 * Sessions by model hash, least recently used first out. Each counts twice its model bytes against the budget
 * (weights plus onnxruntime's prepacked copies and arena); the session in use is never evicted, so a budget of
 * 0 means "create, run, release".
 */
export class SessionCache {
  readonly #entries = new Map<Hash, Entry>();
  #created = 0;

  constructor(
    private readonly device: WorkerDevice,
    private readonly budgetBytes: number,
  ) {}

  get(hash: Hash): ort.InferenceSession | undefined {
    const entry = this.#entries.get(hash);
    if (!entry) return undefined;
    this.#entries.delete(hash);
    this.#entries.set(hash, entry);
    return entry.session;
  }

  /** Creates a session (throws onnxruntime's error for a bad model) and caches it. */
  async create(hash: Hash, bytes: Uint8Array): Promise<ort.InferenceSession> {
    const session = await native(() => ort.InferenceSession.create(bytes, sessionOptions(this.device)));
    this.#created++;
    this.#entries.set(hash, { session, cost: bytes.byteLength * 2 });
    return session;
  }

  /** Releases least recently used sessions until the cache fits its budget (keeping `keep`). */
  async trim(keep?: Hash): Promise<void> {
    let total = [...this.#entries.values()].reduce((n, e) => n + e.cost, 0);
    for (const [hash, entry] of this.#entries) {
      if (total <= this.budgetBytes) break;
      if (hash === keep) continue;
      this.#entries.delete(hash);
      total -= entry.cost;
      await native(() => entry.session.release());
    }
    if (keep && this.budgetBytes === 0) await this.drop(keep);
  }

  async drop(hash: Hash): Promise<void> {
    const entry = this.#entries.get(hash);
    if (!entry) return;
    this.#entries.delete(hash);
    await native(() => entry.session.release());
  }

  hashes(): Hash[] {
    return [...this.#entries.keys()];
  }

  get created(): number {
    return this.#created;
  }
}
