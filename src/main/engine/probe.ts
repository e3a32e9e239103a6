import type { ExecutionProviderName } from '#shared/api/hardware';
import type { ProbeResult } from '../hardware/executionProviders';
import { processHost, type WorkerHostFactory } from './worker/host';
import type { FromWorker, ToWorker } from './worker/protocol';

export interface ProviderProber {
  /** The backends this onnxruntime-node build lists. */
  backends(): Promise<{ name: string; bundled: boolean }[]>;
  probe(provider: ExecutionProviderName, deviceIndex: number): Promise<ProbeResult>;
  close(): Promise<void>;
}

/**
 * A short-lived worker, in its own process by default, that tries execution providers with a tiny model. A process,
 * because loading a GPU provider against a broken driver can crash it, and that must not take the node along.
 */
export async function startProber(
  host: WorkerHostFactory = processHost,
  timeoutMs = 30_000,
): Promise<ProviderProber> {
  const worker = host();
  let nextId = 1;
  let gone: Error | null = null;
  const waiting = new Map<number, (m: FromWorker | null) => void>();
  const ready = new Promise<void>((resolve, reject) => {
    worker.onMessage((m) => {
      if (m.type === 'ready') return resolve();
      if ('id' in m) waiting.get(m.id)?.(m);
    });
    worker.onExit((error) => {
      gone = error ?? new Error('the probe worker exited');
      reject(gone);
      for (const w of waiting.values()) w(null);
    });
  });
  await ready;

  const ask = (build: (id: number) => ToWorker): Promise<FromWorker | null> => {
    if (gone) return Promise.resolve(null);
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), timeoutMs);
      const finish = (m: FromWorker | null) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(m);
      };
      waiting.set(id, finish);
      worker.postMessage(build(id));
    });
  };

  return {
    async backends() {
      const m = await ask((id) => ({ type: 'backends', id }));
      return m?.type === 'backends-result' ? m.backends : [{ name: 'cpu', bundled: true }];
    },
    async probe(provider, deviceIndex) {
      const m = await ask((id) => ({ type: 'probe', id, executionProvider: provider, deviceIndex }));
      if (m?.type === 'probe-result') return m.ok ? { ok: true } : { ok: false, error: m.error ?? 'failed' };
      return {
        ok: false,
        error: gone ? `the probe crashed (${gone.message})` : `no answer within ${timeoutMs / 1000} s`,
      };
    },
    close: () => worker.terminate(),
  };
}
