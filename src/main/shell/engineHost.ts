import { utilityProcess, type UtilityProcess } from 'electron';
import { workerEntry, type WorkerHost, type WorkerHostFactory } from '../engine/worker/host';
import type { FromWorker, ToWorker } from '../engine/worker/protocol';

/** The part of Electron's utilityProcess module the host needs (a test passes a stand-in). */
export type ForkUtility = (
  modulePath: string,
  args: string[],
  options: { serviceName: string; stdio: ('ignore' | 'inherit')[] },
) => Pick<UtilityProcess, 'postMessage' | 'on' | 'once' | 'kill'>;

/**
 * Engine workers in Electron utilityProcesses: each is its own OS process, so a job that crashes onnxruntime (a
 * bad model, a broken GPU driver) takes down only that worker, never the window or the node, and the engine starts
 * a fresh one. It replaces the child-process host in the desktop app, where `child_process.fork` cannot work: it
 * runs the Electron binary as Node, which the RunAsNode fuse turns off. Byte arrays are copied (a utilityProcess
 * transfers only message ports).
 */
export function utilityProcessHostFactory(
  fork: ForkUtility = (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
  entry: () => string = bundledWorkerEntry,
): WorkerHostFactory {
  return (): WorkerHost => {
    const child = fork(entry(), [], {
      serviceName: 'Flywheel engine',
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    let exited = false;
    let killed = false;
    let crash: Error | undefined;
    const exitListeners: ((error?: Error) => void)[] = [];
    child.on('error', (type, location) => {
      crash = new Error(`engine worker ${type} at ${location}`);
    });
    child.once('exit', (code) => {
      exited = true;
      const error =
        killed || code === 0 ? undefined : (crash ?? new Error(`engine worker process exited (${code})`));
      for (const listener of exitListeners) listener(error);
    });
    return {
      killsNativeCalls: true,
      postMessage: (message: ToWorker) => child.postMessage(message),
      onMessage: (listener: (message: FromWorker) => void) =>
        void child.on('message', (message) => listener(message as FromWorker)),
      onExit: (listener) => void exitListeners.push(listener),
      terminate: () =>
        new Promise<void>((resolve) => {
          if (exited) return resolve();
          killed = true;
          child.once('exit', () => resolve());
          child.kill();
        }),
    };
  };
}

/** The bundled worker entry (out/main/engineWorker.js): Electron runs the built app, never the TypeScript sources. */
function bundledWorkerEntry(): string {
  const entry = workerEntry();
  if (entry.typescript) throw new Error('the Electron shell runs the built app: run `npm run build` first');
  return entry.path;
}
