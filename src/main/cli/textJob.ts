/**
 * `flywheel job post` for a text generation: the input made from `--prompt` (or `--prompt-file`), `--max-tokens`,
 * `--temperature`, `--seed` and `--stop` (llama/format.ts), and the checks a provider would refuse the job for, made
 * here first, before anything is stored, registered or spent: a model llama.cpp runs, `max_tokens` within the cap
 * every Flywheel provider applies, and the prompt and `max_tokens` within the context a provider gives the model.
 */
import { readFileSync } from 'node:fs';
import { FlywheelError } from '#shared/errors';
import {
  MAX_STOP_STRINGS,
  MAX_TEMPERATURE,
  parseTextGenerationInput,
  TextInputError,
  writeTextGenerationInput,
  type TextGenerationInput,
} from '../engine/llama/format';
import { defaultLlamaLimits, type LlamaLimits } from '../engine/llama/runtime';

export interface TextFlags {
  prompt?: string | undefined;
  'prompt-file'?: string | undefined;
  'max-tokens'?: string | undefined;
  temperature?: string | undefined;
  seed?: string | undefined;
  stop?: string[] | undefined;
}

type Caps = Pick<LlamaLimits, 'maxContext' | 'maxNewTokens'>;

const bad = (message: string, action?: string) =>
  new FlywheelError(message, { code: 'BAD_INPUT', ...(action ? { action } : {}) });

/**
 * The text-generation input the flags make, or null without --prompt / --prompt-file (a prepared --input file then
 * carries its own settings, so --temperature, --seed and --stop are refused).
 */
export function textInputFromFlags(
  values: TextFlags & { input?: string | undefined },
  caps: Caps = defaultLlamaLimits,
): { bytes: Uint8Array; input: TextGenerationInput } | null {
  const given = values.prompt !== undefined || values['prompt-file'] !== undefined;
  if (!given) {
    for (const flag of ['temperature', 'seed', 'stop'] as const) {
      if (values[flag] !== undefined) {
        throw bad(
          `--${flag} goes with --prompt.`,
          `With --input, the input file carries its own (metadata "${flag}"); or give the prompt with --prompt.`,
        );
      }
    }
    return null;
  }
  if (values.prompt !== undefined && values['prompt-file'] !== undefined)
    throw bad('Give the prompt with --prompt or with --prompt-file, not both.');
  if (values.input !== undefined) {
    throw bad(
      '--prompt makes the job’s input: leave out --input.',
      'Give either --prompt (with --max-tokens) or a prepared text-generation input with --input.',
    );
  }
  const prompt = values.prompt ?? readPromptFile(values['prompt-file']!);
  if (prompt.length === 0) throw bad('The prompt is empty.', 'Give the text to continue with --prompt "…".');

  if (values['max-tokens'] === undefined) {
    throw bad(
      '--max-tokens is required with --prompt: the most tokens the model may generate.',
      `Add --max-tokens <n>, 1 to ${caps.maxNewTokens}; with --per-token, the job escrows that many tokens.`,
    );
  }
  const maxTokens = maxTokensFlag(values['max-tokens'], caps);
  let temperature: number | undefined;
  if (values.temperature !== undefined) {
    temperature = Number(values.temperature);
    if (
      values.temperature.trim() === '' ||
      !Number.isFinite(temperature) ||
      temperature < 0 ||
      temperature > MAX_TEMPERATURE
    ) {
      throw bad(
        `--temperature must be a number from 0 (greedy: always the likeliest token) to ${MAX_TEMPERATURE}, not "${values.temperature}".`,
      );
    }
  }
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!/^\d{1,10}$/.test(values.seed) || seed > 2 ** 32 - 1)
      throw bad(`--seed must be a whole number from 0 to 4294967295, not "${values.seed}".`);
  }
  const stop = values.stop ?? [];
  if (stop.length > MAX_STOP_STRINGS)
    throw bad(`--stop is given ${stop.length} times; a job takes at most ${MAX_STOP_STRINGS} stop strings.`);
  if (stop.some((s) => s.length === 0))
    throw bad("--stop takes a non-empty string (in bash, $'\\n' is a newline).");

  const bytes = writeTextGenerationInput({
    prompt,
    maxTokens,
    ...(temperature !== undefined ? { temperature } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(stop.length ? { stop } : {}),
  });
  // Read back as a provider reads it: what is posted is what was checked.
  return { bytes, input: parseTextGenerationInput(bytes) };
}

/** --max-tokens as a number: a whole number from 1 to the providers' cap. */
export function maxTokensFlag(text: string, caps: Caps = defaultLlamaLimits): number {
  const n = Number(text);
  if (!/^\d{1,10}$/.test(text) || n < 1) {
    throw bad(`--max-tokens must be a whole number of tokens, at least 1, not "${text}".`);
  }
  checkMaxTokens(n, '--max-tokens', caps);
  return n;
}

/** Refuses a max_tokens over the cap every Flywheel provider applies (they would all decline the job). */
export function checkMaxTokens(maxTokens: number, what: string, caps: Caps = defaultLlamaLimits): void {
  if (maxTokens > caps.maxNewTokens) {
    throw bad(
      `${what} ${maxTokens} is over the cap of ${caps.maxNewTokens} tokens a job: every provider would decline it.`,
      `Ask for at most ${caps.maxNewTokens} tokens, and split longer texts into several jobs.`,
    );
  }
}

function readPromptFile(path: string): string {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new FlywheelError(`Cannot read the prompt file ${path}.`, { code: 'BAD_INPUT', cause: err });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw bad(`${path} is not UTF-8 text.`, 'Give --prompt-file a text file (UTF-8).');
  }
}

export interface TextJobFit {
  architecture: string;
  /** The context a provider gives the model: what it declares, at most the providers' cap. */
  contextSize: number;
  promptTokens: number;
}

/**
 * The model at `path` checked as a provider's llama.cpp would check it, and the prompt counted with its tokenizer:
 * refused with what to change when llama.cpp would not run the model, or the prompt and max_tokens do not fit.
 */
export async function checkTextJob(
  path: string,
  input: TextGenerationInput,
  caps: Caps = defaultLlamaLimits,
): Promise<TextJobFit> {
  checkMaxTokens(input.maxTokens, 'max_tokens', caps);
  // node-llama-cpp only when a GGUF is posted: the other commands do not load it.
  const { countPromptTokens, readGgufModelInfo, firstLine } = await import('../engine/llama/preflight');
  const info = await readGgufModelInfo(path);
  if (!info.ok) {
    throw bad(
      `${path} is not a model llama.cpp can run: ${info.reason}.`,
      'Give --model a complete GGUF file of an architecture llama.cpp knows (llama, qwen2, mistral, …).',
    );
  }
  let promptTokens: number;
  try {
    promptTokens = await countPromptTokens(path, input.prompt);
  } catch (err) {
    if (err instanceof TextInputError) throw bad(`The prompt does not fit ${path}: ${err.message}.`);
    throw bad(
      `llama.cpp cannot load ${path} (${firstLine(err)}).`,
      'Give --model a complete GGUF file: a download cut short is refused by every provider too.',
    );
  }
  const contextSize = Math.min(info.contextLength ?? caps.maxContext, caps.maxContext);
  if (promptTokens + input.maxTokens > contextSize) {
    const room = contextSize - promptTokens;
    const promptRoom = contextSize - input.maxTokens;
    throw bad(
      `The prompt is ${promptTokens} tokens and max_tokens ${input.maxTokens}: ${promptTokens + input.maxTokens} ` +
        `is over the model's ${contextSize}-token context, so every provider would decline the job.`,
      room >= 1
        ? `Lower max_tokens to at most ${room}` +
            (promptRoom >= 1 ? `, or shorten the prompt to at most ${promptRoom} tokens.` : '.')
        : `Shorten the prompt to under ${contextSize} tokens, leaving room for the tokens to generate.`,
    );
  }
  return { architecture: info.architecture, contextSize, promptTokens };
}
