import { CONTROL } from './protocol';

let control: Int32Array | null = null;

export function setControl(buffer: SharedArrayBuffer | null): void {
  control = buffer ? new Int32Array(buffer) : null;
}

/**
 * Runs one onnxruntime call marked as native in the shared control word (see CONTROL in protocol.ts). When the
 * engine is terminating this worker we never enter; when it gave up on us during the call we exit right after.
 */
export async function native<T>(call: () => Promise<T>): Promise<T> {
  if (control && Atomics.compareExchange(control, 0, CONTROL.idle, CONTROL.native) !== CONTROL.idle) {
    // Being terminated: wait for it rather than start something that cannot be stopped.
    return new Promise<T>(() => {});
  }
  try {
    return await call();
  } finally {
    if (control && Atomics.compareExchange(control, 0, CONTROL.native, CONTROL.idle) !== CONTROL.native) {
      // Abandoned while inside onnxruntime: a replacement worker has the device now.
      process.exit(0);
    }
  }
}
