import { parentPort } from 'node:worker_threads';
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
