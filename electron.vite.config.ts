import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

/**
 * One build for both shells. `out/main` holds the Electron entry (`index`), the headless entry (`headless`),
 * the CLI (`cli`) and worker entries; they share chunks, and none but `index` imports electron.
 */
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          headless: resolve('src/main/headless/main.ts'),
          cli: resolve('src/main/cli/main.ts'),
          // The engine worker (worker thread, child process or utilityProcess): found by engine/worker/host.ts.
          engineWorker: resolve('src/main/engine/worker/main.ts'),
          // The llama.cpp worker (a child process per device): found by engine/llama/runtime.ts.
          llamaWorker: resolve('src/main/engine/llama/worker.ts'),
          // Makes the benchmark's language models in a child process: found by engine/llama/benchModels.ts.
          llamaModelMaker: resolve('src/main/engine/llama/modelMaker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require nothing but electron: bundle the contract (and zod) into it.
      externalizeDeps: false,
      rollupOptions: {
        // A sandboxed preload cannot be an ES module.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    resolve: { alias: { '@renderer': resolve('src/renderer/src') } },
    plugins: [react()],
    build: {
      minify: true,
      sourcemap: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
