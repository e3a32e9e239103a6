#!/usr/bin/env -S npx tsx
/**
 * Writes one of the project's random-weight llama GGUF models (src/main/engine/llama/randomModel.ts).
 *
 *   npx tsx scripts/models/make-llama-gguf.ts [tiny|bench] [out.gguf]
 *
 * `tiny` (default, ≈ 2 MB) is the tests' and the devnet's model; `bench` (≈ 180 MB) is the benchmark's. Both are
 * made in seconds from a fixed seed, so neither is committed; the tiny one's sha256 is pinned in randomModel.ts.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { benchLlama, makeLlamaGguf, tinyLlama } from '../../src/main/engine/llama/randomModel';

const which = process.argv[2] ?? 'tiny';
const spec = which === 'bench' ? benchLlama : which === 'tiny' ? tinyLlama : null;
if (!spec) {
  process.stderr.write(`unknown model "${which}": use tiny or bench\n`);
  process.exit(2);
}
const out = process.argv[3] ?? `${which}-llama.gguf`;
const bytes = makeLlamaGguf(spec);
writeFileSync(out, bytes);
const sha256 = createHash('sha256').update(bytes).digest('hex');
process.stdout.write(`${out}: ${spec.name}, ${bytes.byteLength} bytes, sha256 ${sha256}\n`);
