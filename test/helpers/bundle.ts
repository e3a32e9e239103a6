import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles a TypeScript entry into one ESM file for `node` to run as a child process. Crash tests restart their
 * child many times: a bundle starts in ~0.2 s where `node --import tsx` takes ~2 s (it transpiles viem each time).
 */
export async function bundleForNode(entry: string, outDir: string): Promise<string> {
  const outfile = join(outDir, 'bundle.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
    // Bundled CommonJS dependencies may call require(): give the ESM bundle one.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return outfile;
}
