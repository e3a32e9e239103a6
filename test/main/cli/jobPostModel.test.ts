import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelFormat } from '../../../src/main/cli/modelFormat';
import { writeTextGenerationInput } from '../../../src/main/engine/llama/format';
import { tempDir } from '../../helpers/tmp';
import { tinyInput, tinyModel } from '../../helpers/provider';
import { flywheel } from './helpers';

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
    const run = await flywheel([
      'job',
      'post',
      '--economy',
      'genesis',
      '--model',
      'README.md',
      '--input',
      input,
      '--fee',
      '2',
      '--data-dir',
      dir,
    ]);
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
      flywheel([
        'job',
        'post',
        '--economy',
        'genesis',
        '--model',
        model,
        '--input',
        input,
        '--fee',
        '1',
        '--per-token',
        '0.01',
        ...extra,
        '--data-dir',
        dir,
      ]);
    const notText = await post(image);
    expect(notText.code).toBe(1);
    expect(notText.stderr).toContain('--per-token prices a text generation, and');
    const other = await post(text, '--max-tokens', '64');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("--max-tokens 64 is not the input's max_tokens (16)");
    expect(other.stderr).toContain('give --max-tokens 16');
  });
});
