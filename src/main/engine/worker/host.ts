/**
 * Where the engine's worker code runs. The engine speaks to a `WorkerHost` only, so the same worker entry can live in
 * a worker thread (the default: byte arrays are transferred, not copied), a child process (isolation: a native crash
 * or a stuck provider takes only that process down, and a kill always works) or, in the desktop app, an Electron
 * `utilityProcess` — the shell provides that factory (postMessage with transfer, `message` and `exit` events,
 * `kill()`), nothing else changes.
 */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './protocol';

export interface WorkerHost {
  postMessage(message: ToWorker, transfer?: ArrayBuffer[]): void;
  onMessage(listener: (message: FromWorker) => void): void;
  /** Called once when the worker is gone, for whatever reason (`error` when it crashed). */
  onExit(listener: (error?: Error) => void): void;
  /** Stops the worker; resolves when it is gone. */
  terminate(): Promise<void>;
  /**
   * Whether `terminate` is safe while the worker is inside onnxruntime. False for worker threads (onnxruntime-node
   * aborts the process), so the engine guards those with the shared control word; true for processes.
   */
  readonly killsNativeCalls: boolean;
}

export type WorkerHostFactory = () => WorkerHost;

const here = fileURLToPath(import.meta.url);
// Not named `require`: electron-vite adds a top-level `require` shim to the bundle and the names would clash.
const localRequire = createRequire(import.meta.url);

/** Where a worker's code is, and whether it is the TypeScript source (run through tsx). */
export interface WorkerEntry {
  path: string;
  typescript: boolean;
}

/**
 * The entry of a worker that lives beside the module at `moduleUrl`: its TypeScript `source` when that module runs
 * from source (tests, tsx), the `bundled` file of the main bundle otherwise (that module may sit in out/main or
 * out/main/chunks).
 */
export function workerEntryBeside(moduleUrl: string, source: string, bundled: string): WorkerEntry {
  const from = fileURLToPath(moduleUrl);
  if (from.endsWith('.ts')) return { path: join(dirname(from), source), typescript: true };
  for (const dir of [dirname(from), join(dirname(from), '..')]) {
    const candidate = join(dir, bundled);
    if (existsSync(candidate)) return { path: candidate, typescript: false };
  }
  throw new Error(`${bundled} not found next to ${from}: was the main bundle built?`);
}

/** The engine worker's entry: main.ts from source, the bundled `out/main/engineWorker.js` otherwise. */
export function workerEntry(): WorkerEntry {
  return workerEntryBeside(import.meta.url, 'main.ts', 'engineWorker.js');
}

function tsxLoader(): string {
  return localRequire.resolve('tsx');
}

/** Starts a worker entry as a child process (Node's `fork`); from source it boots through tsx. */
export function forkWorker(entry: WorkerEntry, options: ForkOptions = {}): ChildProcess {
  return fork(entry.path, [], {
    ...options,
    execArgv: entry.typescript ? ['--import', pathToFileURL(tsxLoader()).href] : [],
  });
}

/** A worker thread. From source it boots through tsx's API: `--import tsx` does not reach workers on Node 20. */
export function threadHost(): WorkerHost {
  const entry = workerEntry();
  const worker = entry.typescript
    ? new Worker(
        `import(${JSON.stringify(pathToFileURL(join(dirname(tsxLoader()), 'esm/api/index.mjs')).href)})` +
          `.then(({ tsImport }) => tsImport(${JSON.stringify(pathToFileURL(entry.path).href)}, ${JSON.stringify(pathToFileURL(here).href)}))`,
        { eval: true, stdout: false, stderr: false },
      )
    : new Worker(entry.path, { stdout: false, stderr: false });
  let exited = false;
  const exitListeners: ((error?: Error) => void)[] = [];
  let crash: Error | undefined;
  worker.on('error', (err) => {
    crash = err;
  });
  worker.on('exit', () => {
    exited = true;
    for (const l of exitListeners) l(crash);
  });
  return {
    killsNativeCalls: false,
    postMessage: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => worker.on('message', listener),
    onExit: (listener) => exitListeners.push(listener),
    terminate: async () => {
      if (!exited) await worker.terminate();
    },
  };
}

/** A child process (Node's `fork` with structured-clone IPC) running the engine worker. */
export function processHost(): WorkerHost {
  return childProcessHost(
    forkWorker(workerEntry(), { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
    'worker process',
  );
}

/**
 * A forked worker as a WorkerHost: SIGKILL stops it whatever it is doing. An exit nobody asked for is a crash,
 * said as `<name> exited (<signal or code>)`.
 */
export function childProcessHost(child: ChildProcess, name: string): WorkerHost {
  let exited = false;
  const exitListeners: ((error?: Error) => void)[] = [];
  child.on('exit', (code, signal) => {
    exited = true;
    const error =
      code === 0 || signal === 'SIGKILL' ? undefined : new Error(`${name} exited (${signal ?? code})`);
    for (const l of exitListeners) l(error);
  });
  return {
    killsNativeCalls: true,
    postMessage: (message) => child.send(message),
    onMessage: (listener) => child.on('message', (m) => listener(m as FromWorker)),
    onExit: (listener) => exitListeners.push(listener),
    terminate: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
