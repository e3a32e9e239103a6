import type { JobGeneration, JobKind } from '#shared/api/jobs';
import { isTextGenerationInput, parseTextGenerationInput } from '../engine/llama/format';
import type { JobProgress } from '../engine/jobs';

/**
 * A text-generation job's live progress for the API (JobLocal.generation): its prompt and max_tokens from the input
 * file, then tokens so far and tokens/s from the engine's progress. null for every other job.
 */
export function generationOf(kind: JobKind, input: Uint8Array): JobGeneration | null {
  if (kind === 'fine-tune' || !isTextGenerationInput(input)) return null;
  try {
    const parsed = parseTextGenerationInput(input);
    const prompt =
      'text' in parsed.prompt ? parsed.prompt.text : `token ids: ${parsed.prompt.tokens.join(' ')}`;
    return {
      prompt: prompt.length > 2000 ? `${prompt.slice(0, 2000)}…` : prompt,
      tokens: 0,
      maxTokens: parsed.maxTokens,
      tokensPerS: null,
    };
  } catch {
    // A malformed input is the engine's to refuse, with its reason; here it only means no live token count.
    return null;
  }
}

/**
 * The generation after an engine progress report, or null when the report is not about tokens (the engine's last
 * "done" report counts steps of 1, not tokens).
 */
export function advance(generation: JobGeneration, progress: JobProgress): JobGeneration | null {
  if (progress.tokensPerS === undefined && progress.step >= progress.steps) return null;
  return {
    ...generation,
    tokens: progress.step,
    maxTokens: progress.steps,
    tokensPerS: progress.tokensPerS ?? null,
  };
}
