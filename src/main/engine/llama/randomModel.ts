/**
 * Language models the project makes itself: llama-architecture GGUF files with fixed-seed random weights and a
 * SentencePiece-style ("llama") vocabulary of single characters with byte fallback, so llama.cpp loads, tokenizes
 * and runs them like any llama. They are not trained: what they write is gibberish, the same gibberish for the
 * same seed on every machine, which is what tests, the devnet and the benchmark need.
 *
 * ```ts
 * const bytes = makeLlamaGguf(tinyLlama); // ≈ 2 MB, the tests' and the devnet's model
 * ```
 * The generator uses a seeded PRNG, + − × ÷ and Math.sqrt (correctly rounded by IEEE 754), no other library maths,
 * so every JavaScript engine writes the same bytes (tinyLlamaSha256 pins them).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../training/random';
import { writeGguf, type GgufTensor, type GgufTensorType, type GgufValue } from './gguf';

export interface LlamaModelSpec {
  name: string;
  seed: number;
  /** Vocabulary size: at least the 354 base tokens (specials, 256 bytes, ▁ and printable ASCII); more adds pieces. */
  vocab: number;
  embedding: number;
  layers: number;
  heads: number;
  kvHeads: number;
  feedForward: number;
  /** The context the model declares (llama.context_length). */
  context: number;
  type: GgufTensorType;
}

/** The tests' and the devnet's model: 2 layers, 128 wide, 354 tokens, 512 context, ≈ 2 MB. */
export const tinyLlama: LlamaModelSpec = {
  name: 'flywheel-tiny-llama (random weights)',
  seed: 16,
  vocab: 354,
  embedding: 128,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  feedForward: 384,
  context: 512,
  type: 'F32',
};

/** sha256 of makeLlamaGguf(tinyLlama): the generator must write the same bytes everywhere. */
export const tinyLlamaSha256 = 'bfbbb01de3b381ff8663c8b40ffe918806d5dd0ffd183860c37fed2a891c2bce';

/** A model big enough to time (≈ 90 M parameters, 32,000 tokens, F16 ≈ 180 MB): the benchmark's, not committed. */
export const benchLlama: LlamaModelSpec = {
  name: 'flywheel-bench-llama (random weights)',
  seed: 17,
  vocab: 32_000,
  embedding: 768,
  layers: 6,
  heads: 12,
  kvHeads: 12,
  feedForward: 2048,
  context: 2048,
  type: 'F16',
};

/**
 * TinyLlama-1.1B's shape cut to 18 layers (2048 wide, 32 heads, 4 KV heads, 32,000 tokens: 0.92 B parameters, F16
 * ≈ 1.85 GB, under Node's 2 GiB file-read limit): the benchmark's billion-class model, where per-token costs that
 * do not grow with the model weigh what they weigh in practice. Not committed.
 */
export const billionLlama: LlamaModelSpec = {
  name: 'flywheel-1b-llama (random weights)',
  seed: 18,
  vocab: 32_000,
  embedding: 2048,
  layers: 18,
  heads: 32,
  kvHeads: 4,
  feedForward: 5632,
  context: 2048,
  type: 'F16',
};

const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;
const SPACE = '\u2581';

/** The vocabulary: <unk> <s> </s>, the 256 byte tokens, ▁ and printable ASCII, then letter pieces up to `size`. */
export function llamaVocab(size: number): { tokens: string[]; scores: Float32Array; types: Int32Array } {
  const tokens: string[] = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_TYPE.byte);
  }
  const base = [SPACE, ...Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i))];
  if (size < tokens.length + base.length) {
    throw new Error(`a vocabulary needs at least ${tokens.length + base.length} tokens, not ${size}`);
  }
  const seen = new Set<string>();
  const add = (piece: string) => {
    if (tokens.length >= size || seen.has(piece)) return;
    seen.add(piece);
    tokens.push(piece);
    types.push(TOKEN_TYPE.normal);
  };
  base.forEach(add);
  const letters = 'etaoinshrdlcumwfgypbvkjxqz'.split('');
  // Pieces, most common-looking first: ▁x, xy, ▁xy, xyz, ▁xyz (in letter-frequency order).
  for (const a of letters) add(SPACE + a);
  for (const a of letters) for (const b of letters) add(a + b);
  for (const a of letters) for (const b of letters) add(SPACE + a + b);
  for (const a of letters) for (const b of letters) for (const c of letters) add(a + b + c);
  for (const a of letters) for (const b of letters) for (const c of letters) add(SPACE + a + b + c);
  if (tokens.length < size) throw new Error(`the piece list stops at ${tokens.length} tokens, under ${size}`);
  // SentencePiece scores: a longer piece merges first, and earlier pieces win ties.
  const scores = Float32Array.from(tokens, (t, i) =>
    types[i] === TOKEN_TYPE.normal ? [...t].length * 1000 - i / size : 0,
  );
  return { tokens, scores, types: Int32Array.from(types) };
}

/** Writes the GGUF file of a random-weight llama. */
export function makeLlamaGguf(spec: LlamaModelSpec): Uint8Array {
  const { embedding: d, layers, heads, kvHeads, feedForward: ff } = spec;
  if (d % heads !== 0 || heads % kvHeads !== 0)
    throw new Error('embedding must split into heads, heads into kv heads');
  const headDim = d / heads;
  const kvDim = headDim * kvHeads;
  const vocab = llamaVocab(spec.vocab);
  const n = vocab.tokens.length;
  const random = seededRandom(spec.seed);
  // Uniform on ±a has standard deviation a/√3.
  const uniform = (count: number, std: number) => {
    const a = std * Math.sqrt(3);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = (random() * 2 - 1) * a;
    return out;
  };
  const ones = (count: number) => new Float32Array(count).fill(1);
  // 1/√fan-in for the projections; the output layer is wider so each next-token distribution is peaked (a few
  // likely tokens, as in a trained model) rather than flat; specials and bytes are unlikely, so text comes out.
  const invSqrt = (x: number) => 1 / Math.sqrt(x);
  const tensors: GgufTensor[] = [];
  // Values are made when the writer reaches each tensor, in this order (the seed's sequence depends on it).
  const t = (name: string, dims: number[], data: () => Float32Array) =>
    tensors.push({ name, dims, type: dims.length === 1 ? 'F32' : spec.type, data });
  t('token_embd.weight', [d, n], () => uniform(d * n, 1));
  for (let i = 0; i < layers; i++) {
    t(`blk.${i}.attn_norm.weight`, [d], () => ones(d));
    t(`blk.${i}.attn_q.weight`, [d, d], () => uniform(d * d, invSqrt(d)));
    t(`blk.${i}.attn_k.weight`, [d, kvDim], () => uniform(d * kvDim, invSqrt(d)));
    t(`blk.${i}.attn_v.weight`, [d, kvDim], () => uniform(d * kvDim, invSqrt(d)));
    t(`blk.${i}.attn_output.weight`, [d, d], () => uniform(d * d, invSqrt(d)));
    t(`blk.${i}.ffn_norm.weight`, [d], () => ones(d));
    t(`blk.${i}.ffn_gate.weight`, [d, ff], () => uniform(d * ff, invSqrt(d)));
    t(`blk.${i}.ffn_up.weight`, [d, ff], () => uniform(d * ff, invSqrt(d)));
    t(`blk.${i}.ffn_down.weight`, [ff, d], () => uniform(ff * d, invSqrt(ff)));
  }
  t('output_norm.weight', [d], () => ones(d));
  t('output.weight', [d, n], () => {
    const output = uniform(d * n, 3 * invSqrt(d));
    for (let tok = 0; tok < n; tok++) {
      if (vocab.types[tok] === TOKEN_TYPE.normal) continue;
      for (let j = 0; j < d; j++) output[tok * d + j]! *= 0.05;
    }
    return output;
  });

  const metadata: [string, GgufValue][] = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: spec.name }],
    [
      'general.description',
      { type: 'string', value: 'Fixed-seed random weights made by Flywheel; not trained.' },
    ],
    ['llama.context_length', { type: 'u32', value: spec.context }],
    ['llama.embedding_length', { type: 'u32', value: d }],
    ['llama.block_count', { type: 'u32', value: layers }],
    ['llama.feed_forward_length', { type: 'u32', value: ff }],
    ['llama.attention.head_count', { type: 'u32', value: heads }],
    ['llama.attention.head_count_kv', { type: 'u32', value: kvHeads }],
    ['llama.rope.dimension_count', { type: 'u32', value: headDim }],
    ['llama.rope.freq_base', { type: 'f32', value: 10_000 }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'u32', value: n }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ];
  return writeGguf(metadata, tensors);
}

export function sha256(bytes: Uint8Array): string {
  const hash = createHash('sha256');
  for (let at = 0; at < bytes.byteLength; at += 2 ** 28) hash.update(bytes.subarray(at, at + 2 ** 28));
  return hash.digest('hex');
}

/**
 * The model's file in `dir` (written once, then reused): its path and bytes. A cached file whose sha256 is not the
 * pinned one (tiny model) or the one recorded next to it when it was written is made again.
 */
export function cachedLlamaGguf(spec: LlamaModelSpec, dir: string): { path: string; bytes: Uint8Array } {
  const path = cachedModelPath(spec, dir);
  const pinned = spec === tinyLlama ? tinyLlamaSha256 : null;
  if (existsSync(path)) {
    const bytes = new Uint8Array(readFileSync(path));
    const recorded =
      pinned ?? (existsSync(`${path}.sha256`) ? readFileSync(`${path}.sha256`, 'utf8').trim() : '');
    if (sha256(bytes) === recorded) return { path, bytes };
  }
  const bytes = makeLlamaGguf(spec);
  const actual = sha256(bytes);
  if (pinned && actual !== pinned) {
    throw new Error(`${spec.name} came out with sha256 ${actual}, not the pinned ${pinned}`);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${path}.partial`, bytes);
  renameSync(`${path}.partial`, path);
  writeFileSync(`${path}.sha256`, `${actual}\n`);
  return { path, bytes };
}

/** Where cachedLlamaGguf keeps a model's file in `dir`. */
export function cachedModelPath(spec: LlamaModelSpec, dir: string): string {
  const slug = spec.name.replace(/\s*\(.*\)$/, '').replace(/[^a-z0-9-]+/gi, '-');
  return join(dir, `${slug}-${spec.seed}.gguf`);
}
