/**
 * The `text-generation` job's files. Like every engine job, input and output are safetensors files identified by
 * their keccak256; the settings are the input's metadata (strings), as for fine-tune.
 *
 * Input: the prompt as text (metadata `prompt`) or as token ids (an integer tensor `prompt_tokens` [n], used as
 * given: no BOS is added), and
 *
 * | key | meaning | default |
 * | --- | --- | --- |
 * | `max_tokens` | most tokens to generate, 1 … the provider's cap | required |
 * | `temperature` | 0 = greedy (argmax); > 0 samples among the top 20 tokens at that temperature, ≤ 2 | `0` |
 * | `seed` | uint32 for sampling | `0` |
 * | `stop` | a JSON list of up to 4 strings; generation ends when the text contains one | none |
 *
 * Output: `tokens` I32 [n] (the generated token ids, the end-of-sequence token included when the model chose it)
 * and `logprobs` F32 [n] (each token's natural-log probability under the model, before temperature: what the
 * `logprob` verification policy re-scores), with metadata `text` (the detokenized text, cut before a stop string),
 * `finish_reason` (`length`, `stop` or `eos`) and `prompt_tokens` (how many tokens the prompt was).
 *
 * A validator's re-scoring of an output (engine.rescore) is a file of the same shape plus, per token, `ranks` I32
 * (how many tokens the validator's model found more likely), `top_logprobs` F32 (the validator's most likely
 * token's logprob) and, for sampled jobs, `sample_gaps` F32 (how far the seed's draw falls from the token in the
 * validator's replay of the sampler), and metadata `greedy` ("1" for a temperature-0 job).
 */
import { readSafetensors, tensorOf, writeSafetensors, type NamedTensor } from '../safetensors';

/** Sampled jobs draw among this many most likely tokens (the `logprob` policy's top-k leaves room above it). */
export const SAMPLE_TOP_K = 20;
export const MAX_TEMPERATURE = 2;
export const MAX_STOP_STRINGS = 4;

export interface TextGenerationInput {
  prompt: { text: string } | { tokens: number[] };
  maxTokens: number;
  temperature: number;
  seed: number;
  stop: string[];
}

export type FinishReason = 'length' | 'stop' | 'eos';

export interface TextGenerationOutput {
  tokens: number[];
  logprobs: number[];
  text: string;
  finishReason: FinishReason;
  promptTokens: number;
}

export interface Rescoring {
  tokens: number[];
  logprobs: number[];
  ranks: number[];
  topLogprobs: number[];
  greedy: boolean;
  /**
   * Sampled jobs: per token, how far (in probability mass) the job's seeded draw falls from the claimed token's
   * interval in the validator's replay of the sampler (sampling.ts); 0 = the seed picks that token.
   */
  sampleGaps?: number[];
  /** Why the claim could not be re-scored at all (malformed, too long, text not its tokens'); the claim fails. */
  problem?: string;
}

/** A bad input, in words for the requester. */
export class TextInputError extends Error {
  override name = 'TextInputError';
}

const KNOWN_KEYS = new Set(['prompt', 'max_tokens', 'temperature', 'seed', 'stop', 'format']);

/** Reads a text-generation input file; throws TextInputError naming what is wrong. */
export function parseTextGenerationInput(bytes: Uint8Array): TextGenerationInput {
  let file;
  try {
    file = readSafetensors(bytes, { maxTensorBytes: 4 * 2 ** 20 });
  } catch (err) {
    throw new TextInputError(`not safetensors: ${(err as Error).message}`);
  }
  const meta = file.metadata;
  const unknown = Object.keys(meta).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length) throw new TextInputError(`unknown metadata key(s): ${unknown.join(', ')}`);
  const extra = file.tensors.filter((t) => t.name !== 'prompt_tokens');
  if (extra.length) throw new TextInputError(`unexpected tensor(s): ${extra.map((t) => t.name).join(', ')}`);
  const tokenTensor = file.tensors.find((t) => t.name === 'prompt_tokens');
  let prompt: TextGenerationInput['prompt'];
  if (tokenTensor) {
    if (meta.prompt !== undefined) throw new TextInputError('give the prompt as text or as tokens, not both');
    if (!INTEGER.test(tokenTensor.dtype) || tokenTensor.shape.length !== 1) {
      throw new TextInputError('"prompt_tokens" must be a 1-D integer tensor');
    }
    const ids = integers(tokenTensor);
    if (!ids.every((t) => Number.isInteger(t) && t >= 0 && t < 2 ** 31)) {
      throw new TextInputError('"prompt_tokens" holds negative or oversized ids');
    }
    prompt = { tokens: ids };
  } else if (meta.prompt !== undefined) {
    prompt = { text: meta.prompt };
  } else {
    throw new TextInputError('no prompt: set metadata "prompt" or a "prompt_tokens" tensor');
  }
  if ('tokens' in prompt ? prompt.tokens.length === 0 : prompt.text.length === 0) {
    throw new TextInputError('the prompt is empty');
  }
  const int = (key: string, max: number, fallback?: number): number => {
    const raw = meta[key];
    if (raw === undefined) {
      if (fallback === undefined) throw new TextInputError(`metadata "${key}" is required`);
      return fallback;
    }
    if (!/^\d{1,10}$/.test(raw)) throw new TextInputError(`metadata "${key}" must be a whole number`);
    const n = Number(raw);
    if (n > max) throw new TextInputError(`metadata "${key}" must be at most ${max}`);
    return n;
  };
  const maxTokens = int('max_tokens', 2 ** 31 - 1);
  if (maxTokens < 1) throw new TextInputError('metadata "max_tokens" must be at least 1');
  let temperature = 0;
  if (meta.temperature !== undefined) {
    temperature = Number(meta.temperature);
    if (meta.temperature.trim() === '' || !Number.isFinite(temperature) || temperature < 0) {
      throw new TextInputError('metadata "temperature" must be a number ≥ 0');
    }
    if (temperature > MAX_TEMPERATURE) {
      throw new TextInputError(`metadata "temperature" must be at most ${MAX_TEMPERATURE}`);
    }
  }
  let stop: string[] = [];
  if (meta.stop !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(meta.stop);
    } catch {
      throw new TextInputError('metadata "stop" must be a JSON list of strings');
    }
    if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string' && s.length > 0)) {
      throw new TextInputError('metadata "stop" must be a JSON list of non-empty strings');
    }
    if (parsed.length > MAX_STOP_STRINGS) {
      throw new TextInputError(`metadata "stop" holds at most ${MAX_STOP_STRINGS} strings`);
    }
    stop = parsed as string[];
  }
  return { prompt, maxTokens, temperature, seed: int('seed', 2 ** 32 - 1, 0), stop };
}

/**
 * Whether an input file is a text-generation input (its metadata names `max_tokens`): how an `inference` job on a
 * GGUF model is told apart while the chain has no text-generation kind of its own. No ONNX input carries it.
 */
export function isTextGenerationInput(bytes: Uint8Array): boolean {
  try {
    return readSafetensors(bytes, { maxTensorBytes: 4 * 2 ** 20 }).metadata.max_tokens !== undefined;
  } catch {
    return false;
  }
}

/** Writes a text-generation input file (what `flywheel job post` and the devnet market post). */
export function writeTextGenerationInput(input: {
  prompt: string | number[];
  maxTokens: number;
  temperature?: number;
  seed?: number;
  stop?: string[];
}): Uint8Array {
  const meta: Record<string, string> = { max_tokens: String(input.maxTokens) };
  if (input.temperature !== undefined) meta.temperature = String(input.temperature);
  if (input.seed !== undefined) meta.seed = String(input.seed);
  if (input.stop?.length) meta.stop = JSON.stringify(input.stop);
  if (typeof input.prompt === 'string') {
    meta.prompt = input.prompt;
    return writeSafetensors([], meta);
  }
  const ids = Int32Array.from(input.prompt);
  return writeSafetensors([tensorOf('prompt_tokens', 'I32', [ids.length], ids)], meta);
}

export function writeTextGenerationOutput(out: TextGenerationOutput): Uint8Array {
  const tokens = Int32Array.from(out.tokens);
  const logprobs = Float32Array.from(out.logprobs);
  return writeSafetensors(
    [
      tensorOf('logprobs', 'F32', [logprobs.length], logprobs),
      tensorOf('tokens', 'I32', [tokens.length], tokens),
    ],
    { text: out.text, finish_reason: out.finishReason, prompt_tokens: String(out.promptTokens) },
  );
}

/** Reads a text-generation output (a provider's claim); throws TextInputError when it is not one. */
export function readTextGenerationOutput(bytes: Uint8Array): TextGenerationOutput {
  let file;
  try {
    file = readSafetensors(bytes);
  } catch (err) {
    throw new TextInputError(`the output is not safetensors: ${(err as Error).message}`);
  }
  const tokens = file.tensors.find((t) => t.name === 'tokens');
  const logprobs = file.tensors.find((t) => t.name === 'logprobs');
  if (!tokens || !INTEGER.test(tokens.dtype) || tokens.shape.length !== 1) {
    throw new TextInputError('the output has no 1-D integer "tokens" tensor');
  }
  if (
    !logprobs ||
    logprobs.dtype !== 'F32' ||
    logprobs.shape.length !== 1 ||
    logprobs.shape[0] !== tokens.shape[0]
  ) {
    throw new TextInputError('the output has no F32 "logprobs" tensor as long as its tokens');
  }
  const finish = file.metadata.finish_reason;
  return {
    tokens: integers(tokens),
    logprobs: Array.from(new Float32Array(logprobs.data.slice().buffer)),
    text: file.metadata.text ?? '',
    finishReason: finish === 'stop' || finish === 'eos' ? finish : 'length',
    promptTokens: Number(file.metadata.prompt_tokens ?? 0),
  };
}

export function writeRescoring(r: Rescoring): Uint8Array {
  const n = r.tokens.length;
  return writeSafetensors(
    [
      tensorOf('logprobs', 'F32', [n], Float32Array.from(r.logprobs)),
      tensorOf('ranks', 'I32', [n], Int32Array.from(r.ranks)),
      ...(r.sampleGaps ? [tensorOf('sample_gaps', 'F32', [n], Float32Array.from(r.sampleGaps))] : []),
      tensorOf('tokens', 'I32', [n], Int32Array.from(r.tokens)),
      tensorOf('top_logprobs', 'F32', [n], Float32Array.from(r.topLogprobs)),
    ],
    { greedy: r.greedy ? '1' : '0', ...(r.problem !== undefined ? { problem: r.problem } : {}) },
  );
}

/** Reads a re-scoring file (engine.rescore's output); throws TextInputError when it is not one. */
export function readRescoring(bytes: Uint8Array): Rescoring {
  let file;
  try {
    file = readSafetensors(bytes);
  } catch (err) {
    throw new TextInputError(`the re-scoring is not safetensors: ${(err as Error).message}`);
  }
  const get = (name: string, dtype: 'I32' | 'F32') => {
    const t = file.tensors.find((x) => x.name === name);
    if (!t || t.dtype !== dtype || t.shape.length !== 1) {
      throw new TextInputError(`the re-scoring has no 1-D ${dtype} "${name}" tensor`);
    }
    return dtype === 'I32' ? integers(t) : Array.from(new Float32Array(t.data.slice().buffer));
  };
  const r: Rescoring = {
    tokens: get('tokens', 'I32'),
    logprobs: get('logprobs', 'F32'),
    ranks: get('ranks', 'I32'),
    topLogprobs: get('top_logprobs', 'F32'),
    greedy: file.metadata.greedy === '1',
  };
  if (file.tensors.some((t) => t.name === 'sample_gaps')) r.sampleGaps = get('sample_gaps', 'F32');
  const n = r.tokens.length;
  if (
    r.logprobs.length !== n ||
    r.ranks.length !== n ||
    r.topLogprobs.length !== n ||
    (r.sampleGaps !== undefined && r.sampleGaps.length !== n)
  ) {
    throw new TextInputError('the re-scoring’s tensors are not all as long as its tokens');
  }
  if (file.metadata.problem !== undefined) r.problem = file.metadata.problem;
  return r;
}

const INTEGER = /^[IU](8|16|32|64)$/;

/** An integer tensor's values (64-bit ones beyond 2^53 lose bits, which every id check here then refuses). */
function integers(t: NamedTensor): number[] {
  const view = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const size = Number(t.dtype.slice(1)) / 8;
  const signed = t.dtype.startsWith('I');
  const out: number[] = [];
  for (let at = 0; at < t.data.byteLength; at += size) {
    if (size === 1) out.push(signed ? view.getInt8(at) : view.getUint8(at));
    else if (size === 2) out.push(signed ? view.getInt16(at, true) : view.getUint16(at, true));
    else if (size === 4) out.push(signed ? view.getInt32(at, true) : view.getUint32(at, true));
    else out.push(Number(signed ? view.getBigInt64(at, true) : view.getBigUint64(at, true)));
  }
  return out;
}
