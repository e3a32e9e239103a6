/**
 * A text-generation job's live progress for the API (jobs/generation.ts): the prompt and max_tokens read from a real
 * input file, then tokens so far and tokens/s from the engine's progress reports.
 */
import { describe, expect, it } from 'vitest';
import { writeTextGenerationInput } from '../../../src/main/engine/llama/format';
import { tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { advance, generationOf } from '../../../src/main/jobs/generation';

describe('generationOf / advance', () => {
  it('reads the prompt and max_tokens of a text-generation input, with no tokens yet', () => {
    const input = writeTextGenerationInput({ prompt: 'Once upon a time', maxTokens: 24 });
    expect(generationOf('inference', input)).toEqual({
      prompt: 'Once upon a time',
      tokens: 0,
      maxTokens: 24,
      tokensPerS: null,
    });
  });

  it('shows a token-id prompt as its ids and shortens a long prompt', () => {
    expect(
      generationOf('inference', writeTextGenerationInput({ prompt: [1, 259, 299], maxTokens: 4 }))?.prompt,
    ).toBe('token ids: 1 259 299');
    const long = generationOf(
      'inference',
      writeTextGenerationInput({ prompt: 'a'.repeat(5000), maxTokens: 4 }),
    );
    expect(long?.prompt).toBe(`${'a'.repeat(2000)}…`);
  });

  it('is null for other jobs: an ONNX input, a fine-tune, bytes that are no file at all', () => {
    const onnx = writeSafetensors([tensorOf('x', 'F32', [1, 2], new Float32Array([1, 2]))]);
    expect(generationOf('inference', onnx)).toBeNull();
    expect(generationOf('fine-tune', writeTextGenerationInput({ prompt: 'x', maxTokens: 2 }))).toBeNull();
    expect(generationOf('inference', new Uint8Array([1, 2, 3]))).toBeNull();
  });

  it('advances with the engine’s token reports and ignores its final one-step "done"', () => {
    const start = generationOf('inference', writeTextGenerationInput({ prompt: 'Hi', maxTokens: 24 }))!;
    expect(advance(start, { step: 1, steps: 24, fraction: 1 / 24, etaS: null })).toEqual({
      ...start,
      tokens: 1,
      tokensPerS: null,
    });
    expect(advance(start, { step: 12, steps: 24, fraction: 0.5, etaS: 1.5, tokensPerS: 8 })).toEqual({
      ...start,
      tokens: 12,
      tokensPerS: 8,
    });
    expect(advance(start, { step: 1, steps: 1, fraction: 1, etaS: 0 })).toBeNull();
  });
});
