/**
 * What can be known of a text-generation job before a provider runs it, shared by the llama.cpp worker (which refuses
 * a job for these reasons) and `flywheel job post` (which says them before anything is stored or spent): whether a
 * file is a GGUF model this llama.cpp runs — its header and architecture, read by node-llama-cpp without the weights —
 * the context it declares, and a prompt's tokens under the model's own tokenizer.
 *
 * ```ts
 * const info = await readGgufModelInfo('my.gguf'); // { ok: true, architecture: 'llama', contextLength: 512 }
 * const promptTokens = await countPromptTokens('my.gguf', { text: 'Once upon a time' }); // BOS included
 * ```
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { LlamaLogLevel, LlamaModel, Token } from 'node-llama-cpp';
import { TextInputError, type TextGenerationInput } from './format';
import { ggufHeader } from './gguf';

/**
 * node-llama-cpp, loaded on first use rather than with this module: loading it registers signal-exit's SIGINT
 * handler, which kills a process on Ctrl-C before its own handler can stop it cleanly (a CLI bundle hoists static
 * imports of an external package to its top, so every command would have paid for it).
 */
const llamaCpp = () => import('node-llama-cpp');

/**
 * getLlama's options for llama.cpp as the node runs it: the prebuilt binaries from the npm registry only (never
 * downloaded or compiled here, least of all on a provider), with no progress output and only errors logged. The
 * caller passes node-llama-cpp's `LlamaLogLevel.error`: this module loads node-llama-cpp only when first used.
 */
export function prebuiltLlama(errorLevel: LlamaLogLevel.error) {
  return { build: 'never', skipDownload: true, progressLogs: false, logLevel: errorLevel } as const;
}

/** The architectures this llama.cpp knows (a const enum in node-llama-cpp's types, a plain object at run time). */
export async function knownArchitectures(): Promise<readonly string[]> {
  const { GgufArchitectureType } = (await llamaCpp()) as unknown as {
    GgufArchitectureType: Record<string, string>;
  };
  return Object.values(GgufArchitectureType);
}

export type GgufModelInfo =
  | {
      ok: true;
      architecture: string;
      /** The context the model declares (`<architecture>.context_length`), null when it declares none. */
      contextLength: number | null;
    }
  | { ok: false; reason: string };

/** A GGUF file's header, architecture and declared context, or why llama.cpp would not load it. */
export async function readGgufModelInfo(path: string): Promise<GgufModelInfo> {
  const head = new Uint8Array(24);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, head, 0, 24, 0);
  } finally {
    closeSync(fd);
  }
  const header = ggufHeader(head.subarray(0, read));
  if (!header.ok) return { ok: false, reason: `not a GGUF model: ${header.reason}` };
  let info;
  try {
    info = await (await llamaCpp()).readGgufFileInfo(path, { readTensorInfo: false, logWarnings: false });
  } catch (err) {
    return { ok: false, reason: `its GGUF header cannot be read: ${firstLine(err)}` };
  }
  const architecture = (info.metadata as { general?: { architecture?: string } }).general?.architecture;
  if (!architecture || !(await knownArchitectures()).includes(architecture)) {
    return {
      ok: false,
      reason: `its architecture ${JSON.stringify(architecture ?? null)} is not one this llama.cpp runs`,
    };
  }
  const declared = (info.architectureMetadata as { context_length?: unknown } | undefined)?.context_length;
  return {
    ok: true,
    architecture,
    contextLength: typeof declared === 'number' && declared > 0 ? declared : null,
  };
}

/**
 * The tokens a prompt is for this model: its text tokenized with the beginning-of-sequence token first where the
 * model wants one, or its token ids as given (each inside the vocabulary of `vocabulary` tokens, else TextInputError).
 */
export function promptTokenIds(
  model: LlamaModel,
  vocabulary: number,
  prompt: TextGenerationInput['prompt'],
): Token[] {
  if ('tokens' in prompt) {
    const bad = prompt.tokens.find((t) => t >= vocabulary);
    if (bad !== undefined) {
      throw new TextInputError(`prompt token ${bad} is outside the model's ${vocabulary}-token vocabulary`);
    }
    return prompt.tokens as Token[];
  }
  const bos = model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? [model.tokens.bos] : [];
  return [...bos, ...model.tokenize(prompt.text)];
}

/** How many tokens the model has. */
export function vocabularySize(model: LlamaModel): number {
  let n = 0;
  for (const _ of model.iterateAllTokens()) n++;
  return n;
}

/**
 * How many tokens a prompt is for the GGUF model at `path`, counted with llama.cpp's CPU build and the model's
 * vocabulary alone (no weights are loaded). Throws TextInputError for token ids outside the vocabulary, and an Error
 * when llama.cpp cannot read the vocabulary.
 */
export async function countPromptTokens(
  path: string,
  prompt: TextGenerationInput['prompt'],
): Promise<number> {
  const { getLlama, LlamaLogLevel } = await llamaCpp();
  const llama = await getLlama({
    gpu: false,
    ...prebuiltLlama(LlamaLogLevel.error),
    logger: () => undefined,
  });
  try {
    const model = await llama.loadModel({ modelPath: path, vocabOnly: true });
    try {
      return promptTokenIds(model, vocabularySize(model), prompt).length;
    } finally {
      await model.dispose();
    }
  } finally {
    await llama.dispose();
  }
}

/** An error's first line, at most 300 characters (what a refusal or a message quotes of it). */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 300);
}
