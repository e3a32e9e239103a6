/**
 * The llama.cpp worker: a child process per compute device (a native crash, a stuck backend or a job past its time
 * limit takes only this process down, and SIGKILL always works). It speaks the engine worker protocol
 * (worker/protocol.ts), so the engine's DeviceWorker queues, times, restarts and refuses for it as for ONNX Runtime:
 * `text-generation` jobs generate; a job carrying `claimed` re-scores that output instead (teacher forcing).
 *
 * Its settings come from the environment (FLYWHEEL_LLAMA, JSON: see LlamaWorkerConfig) so the protocol stays the
 * same. Models are GGUF files: bytes whose keccak256 is the job's model hash, written under `modelDir` by hash
 * (llama.cpp loads from a path) and kept loaded, with their context, for the next job.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  getLlama,
  LlamaLogLevel,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import type { Hash } from '#shared/api/define';
import { Decline } from '#shared/decline';
import { createKeccak } from 'hash-wasm';
import { createKeccak256 } from '../hash';
import { seededRandom } from '../training/random';
import { ModelBytes, connectPort, postError } from '../worker/port';
import type { ToWorker, WorkerJob } from '../worker/protocol';
import {
  parseTextGenerationInput,
  readTextGenerationOutput,
  TextInputError,
  writeRescoring,
  writeTextGenerationOutput,
  type FinishReason,
  type Rescoring,
  type TextGenerationInput,
} from './format';
import { firstLine, prebuiltLlama, promptTokenIds, readGgufModelInfo, vocabularySize } from './preflight';
import { pick, sampleGap, samplerIntervals } from './sampling';

export interface LlamaWorkerConfig {
  backend: 'cpu' | 'cuda' | 'vulkan' | 'metal';
  /** CPU threads for llama.cpp (the physical cores); 0 = llama.cpp's default. */
  threads: number;
  /** Largest context a job may use (prompt + max_tokens), whatever the model declares. */
  maxContext: number;
  /** Largest max_tokens accepted. */
  maxNewTokens: number;
  /** Tokens a batch holds while processing a prompt or a re-scoring. */
  batchSize: number;
  /** Where model files are written, by hash. */
  modelDir: string;
  /** Models kept loaded (the oldest is unloaded past it). */
  keepModels: number;
}

interface Loaded {
  hash: Hash;
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  vocabulary: number;
}

// A backend probe for the hardware report (backends.ts): load that build, list the GPUs it sees, answer, exit.
const probing = process.env.FLYWHEEL_LLAMA_PROBE;
if (probing && process.send) {
  let answer: { ok: true; gpus: string[] } | { ok: false; error: string };
  try {
    const probe = await getLlama({
      gpu: probing as 'cuda' | 'vulkan' | 'metal',
      ...prebuiltLlama(LlamaLogLevel.error),
    });
    // node-llama-cpp falls back to the CPU build when the one asked for is not usable here.
    answer =
      probe.gpu === probing
        ? { ok: true, gpus: await probe.getGpuDeviceNames() }
        : { ok: false, error: 'no usable prebuilt binary for this machine' };
  } catch (err) {
    answer = { ok: false, error: firstLine(err) };
  }
  process.send(answer, () => process.exit(0));
  await new Promise(() => {});
}

const config = JSON.parse(process.env.FLYWHEEL_LLAMA ?? '{}') as LlamaWorkerConfig;
const port = connectPort();
const keccak256 = await createKeccak256();
const loaded: Loaded[] = [];
const models = new ModelBytes(port, keccak256);
let llamaPromise: Promise<Llama> | null = null;
let created = 0;
let queue = Promise.resolve();

port.onMessage((message: ToWorker) => {
  switch (message.type) {
    case 'model':
      models.answer(message.id, message.bytes);
      return;
    case 'job':
      queue = queue.then(() => handleJob(message.id, message.job));
      return;
    case 'init':
    case 'bench':
    case 'probe':
    case 'backends':
      if ('id' in message) {
        port.post({
          type: 'failure',
          id: message.id,
          message: `the llama.cpp worker does not take ${message.type}`,
        });
      }
      return;
  }
});
port.post({ type: 'ready' });

function llama(): Promise<Llama> {
  llamaPromise ??= getLlama({
    gpu: config.backend === 'cpu' ? false : config.backend,
    ...prebuiltLlama(LlamaLogLevel.error),
    logger: (level, text) => process.stderr.write(`llama.cpp ${level}: ${text}\n`),
  });
  return llamaPromise;
}

async function handleJob(id: number, job: WorkerJob): Promise<void> {
  try {
    if (job.kind !== 'text-generation') {
      throw new Decline(
        'UNSUPPORTED_KIND',
        `the llama.cpp runtime runs text-generation jobs, not ${job.kind}`,
      );
    }
    const { entry, loadMs } = await modelFor(id, job.modelHash, job.model, job.modelFile);
    if (job.inputHash && keccak256(job.input) !== job.inputHash.toLowerCase()) {
      throw new Decline('INPUT_HASH_MISMATCH', `the input bytes do not hash to ${job.inputHash}`);
    }
    let input: TextGenerationInput;
    try {
      input = parseTextGenerationInput(job.input);
    } catch (err) {
      if (err instanceof TextInputError) throw new Decline('INPUT_INVALID', err.message);
      throw err;
    }
    const prompt = promptTokens(entry, input);
    if (input.maxTokens > config.maxNewTokens) {
      throw new Decline(
        'INPUT_TOO_LARGE',
        `max_tokens ${input.maxTokens} is over this provider's cap of ${config.maxNewTokens}`,
      );
    }
    const context = entry.context.contextSize;
    if (prompt.length + input.maxTokens > context) {
      throw new Decline(
        'INPUT_TOO_LARGE',
        `the prompt is ${prompt.length} tokens and max_tokens ${input.maxTokens}: ` +
          `${prompt.length + input.maxTokens} is over the ${context}-token context`,
      );
    }
    await entry.sequence.clearHistory();
    const started = performance.now();
    const result = job.claimed
      ? { kind: 'rescore' as const, ...(await rescore(entry, input, prompt, job.claimed)) }
      : { kind: 'generate' as const, ...(await generate(id, entry, input, prompt)) };
    const runMs = performance.now() - started;
    const outputStarted = performance.now();
    const output = result.kind === 'rescore' ? result.file : writeTextGenerationOutput(result.output);
    const outputHash = keccak256(output);
    port.post(
      {
        type: 'result',
        id,
        output,
        outputHash,
        preview:
          result.kind === 'rescore'
            ? { kind: 'tensors', tensors: [] }
            : {
                kind: 'text',
                text: result.output.text,
                tokens: result.output.tokens.length,
                finishReason: result.output.finishReason,
                promptTokens: prompt.length,
                promptTokensPerS: result.promptTokensPerS,
                tokensPerS: result.tokensPerS,
                prompt: shorten('text' in input.prompt ? input.prompt.text : entry.model.detokenize(prompt)),
                maxTokens: input.maxTokens,
                pieces: result.output.tokens.map((token, i) => ({
                  token,
                  text: entry.model.detokenize([token]),
                  // As the output file holds it (F32): the figure a validator compares.
                  logprob: Math.fround(result.output.logprobs[i]!),
                })),
              },
        timings: { loadMs, runMs, outputMs: performance.now() - outputStarted },
        cached: loaded.map((l) => l.hash),
        sessionsCreated: created,
      },
      [output.buffer as ArrayBuffer],
    );
  } catch (err) {
    report(id, err);
  }
}

function promptTokens(entry: Loaded, input: TextGenerationInput): Token[] {
  try {
    return promptTokenIds(entry.model, entry.vocabulary, input.prompt);
  } catch (err) {
    if (err instanceof TextInputError) throw new Decline('INPUT_INVALID', err.message);
    throw err;
  }
}

/** Generates: greedy from llama.cpp's argmax, or sampled here among the top tokens of the model's distribution. */
async function generate(id: number, entry: Loaded, input: TextGenerationInput, prompt: Token[]) {
  const greedy = input.temperature === 0;
  const random = seededRandom(input.seed);
  const tokens: Token[] = [];
  const logprobs: number[] = [];
  let finishReason: FinishReason = 'length';
  let text = '';
  // Temperature 0 for llama.cpp: its sampler then keeps the raw distribution (no temperature, no truncation), so
  // the confidence and probabilities it reports are the model's own — the logprobs a validator re-scores.
  const generator = entry.sequence.evaluateWithMetadata(
    prompt,
    greedy ? { confidence: true } : { probabilities: true },
    { temperature: 0, yieldEogToken: true },
  );
  const started = performance.now();
  let firstAt = 0;
  let lastPost = 0;
  try {
    let next = await generator.next();
    while (!next.done) {
      const step = next.value;
      let token = step.token;
      let logprob: number;
      if (greedy) {
        logprob = Math.log((step as unknown as { confidence: number }).confidence);
      } else {
        ({ token, logprob } = sample(
          (step as unknown as { probabilities: Map<Token, number> }).probabilities,
          input.temperature,
          random,
        ));
      }
      tokens.push(token);
      logprobs.push(logprob);
      const now = performance.now();
      firstAt ||= now;
      if (now - lastPost >= 100 || tokens.length === input.maxTokens) {
        lastPost = now;
        const rate = tokens.length > 1 ? ((tokens.length - 1) * 1000) / (now - firstAt) : undefined;
        port.post({
          type: 'progress',
          id,
          step: tokens.length,
          steps: input.maxTokens,
          ...(rate !== undefined ? { tokensPerS: rate } : {}),
        });
      }
      if (entry.model.isEogToken(token)) {
        finishReason = 'eos';
        break;
      }
      if (input.stop.length) {
        text = entry.model.detokenize(tokens);
        const cut = stopAt(text, input.stop);
        if (cut !== null) {
          text = text.slice(0, cut);
          finishReason = 'stop';
          break;
        }
      }
      if (tokens.length >= input.maxTokens) break;
      next = await generator.next(token === step.token ? undefined : token);
    }
  } finally {
    await generator.return();
  }
  const ended = performance.now();
  if (finishReason !== 'stop') text = entry.model.detokenize(tokens);
  return {
    output: { tokens, logprobs, text, finishReason, promptTokens: prompt.length },
    // The first token comes with the prompt's processing; each later one is one decode step.
    promptTokensPerS: firstAt ? (prompt.length * 1000) / (firstAt - started) : 0,
    tokensPerS: tokens.length > 1 ? ((tokens.length - 1) * 1000) / (ended - firstAt) : 0,
  };
}

/** A prompt for the job page: at most 2,000 characters. */
function shorten(text: string): string {
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/** Where the first stop string starts in `text`, or null. */
function stopAt(text: string, stop: readonly string[]): number | null {
  let cut: number | null = null;
  for (const s of stop) {
    const at = text.indexOf(s);
    if (at !== -1 && (cut === null || at < cut)) cut = at;
  }
  return cut;
}

/** Draws among the SAMPLE_TOP_K most likely tokens at `temperature` (sampling.ts); the logprob is the model's own. */
function sample(probabilities: Map<Token, number>, temperature: number, random: () => number) {
  const { token } = pick(samplerIntervals(probabilities, temperature), random());
  return { token: token as Token, logprob: Math.log(probabilities.get(token as Token)!) };
}

/**
 * Re-scores a claimed output: the prompt and the claimed tokens go through the model as batches (teacher forcing,
 * no sampling), and at each claimed token's position the model's distribution says the token's logprob, its rank
 * and the best logprob there. A claim that is not even well-formed is written down as a `problem`, not thrown: it
 * is the provider's fault, and the verdict says so.
 */
async function rescore(entry: Loaded, input: TextGenerationInput, prompt: Token[], claimedBytes: Uint8Array) {
  const greedy = input.temperature === 0;
  const empty = (problem: string) => ({ file: writeRescoringProblem(greedy, problem) });
  let claim;
  try {
    claim = readTextGenerationOutput(claimedBytes);
  } catch (err) {
    return empty((err as Error).message);
  }
  const claimed = claim.tokens as Token[];
  const problem = claimProblem(entry, input, claim, claimed);
  if (problem) return empty(problem);
  const result: Rescoring = { tokens: claimed, logprobs: [], ranks: [], topLogprobs: [], greedy };
  // A sampled job's draws, replayed: one per claimed token, as the provider drew them.
  const random = seededRandom(input.seed);
  if (!greedy) result.sampleGaps = [];
  // The distribution for claimed[i] comes from the token before it: the prompt's last token, then claimed[i−1].
  const feed = [...prompt, ...claimed.slice(0, -1)];
  const firstScored = prompt.length - 1;
  const chunk = Math.max(1, config.batchSize);
  for (let start = 0; start < feed.length; start += chunk) {
    const slice = feed.slice(start, start + chunk);
    const items = slice.map((token, j) =>
      start + j >= firstScored ? ([token, { generateNext: { probabilities: true } }] as const) : token,
    );
    const outputs = await entry.sequence.controlledEvaluate(
      items as Parameters<LlamaContextSequence['controlledEvaluate']>[0],
    );
    slice.forEach((_, j) => {
      const at = start + j;
      if (at < firstScored) return;
      const probabilities = outputs[j]?.next.probabilities;
      if (!probabilities) throw new Error(`llama.cpp gave no distribution at position ${at}`);
      const token = claimed[at - firstScored]!;
      const p = probabilities.get(token) ?? 0;
      let rank = 0;
      let top = 0;
      for (const [, q] of probabilities) {
        top ||= q;
        if (q <= p) break;
        rank++;
      }
      result.logprobs.push(Math.log(p));
      result.ranks.push(rank);
      result.topLogprobs.push(Math.log(top));
      if (result.sampleGaps) {
        result.sampleGaps.push(
          sampleGap(samplerIntervals(probabilities, input.temperature), token, random()),
        );
      }
    });
  }
  return { file: writeRescoring(result) };
}

/** What makes a claimed output impossible for this job, whatever the logprobs: null when nothing does. */
function claimProblem(
  entry: Loaded,
  input: TextGenerationInput,
  claim: ReturnType<typeof readTextGenerationOutput>,
  tokens: Token[],
): string | null {
  const n = tokens.length;
  if (n === 0) return 'the output claims no tokens';
  if (n > input.maxTokens) return `the output claims ${n} tokens, the job allows ${input.maxTokens}`;
  const outside = tokens.findIndex((t) => !Number.isInteger(t) || t < 0 || t >= entry.vocabulary);
  if (outside !== -1) return `claimed token ${outside} (${tokens[outside]}) is outside the vocabulary`;
  const eog = tokens.findIndex((t) => entry.model.isEogToken(t));
  if (eog !== -1 && eog !== n - 1) return `claimed token ${eog} ends the sequence but more tokens follow it`;
  if (claim.finishReason === 'eos' && eog !== n - 1)
    return 'the output says eos but its last token does not end the sequence';
  if (claim.finishReason === 'length' && n !== input.maxTokens && eog === -1) {
    return `the output says length with ${n} of ${input.maxTokens} tokens`;
  }
  let text = entry.model.detokenize(tokens);
  if (claim.finishReason === 'stop') {
    const cut = stopAt(text, input.stop);
    if (cut === null) return 'the output says stop but no stop string is in its text';
    text = text.slice(0, cut);
  }
  if (text !== claim.text) return 'the output’s text is not its tokens’ text';
  return null;
}

function writeRescoringProblem(greedy: boolean, problem: string): Uint8Array {
  return writeRescoring({ tokens: [], logprobs: [], ranks: [], topLogprobs: [], greedy, problem });
}

/**
 * The loaded model for a hash, or one loaded from bytes (or a file of them) that must hash to it and be a GGUF that
 * llama.cpp runs. Verified bytes are kept at `<modelDir>/<hash>.gguf`, where llama.cpp loads them from.
 */
async function modelFor(
  id: number,
  hash: Hash,
  given?: Uint8Array,
  givenFile?: string,
): Promise<{ entry: Loaded; loadMs: number }> {
  const key = hash.toLowerCase() as Hash;
  const cached = loaded.find((l) => l.hash === key);
  if (cached) return { entry: cached, loadMs: 0 };
  const started = performance.now();
  const path = join(config.modelDir, `${key.slice(2)}.gguf`);
  mkdirSync(config.modelDir, { recursive: true });
  if (givenFile) {
    const actual = await keccakFile(givenFile);
    if (actual !== key) {
      rmSync(givenFile, { force: true });
      throw new Decline('MODEL_HASH_MISMATCH', `the model bytes hash to ${actual}, the job names ${hash}`);
    }
    renameSync(givenFile, path);
  } else if (!existsSync(path) || (await keccakFile(path)) !== key) {
    const bytes = await models.get(id, hash, given);
    writeFileSync(`${path}.${process.pid}.partial`, bytes);
    renameSync(`${path}.${process.pid}.partial`, path);
  }
  const info = await readGgufModelInfo(path);
  if (!info.ok) throw new Decline('MODEL_INVALID', info.reason);
  while (loaded.length >= Math.max(1, config.keepModels)) await unload(loaded.shift()!);
  const runtime = await llama();
  let model: LlamaModel;
  try {
    model = await runtime.loadModel({ modelPath: path, gpuLayers: config.backend === 'cpu' ? 0 : 'max' });
  } catch (err) {
    const text = firstLine(err);
    if (/memory|vram|fit/i.test(text)) {
      throw new Decline('OVER_CAPACITY', `the model does not fit in this device's free memory: ${text}`);
    }
    throw new Decline('MODEL_INVALID', `llama.cpp cannot load it: ${text}`);
  }
  try {
    const contextSize = Math.min(model.trainContextSize, config.maxContext);
    const context = await model.createContext({
      contextSize,
      batchSize: Math.min(config.batchSize, contextSize),
      sequences: 1,
      ...(config.threads > 0 ? { threads: config.threads } : {}),
    });
    const vocabulary = vocabularySize(model);
    const entry: Loaded = { hash: key, model, context, sequence: context.getSequence(), vocabulary };
    loaded.push(entry);
    created++;
    return { entry, loadMs: performance.now() - started };
  } catch (err) {
    await model.dispose();
    const text = firstLine(err);
    throw new Decline(
      /memory|vram/i.test(text) ? 'OVER_CAPACITY' : 'MODEL_INVALID',
      `no context for it: ${text}`,
    );
  }
}

/** keccak256 of a file, read in 64 MiB pieces (models may be gigabytes). */
async function keccakFile(path: string): Promise<Hash> {
  const hasher = await createKeccak(256);
  hasher.init();
  const chunk = new Uint8Array(64 * 2 ** 20);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0;) hasher.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return `0x${hasher.digest('hex')}`;
}

async function unload(entry: Loaded): Promise<void> {
  await entry.context.dispose();
  await entry.model.dispose();
}

function report(id: number, err: unknown): void {
  postError(
    port,
    id,
    err,
    loaded.map((l) => l.hash),
  );
}
