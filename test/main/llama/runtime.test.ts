/**
 * Text-generation jobs on the real llama.cpp CPU backend (node-llama-cpp's prebuilt binary) with the project's
 * random-weight llama, through the engine: generation, the job's settings, progress, and every refusal.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuDevice, createEngine } from '../../../src/main/engine/engine';
import type { JobProgress } from '../../../src/main/engine/jobs';
import { readTextGenerationOutput, writeTextGenerationInput } from '../../../src/main/engine/llama/format';
import { writeGguf } from '../../../src/main/engine/llama/gguf';
import { cachedLlamaGguf, tinyLlama } from '../../../src/main/engine/llama/randomModel';
import { withLanguageModels } from '../../../src/main/engine/llama/runtime';
import { Decline } from '../../../src/shared/decline';
import { tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { keccak256, quietLog } from '../engine/helpers';
import { rejectionOf } from '../../helpers/rejection';

const dir = mkdtempSync(join(tmpdir(), 'flywheel-llama-runtime-'));
const { bytes: model } = cachedLlamaGguf(tinyLlama, dir);
const modelHash = keccak256(model);
// One CPU thread: llama.cpp's threads spin-wait for each other, which a shared 2-core machine punishes.
const engine = withLanguageModels(createEngine({ devices: [cpuDevice(1)], log: quietLog }), {
  log: quietLog,
  modelDir: join(dir, 'models'),
  limits: { maxNewTokens: 256 },
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const job = (input: Parameters<typeof writeTextGenerationInput>[0], bytes = model) => ({
  kind: 'text-generation' as const,
  modelHash: keccak256(bytes),
  model: bytes,
  input: writeTextGenerationInput(input),
});

const refused = (promise: Promise<unknown>) => rejectionOf(promise, Decline);

// Whole generations on two busy CI cores: minutes, not the default 30 s (a timed-out generation keeps its
// native threads busy into the next test).
describe('text-generation jobs on llama.cpp (CPU)', { timeout: 180_000 }, () => {
  it('generates greedily: max_tokens tokens with their logprobs and text, the same every time, with progress', async () => {
    const progress: JobProgress[] = [];
    const first = await engine.runJob(job({ prompt: 'Once upon a time', maxTokens: 48 }), {
      onProgress: (p) => progress.push(p),
    });
    const out = readTextGenerationOutput(first.output);
    expect(out.tokens).toHaveLength(48);
    expect(out.finishReason).toBe('length');
    expect(out.logprobs.every((l) => Number.isFinite(l) && l <= 0)).toBe(true);
    expect(out.text.length).toBeGreaterThan(0);
    expect(first.preview).toMatchObject({
      kind: 'text',
      text: out.text,
      tokens: 48,
      promptTokens: out.promptTokens,
      prompt: 'Once upon a time',
      maxTokens: 48,
    });
    // The job page's per-token view: each token's id and logprob as the output file has them, and its text.
    const pieces = first.preview.kind === 'text' ? first.preview.pieces! : [];
    expect(pieces.map((p) => p.token)).toEqual(out.tokens);
    expect(pieces.map((p) => p.logprob)).toEqual(out.logprobs);
    expect(pieces.every((p) => typeof p.text === 'string')).toBe(true);
    expect(first.device).toBe('cpu');
    // Progress counts tokens against max_tokens and says the speed.
    const last = progress.filter((p) => p.steps === 48).at(-1)!;
    expect(last).toMatchObject({ step: 48, steps: 48 });
    expect(last.tokensPerS).toBeGreaterThan(0);
    const again = await engine.runJob(job({ prompt: 'Once upon a time', maxTokens: 48 }));
    expect(again.outputHash).toBe(first.outputHash);
    expect(again.timings.loadMs).toBe(0); // the loaded model was kept
  });

  it('takes the prompt as token ids too', async () => {
    const text = readTextGenerationOutput((await engine.runJob(job({ prompt: 'Hi', maxTokens: 8 }))).output);
    const ids = readTextGenerationOutput(
      (await engine.runJob(job({ prompt: [1, 259, 299, 332], maxTokens: 8 }))).output,
    );
    // <s> ▁ H i is what the text prompt tokenizes to.
    expect(ids.tokens).toEqual(text.tokens);
    expect(ids.promptTokens).toBe(4);
  });

  it('samples at a temperature: the seed decides, and each logprob is the model’s own', async () => {
    const run = async (seed: number) =>
      readTextGenerationOutput(
        (await engine.runJob(job({ prompt: 'Once upon a time', maxTokens: 32, temperature: 1, seed })))
          .output,
      );
    const a = await run(1);
    expect((await run(1)).tokens).toEqual(a.tokens);
    expect((await run(2)).tokens).not.toEqual(a.tokens);
    const greedy = readTextGenerationOutput(
      (await engine.runJob(job({ prompt: 'Once upon a time', maxTokens: 32 }))).output,
    );
    expect(a.tokens).not.toEqual(greedy.tokens);
  });

  it('stops at a stop string, cutting the text before it', async () => {
    const full = readTextGenerationOutput(
      (await engine.runJob(job({ prompt: 'Once upon a time', maxTokens: 48 }))).output,
    );
    const stop = full.text.slice(10, 12);
    const cut = readTextGenerationOutput(
      (await engine.runJob(job({ prompt: 'Once upon a time', maxTokens: 48, stop: [stop] }))).output,
    );
    expect(cut.finishReason).toBe('stop');
    expect(cut.text).toBe(full.text.slice(0, full.text.indexOf(stop)));
    expect(cut.tokens.length).toBeLessThan(48);
    expect(cut.tokens).toEqual(full.tokens.slice(0, cut.tokens.length));
  });

  it('declines bad models with MODEL_INVALID: not GGUF, truncated, an architecture llama.cpp does not know', async () => {
    const notGguf = new TextEncoder().encode('<html>404 not found</html>'.repeat(4));
    expect((await refused(engine.runJob(job({ prompt: 'x', maxTokens: 1 }, notGguf)))).details).toMatch(
      /not a GGUF model: it does not start with the GGUF magic/,
    );
    const truncated = model.slice(0, model.byteLength / 2);
    const t = await refused(engine.runJob(job({ prompt: 'x', maxTokens: 1 }, truncated)));
    expect(t.reason).toBe('MODEL_INVALID');
    const unknown = writeGguf(
      [['general.architecture', { type: 'string', value: 'flywheel-net' }]],
      [{ name: 'w', dims: [4], type: 'F32', data: new Float32Array(4) }],
    );
    const u = await refused(engine.runJob(job({ prompt: 'x', maxTokens: 1 }, unknown)));
    expect(u.reason).toBe('MODEL_INVALID');
    expect(u.details).toMatch(/architecture "flywheel-net" is not one this llama.cpp runs/);
    // The worker is fine afterwards.
    expect((await engine.runJob(job({ prompt: 'x', maxTokens: 2 }))).preview.kind).toBe('text');
  });

  it('declines a prompt longer than the context and max_tokens over the cap with INPUT_TOO_LARGE', async () => {
    const long = await refused(engine.runJob(job({ prompt: 'a'.repeat(600), maxTokens: 8 })));
    expect(long.reason).toBe('INPUT_TOO_LARGE');
    expect(long.details).toMatch(/over the 512-token context/);
    const many = await refused(engine.runJob(job({ prompt: 'x', maxTokens: 300 })));
    expect(many.reason).toBe('INPUT_TOO_LARGE');
    expect(many.details).toMatch(/max_tokens 300 is over this provider's cap of 256/);
  });

  it('declines inputs it cannot read with INPUT_INVALID, and wrong hashes with their own reasons', async () => {
    const bad = async (input: Uint8Array) =>
      refused(engine.runJob({ kind: 'text-generation', modelHash, model, input }));
    expect((await bad(writeSafetensors([], { prompt: 'x' }))).details).toMatch(/"max_tokens" is required/);
    expect((await bad(writeSafetensors([], { prompt: 'x', max_tokens: '4', top_p: '0.9' }))).details).toMatch(
      /unknown metadata key\(s\): top_p/,
    );
    expect(
      (await bad(writeSafetensors([], { prompt: 'x', max_tokens: '4', temperature: '9' }))).details,
    ).toMatch(/at most 2/);
    expect(
      (await bad(writeSafetensors([], { prompt: 'x', max_tokens: '4', stop: '"\\n"' }))).details,
    ).toMatch(/JSON list/);
    const outside = writeSafetensors([tensorOf('prompt_tokens', 'I32', [2], Int32Array.from([1, 9999]))], {
      max_tokens: '4',
    });
    expect((await bad(outside)).details).toMatch(/9999 is outside the model's 354-token vocabulary/);
    expect((await bad(new Uint8Array([1, 2, 3]))).reason).toBe('INPUT_INVALID');
    const wrongHash = await refused(
      engine.runJob({ ...job({ prompt: 'x', maxTokens: 1 }), modelHash: keccak256(new Uint8Array([1])) }),
    );
    expect(wrongHash.reason).toBe('MODEL_HASH_MISMATCH');
  });

  it('stops a job past its time limit (the worker process is killed) and runs the next one', async () => {
    const err = await refused(engine.runJob(job({ prompt: 'Once', maxTokens: 256 }), { timeoutMs: 5 }));
    expect(err.reason).toBe('DEADLINE_INFEASIBLE');
    expect(engine.stats().devices.find((d) => d.id === 'cpu (llama.cpp)')).toMatchObject({ restarts: 1 });
    const next = await engine.runJob(job({ prompt: 'Once', maxTokens: 4 }));
    expect(readTextGenerationOutput(next.output).tokens).toHaveLength(4);
  });

  it('hands a large model over as a file, which the worker hashes before taking it', async () => {
    const staging = withLanguageModels(createEngine({ devices: [cpuDevice(1)], log: quietLog }), {
      log: quietLog,
      modelDir: join(dir, 'staged'),
      limits: { stageModelBytes: 0 },
    });
    try {
      const wrong = await refused(
        staging.runJob({ ...job({ prompt: 'x', maxTokens: 1 }), modelHash: keccak256(new Uint8Array([7])) }),
      );
      expect(wrong.reason).toBe('MODEL_HASH_MISMATCH');
      const ok = await staging.runJob(job({ prompt: 'Once', maxTokens: 4 }));
      expect(readTextGenerationOutput(ok.output).tokens).toHaveLength(4);
    } finally {
      await staging.close();
    }
    expect(readdirSync(join(dir, 'staged'))).toEqual([`${modelHash.slice(2)}.gguf`]);
  });

  it('runs an inference job whose input is a text-generation input on llama.cpp (the chain has no kind for it yet)', async () => {
    const asInference = { ...job({ prompt: 'Once upon a time', maxTokens: 8 }), kind: 'inference' as const };
    const result = await engine.runJob(asInference);
    expect(result.preview).toMatchObject({ kind: 'text', tokens: 8 });
    const same = await engine.runJob(job({ prompt: 'Once upon a time', maxTokens: 8 }));
    expect(result.outputHash).toBe(same.outputHash);
  });

  it('leaves other job kinds to ONNX Runtime', async () => {
    const err = await refused(
      engine.runJob({ kind: 'inference', modelHash, model, input: writeSafetensors([]) }),
    );
    expect(err.reason).toBe('MODEL_INVALID');
  });
});
