/**
 * The demo market's inputs, all real: OCR text lines rendered once with jimp and speech clips spoken once by
 * espeak-ng (resources/devnet/workloads.json, made by scripts/devnet/workloads.mjs), fine-tune datasets drawn
 * here from a seeded generator, and prompts for the random-weight llama. Each becomes the safetensors file a job's input is.
 */
import { inflateRawSync } from 'node:zlib';
import type { JobKind } from '#shared/api/jobs';
import { writeTextGenerationInput } from '../../engine/llama/format';
import { tensorOf, writeSafetensors } from '../../engine/safetensors';
import { seededRandom } from '../../engine/training/random';
import fixtures from '../../../../resources/devnet/workloads.json';

export interface Workload {
  /** `ocr-rec:FLYWHEEL 2026`, `vad:Provide your GPU.`, `finetune:1`, … */
  id: string;
  /** The devnet model it runs on (book models' ids). */
  model: 'ocr-rec' | 'ocr-det' | 'vad' | 'finetune' | 'llm';
  kind: JobKind;
  /** How often the requester picks it, relative to the others. */
  weight: number;
  input: () => Uint8Array;
  /** A text generation's `max_tokens`: the job is posted priced per token, this many at most. */
  maxTokens?: number;
}

interface Fixtures {
  ocr: { text: string; width: number; height: number; grey: string }[];
  vad: { text: string; sampleRate: number; ulaw: string }[];
}

const data = fixtures as unknown as Fixtures;

/** A grey image as PP-OCR takes it: CHW float32 in [−1, 1], the grey level in all three channels. */
function chw(
  grey: Uint8Array,
  height: number,
  width: number,
  outHeight = height,
  outWidth = width,
): Float32Array {
  const plane = outHeight * outWidth;
  const out = new Float32Array(3 * plane).fill(1); // white padding
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = (grey[y * width + x]! / 255 - 0.5) / 0.5;
      for (let c = 0; c < 3; c++) out[c * plane + y * outWidth + x] = v;
    }
  }
  return out;
}

function ocrInputs(): Workload[] {
  return data.ocr.flatMap((line) => {
    const grey = () => new Uint8Array(inflateRawSync(Buffer.from(line.grey, 'base64')));
    // Detection wants sides that are multiples of 32: the line is padded with white below and to the right.
    const detH = 64;
    const detW = Math.ceil(line.width / 32) * 32;
    return [
      {
        id: `ocr-rec:${line.text}`,
        model: 'ocr-rec' as const,
        kind: 'inference' as const,
        weight: 5,
        input: () =>
          writeSafetensors([
            tensorOf('x', 'F32', [1, 3, line.height, line.width], chw(grey(), line.height, line.width)),
          ]),
      },
      {
        id: `ocr-det:${line.text}`,
        model: 'ocr-det' as const,
        kind: 'inference' as const,
        weight: 1,
        input: () =>
          writeSafetensors([
            tensorOf('x', 'F32', [1, 3, detH, detW], chw(grey(), line.height, line.width, detH, detW)),
          ]),
      },
    ];
  });
}

/** G.711 mu-law byte → a sample in [−1, 1). */
function fromMuLaw(byte: number): number {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u >> 4) & 0x07)) - 0x84;
  return (u & 0x80 ? -magnitude : magnitude) / 32768;
}

function vadInputs(): Workload[] {
  return data.vad.map((clip) => ({
    id: `vad:${clip.text}`,
    model: 'vad' as const,
    kind: 'inference' as const,
    weight: 3,
    input: () => {
      const bytes = inflateRawSync(Buffer.from(clip.ulaw, 'base64'));
      const audio = Float32Array.from(bytes, fromMuLaw);
      return writeSafetensors([tensorOf('audio', 'F32', [audio.length], audio)]);
    },
  }));
}

/** Three Gaussian blobs in four dimensions (seeded), labelled by blob: a small classification task. */
export function finetuneDataset(seed: number, rows = 240): Uint8Array {
  const random = seededRandom(1_000 + seed);
  const centres = [
    [3, 0, 0, 1],
    [-3, 2, 0, -1],
    [0, -3, 3, 0],
  ];
  const x = new Float32Array(rows * 4);
  const y = new BigInt64Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % 3;
    y[r] = BigInt(c);
    for (let d = 0; d < 4; d++) x[r * 4 + d] = centres[c]![d]! + (random() - 0.5) * (1 + seed * 0.5);
  }
  return writeSafetensors([tensorOf('x', 'F32', [rows, 4], x), tensorOf('y', 'I64', [rows], y)], {
    steps: String(30 + 10 * seed),
    lr: '0.05',
    seed: String(seed),
    batch_size: '32',
    eval_fraction: '0.25',
  });
}

function finetuneInputs(): Workload[] {
  return [1, 2, 3].map((seed) => ({
    id: `finetune:${seed}`,
    model: 'finetune' as const,
    kind: 'fine-tune' as const,
    weight: 2,
    input: () => finetuneDataset(seed),
  }));
}

/** Tokens each devnet text generation asks for (and is priced per token up to). */
const LLM_MAX_TOKENS = 24;

/**
 * Text generation on the devnet's random-weight llama: greedy and sampled, a few prompts, 24 tokens each, posted
 * priced per token.
 */
function llmInputs(): Workload[] {
  const prompts = ['Once upon a time', 'Provide your GPU', 'The quick brown fox'];
  return prompts.flatMap((prompt, i) => [
    {
      id: `llm:${prompt}`,
      model: 'llm' as const,
      kind: 'inference' as const,
      weight: 1,
      input: () => writeTextGenerationInput({ prompt, maxTokens: LLM_MAX_TOKENS }),
      maxTokens: LLM_MAX_TOKENS,
    },
    {
      id: `llm:${prompt} (T 0.8)`,
      model: 'llm' as const,
      kind: 'inference' as const,
      weight: 1,
      input: () =>
        writeTextGenerationInput({ prompt, maxTokens: LLM_MAX_TOKENS, temperature: 0.8, seed: i + 1 }),
      maxTokens: LLM_MAX_TOKENS,
    },
  ]);
}

/** Every workload the demo requester posts. */
export function demoWorkloads(textShare?: number): Workload[] {
  const others = [...ocrInputs(), ...vadInputs(), ...finetuneInputs()];
  const text = llmInputs();
  if (textShare === undefined) return [...others, ...text];
  // Text generations get `textShare` of the posts, split as their weights split; the rest keep theirs.
  const weightOf = (list: Workload[]) => list.reduce((s, w) => s + w.weight, 0);
  const [rest, llm] = [weightOf(others), weightOf(text)];
  if (textShare >= 1) return text;
  const scale = (textShare / (1 - textShare)) * (rest / llm);
  return [...others, ...text.map((w) => ({ ...w, weight: w.weight * scale }))].filter((w) => w.weight > 0);
}

/** Picks a workload by weight with `random` in [0, 1). */
export function pickWorkload(workloads: readonly Workload[], random: number): Workload {
  const total = workloads.reduce((s, w) => s + w.weight, 0);
  let r = random * total;
  for (const w of workloads) {
    r -= w.weight;
    if (r < 0) return w;
  }
  return workloads.at(-1)!;
}
