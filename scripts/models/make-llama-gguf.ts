#!/usr/bin/env -S npx tsx
/**
 * Writes one of the project's random-weight llama GGUF models (src/main/engine/llama/randomModel.ts).
 *
 *   npx tsx scripts/models/make-llama-gguf.ts [tiny|bench|1b] [out.gguf]
 *
 * `tiny` (default, ≈ 2 MB) is the tests' and the devnet's model; `bench` (≈ 180 MB, seconds to make) and `1b`
 * (TinyLlama's shape, ≈ 2.2 GB, about a minute) are the benchmark's. All are made from a fixed seed, so none is
 * committed; the tiny one's sha256 is pinned in randomModel.ts.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { benchLlama, billionLlama, makeLlamaGguf, tinyLlama } from '../../src/main/engine/llama/randomModel';

const which = process.argv[2] ?? 'tiny';
const spec = { tiny: tinyLlama, bench: benchLlama, '1b': billionLlama }[which] ?? null;
if (!spec) {
  process.stderr.write(`unknown model "${which}": use tiny, bench or 1b\n`);
  process.exit(2);
}
const out = process.argv[3] ?? `${which}-llama.gguf`;
const bytes = makeLlamaGguf(spec);
writeFileSync(out, bytes);
const sha256 = createHash('sha256').update(bytes).digest('hex');
process.stdout.write(`${out}: ${spec.name}, ${bytes.byteLength} bytes, sha256 ${sha256}\n`);
