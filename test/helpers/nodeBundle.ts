import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');

/**
 * Bundles an entry that runs a whole provider node (and the engine's worker next to it, where the engine looks
 * for `engineWorker.js`) into one ESM folder under node_modules/.cache, so a crash test can restart the node in a
 * fraction of a second. onnxruntime-node and node-llama-cpp stay external (native addons), resolved from the project's
 * node_modules like the app does.
 */
export async function bundleNode(entry: string, name: string): Promise<{ dir: string; file: string }> {
  const dir = join(root, 'node_modules', '.cache', 'flywheel-test-bundles', `${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: 'node20',
    logLevel: 'error' as const,
    external: ['onnxruntime-node', 'node-llama-cpp', 'electron'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  };
  await Promise.all([
    build({ ...common, entryPoints: [entry], outfile: join(dir, 'node.mjs') }),
    build({
      ...common,
      entryPoints: [join(root, 'src', 'main', 'engine', 'worker', 'main.ts')],
      outfile: join(dir, 'engineWorker.js'),
    }),
  ]);
  return { dir, file: join(dir, 'node.mjs') };
}
