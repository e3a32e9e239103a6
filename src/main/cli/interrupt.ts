/**
 * Resolves on the first Ctrl-C or SIGTERM. The listeners stay registered until then, and are removed together
 * after: a `process.once` listener is gone by the time other SIGINT listeners run, and signal-exit (pulled in by
 * node-llama-cpp's dependencies) re-raises a signal that it finds no other listener for — which killed
 * `flywheel provide` on its first Ctrl-C instead of letting it stop the node.
 */
export function untilInterrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      // Removed on the next turn, after every listener of this signal has seen it.
      setImmediate(() => {
        process.off('SIGINT', on);
        process.off('SIGTERM', on);
      });
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
