import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelFormat } from '../../../src/main/cli/modelFormat';
import { writeTextGenerationInput } from '../../../src/main/engine/llama/format';
import { makeLlamaGguf, tinyLlama } from '../../../src/main/engine/llama/randomModel';
import { defaultLlamaLimits } from '../../../src/main/engine/llama/runtime';
import { tempDir } from '../../helpers/tmp';
import { tinyInput, tinyModel } from '../../helpers/provider';
import { textInputFromFlags, type TextFlags } from '../../../src/main/cli/textJob';
import { flywheel, jobPost } from './helpers';

describe('flywheel job post checks the model file first', { timeout: 60_000 }, () => {
  const { dir, cleanup } = tempDir('flywheel-job-model-');
  afterAll(cleanup);

  it('tells ONNX and GGUF from anything else', () => {
    expect(modelFormat(tinyModel())).toBe('onnx');
    const gguf = new Uint8Array([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, 0, 0, 0, 0]);
    expect(modelFormat(gguf)).toBe('gguf');
    expect(modelFormat(new TextEncoder().encode('# Flywheel\n\nA README, not a model.\n'))).toBeNull();
    expect(modelFormat(new Uint8Array())).toBeNull();
    expect(modelFormat(tinyInput(1))).toBeNull(); // a safetensors file is not a model
  });

  it('refuses README.md as a model before storing or registering anything, and says what it is', async () => {
    const input = join(dir, 'x.safetensors');
    writeFileSync(input, tinyInput(1));
    const run = await flywheel(
      jobPost({ dataDir: dir, economy: 'genesis', model: 'README.md', input, fee: '2' }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('README.md is not an ONNX or GGUF model.');
    expect(run.stderr).toContain('Give --model an .onnx file (an ONNX graph) or a .gguf file');
    // It stopped before looking for a network: no devnet was needed to say so.
    expect(run.stderr).not.toMatch(/devnet is not running/i);
  });

  it('prices only a text generation per token, for at most the input’s max_tokens', async () => {
    const model = join(dir, 'm.gguf');
    writeFileSync(model, new Uint8Array([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, 0, 0, 0, 0]));
    const image = join(dir, 'image.safetensors');
    writeFileSync(image, tinyInput(1));
    const text = join(dir, 'text.safetensors');
    writeFileSync(text, writeTextGenerationInput({ prompt: 'Once upon a time', maxTokens: 16 }));
    const post = (input: string, ...extra: string[]) =>
      flywheel(
        jobPost(
          { dataDir: dir, economy: 'genesis', model, input, fee: '1' },
          '--per-token',
          '0.01',
          ...extra,
        ),
      );
    const notText = await post(image);
    expect(notText.code).toBe(1);
    expect(notText.stderr).toContain('--per-token prices a text generation, and');
    const other = await post(text, '--max-tokens', '64');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("--max-tokens 64 is not the input's max_tokens (16)");
    expect(other.stderr).toContain('give --max-tokens 16');
  });

  // Five CLI processes at once, three of them loading llama.cpp: half a minute on two loaded cores, more under load.
  it('refuses a text generation every provider would decline, before it looks for a network', async () => {
    const llama = join(dir, 'tiny.gguf');
    writeFileSync(llama, makeLlamaGguf(tinyLlama));
    const onnx = join(dir, 'affine.onnx');
    writeFileSync(onnx, tinyModel());
    const post = (model: string, ...extra: string[]) =>
      flywheel(jobPost({ dataDir: dir, economy: 'genesis', model, fee: '1' }, ...extra));
    const reachedNetwork = /devnet is not running/i;
    const cap = defaultLlamaLimits.maxNewTokens;

    const [text, graph, over, long, fits] = await Promise.all([
      // Not a GGUF model: a text file, and an ONNX graph (a text generation runs on llama.cpp).
      post('README.md', '--prompt', 'Once upon a time', '--max-tokens', '16'),
      post(onnx, '--prompt', 'Once upon a time', '--max-tokens', '16'),
      // max_tokens over the cap every provider applies.
      post(llama, '--prompt', 'Once upon a time', '--max-tokens', String(cap + 1)),
      // A prompt longer than the model's context, counted with its own tokenizer.
      post(llama, '--prompt', 'Once upon a time. '.repeat(40), '--max-tokens', '16'),
      // A job that fits passes every check and only then looks for the network.
      post(llama, '--prompt', 'Once upon a time', '--max-tokens', '16', '--per-token', '0.01'),
    ]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('README.md is not an ONNX or GGUF model.');
    expect(graph.code).toBe(1);
    expect(graph.stderr).toContain(`A text generation runs a GGUF model (llama.cpp), and ${onnx} is ONNX.`);
    expect(over.code).toBe(1);
    expect(over.stderr).toContain(`--max-tokens ${cap + 1} is over the cap of ${cap} tokens a job`);
    expect(over.stderr).toContain(`Ask for at most ${cap} tokens`);
    expect(long.code).toBe(1);
    const m =
      /The prompt is (\d+) tokens and max_tokens 16: (\d+) is over the model's (\d+)-token context/.exec(
        long.stderr,
      );
    expect(m, long.stderr).not.toBeNull();
    expect(Number(m![3])).toBe(tinyLlama.context);
    expect(Number(m![1])).toBeGreaterThan(tinyLlama.context - 16);
    expect(long.stderr).toMatch(/Lower max_tokens to at most \d+|Shorten the prompt/);
    for (const run of [text, graph, over, long]) expect(run.stderr).not.toMatch(reachedNetwork);
    expect(fits.code).toBe(1);
    expect(fits.stderr).toMatch(reachedNetwork);
  }, 120_000);

  it('names each text-generation flag a user gets wrong', () => {
    const flags = (values: TextFlags & { input?: string }) => () => textInputFromFlags(values);
    expect(flags({ prompt: 'Hi' })).toThrow('--max-tokens is required with --prompt');
    expect(flags({ prompt: 'Hi', 'max-tokens': '0' })).toThrow(
      '--max-tokens must be a whole number of tokens',
    );
    expect(flags({ prompt: 'Hi', 'max-tokens': '16', temperature: 'warm' })).toThrow(
      '--temperature must be a number from 0',
    );
    expect(flags({ prompt: 'Hi', 'max-tokens': '16', seed: '-1' })).toThrow('--seed must be a whole number');
    expect(flags({ prompt: 'Hi', 'max-tokens': '16', stop: ['a', 'b', 'c', 'd', 'e'] })).toThrow(
      'at most 4 stop strings',
    );
    expect(flags({ prompt: '', 'max-tokens': '16' })).toThrow('The prompt is empty.');
    expect(flags({ prompt: 'Hi', input: 'x.safetensors', 'max-tokens': '16' })).toThrow('leave out --input');
    expect(flags({ input: 'x.safetensors', seed: '1' })).toThrow('--seed goes with --prompt.');
    // What the flags make is what a provider reads.
    const made = textInputFromFlags({
      prompt: 'Hi',
      'max-tokens': '16',
      temperature: '0.5',
      seed: '7',
      stop: ['.'],
    });
    expect(made!.input).toEqual({
      prompt: { text: 'Hi' },
      maxTokens: 16,
      temperature: 0.5,
      seed: 7,
      stop: ['.'],
    });
  });
});
