/**
 * The suite's language-model tests: prompt-processing and generation tokens/s on the device's llama.cpp backend,
 * each measured through the engine as a text-generation job (its worker, its llama.cpp settings, each token's
 * logprob), so a figure is what a job gets.
 *
 * Two of the project's random-weight llamas (engine/llama/randomModel.ts; random weights cost what trained ones do
 * per token): the 2 MB one the devnet serves and a 90 M-parameter one of 175 MB. A token's cost on a model of M bytes
 * is taken as `a + b·M`: a part that does not grow with the model (the step through llama.cpp and node-llama-cpp,
 * the sampler, the logprob) and reading the weights (memory bandwidth for generation, arithmetic for the prompt,
 * both in proportion to the weights). The small model measures the first, the larger one the second; a job's run
 * time is predicted for its model's size on that line (`languageModelMs`, engine/router.ts). Checked against a
 * 0.92 B-parameter llama in `npm run bench -- llm` (the prediction's ratio to the measured run is a figure there).
 */
import type { BenchmarkFigure, BenchmarkMode } from '#shared/api/benchmark';
import type { ExecutionProviderName } from '#shared/api/hardware';
import { readFile } from 'node:fs/promises';
import type { Engine } from '../engine/engine';
import { LANGUAGE_FIGURES } from '../engine/router';
import { benchModelFile, type BenchModelName, type ModelFile } from '../engine/llama/benchModels';
import { writeTextGenerationInput } from '../engine/llama/format';
import { fastestWindow, timingSettled } from '../engine/timing';

export interface LanguageStep {
  /** The suite step (what `only` names and progress shows). */
  id: string;
  label: string;
  model: BenchModelName;
  /** Figure ids: prompt tokens/s and generation tokens/s. */
  prompt: string;
  generation: string;
}

export const LANGUAGE_STEPS: readonly LanguageStep[] = [
  {
    id: 'llm-small',
    label: 'Language model (2 MB llama)',
    model: 'tiny',
    ...LANGUAGE_FIGURES.small,
  },
  {
    id: 'llm',
    label: 'Language model (90 M llama, 175 MB)',
    model: 'bench',
    ...LANGUAGE_FIGURES.large,
  },
];

/** Each run is one job: a prompt of fixed token ids, then greedy generation. */
export const LANGUAGE_SETTINGS = {
  quick: {
    promptTokens: 128,
    generate: 32,
    warmup: 1,
    minRepeats: 3,
    maxRepeats: 6,
    targetCv: 0.05,
    maxMs: 8000,
  },
  full: {
    promptTokens: 256,
    generate: 64,
    warmup: 2,
    minRepeats: 5,
    maxRepeats: 12,
    targetCv: 0.03,
    maxMs: 30_000,
  },
} as const;

export interface LanguageOutcome {
  /** The device the jobs ran on. */
  device: { id: string; executionProvider: ExecutionProviderName };
  /** Tokens/s as measured (the suite rounds them as it rounds every figure). */
  figures: BenchmarkFigure[];
  /** ms per token of each figure. */
  msPerToken: Record<string, number>;
  /** The model's file size, per figure. */
  modelBytes: Record<string, number>;
}

/**
 * Times one model on a device. Skipped, with the reason, when the device runs no language model (no llama.cpp
 * backend: the engine declines the kind) or the model cannot run there; the device then has no language figures.
 */
export async function timeLanguageModel(
  step: LanguageStep,
  options: { engine: Engine; device?: string; mode: BenchmarkMode; modelDir: string },
): Promise<LanguageOutcome | { skipped: string }> {
  const settings = LANGUAGE_SETTINGS[options.mode];
  let file: ModelFile;
  try {
    file = await benchModelFile(step.model, options.modelDir);
  } catch (err) {
    return { skipped: (err as Error).message };
  }
  // Token ids every llama vocabulary of the project has (the tiny one has 354): printable pieces.
  const prompt = Array.from({ length: settings.promptTokens }, (_, i) => 259 + ((i * 37) % 95));
  const input = writeTextGenerationInput({ prompt, maxTokens: settings.generate, temperature: 0 });
  const run = async () => {
    const result = await options.engine.runJob(
      {
        kind: 'text-generation',
        modelHash: file.hash,
        model: () => readFile(file.path).then((b) => new Uint8Array(b)),
        modelFile: file.path,
        input,
      },
      options.device === undefined ? {} : { device: options.device },
    );
    const p = result.preview;
    if (p.kind !== 'text' || p.tokens < 2 || !(p.promptTokensPerS > 0) || !(p.tokensPerS > 0)) {
      throw new Error('the language-model test produced no timing');
    }
    device = { id: result.device, executionProvider: result.executionProvider };
    return { promptMs: 1000 / p.promptTokensPerS, generationMs: 1000 / p.tokensPerS };
  };
  let device: LanguageOutcome['device'] | null = null;
  const promptRuns: number[][] = [];
  const generationRuns: number[][] = [];
  try {
    for (let i = 0; i < settings.warmup; i++) await run();
    const started = performance.now();
    while (promptRuns.length < settings.maxRepeats) {
      const { promptMs, generationMs } = await run();
      promptRuns.push([promptMs]);
      generationRuns.push([generationMs]);
      if (promptRuns.length < settings.minRepeats) continue;
      const settled =
        timingSettled(promptRuns, settings.minRepeats, settings.targetCv) &&
        timingSettled(generationRuns, settings.minRepeats, settings.targetCv);
      if (settled || performance.now() - started > settings.maxMs) break;
    }
  } catch (err) {
    return { skipped: (err as Error).message };
  }
  const figures: BenchmarkFigure[] = [];
  const msPerToken: Record<string, number> = {};
  const modelBytes: Record<string, number> = {};
  const size = step.model === 'tiny' ? '2 MB' : '90 M';
  for (const [id, runs, what] of [
    [step.prompt, promptRuns, `prompt (${size} llama, ${settings.promptTokens} tokens)`],
    [step.generation, generationRuns, `generation (${size} llama)`],
  ] as const) {
    const { ms, cvPct } = fastestWindow(runs, settings.minRepeats, settings.targetCv);
    msPerToken[id] = ms;
    modelBytes[id] = file.bytes;
    figures.push({
      id,
      label: `Language model ${what}`,
      value: 1000 / ms,
      unit: 'tok/s',
      spreadPct: Math.round(cvPct * 100) / 100,
      repeats: runs.length,
    });
  }
  return { device: device!, figures, msPerToken, modelBytes };
}
