import { readFileSync } from 'node:fs';
import { keccak256 as viemKeccak256 } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/main/engine/engine';
import type { JobProgress } from '../../../src/main/engine/jobs';
import { Decline } from '../../../src/shared/decline';
import { ctcDecode, parseKeys } from '../../../src/main/engine/preview/ocr';
import { packageFilePath, referenceById } from '../../../src/main/engine/references';
import { asFloat32, readSafetensors, tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { buildTrainingGraph } from '../../../src/main/engine/training/graph';
import { speechThenSilence, tone } from './audio';
import { cpuEngine, keccak256, reference, renderTextLine } from './helpers';
import { separableDataset } from './datasets';
import { rejectionOf } from '../../helpers/rejection';

let engine: Engine;
const rec = reference('ocr-rec');
const vad = reference('vad');

beforeAll(() => {
  engine = cpuEngine({ maxTensorBytes: 8 * 2 ** 20 });
});
afterAll(() => engine.close());

function vadJob(audio: Float32Array) {
  return {
    kind: 'inference' as const,
    modelHash: vad.hash,
    model: vad.bytes,
    input: writeSafetensors([tensorOf('audio', 'F32', [audio.length], audio)]),
  };
}

describe('engine on the reference models', () => {
  it('PP-OCRv4 recognition reads back a line of text we rendered', async () => {
    const input = await renderTextLine('Flywheel 2026 GPU');
    const result = await engine.runJob({ kind: 'inference', modelHash: rec.hash, model: rec.bytes, input });
    expect(result.preview).toEqual({ kind: 'ocr', text: 'Flywheel 2026 GPU' });
    // The output hash is keccak256 of the output file, as viem (and so a validator) computes it.
    expect(result.outputHash).toBe(viemKeccak256(result.output));
    const out = readSafetensors(result.output).tensors;
    expect(out.map((t) => [t.name, t.dtype, t.shape.at(-1)])).toEqual([['softmax_11.tmp_0', 'F32', 6625]]);
    // The preview stops each step's scan at a class above one half; scanning every class reads the same.
    const spec = referenceById('ocr-rec').preview;
    if (spec.kind !== 'ocr') throw new Error('ocr-rec has an OCR preview');
    const keys = parseKeys(readFileSync(packageFilePath(spec.keys), 'utf8'));
    expect(ctcDecode(asFloat32(out[0]!), out[0]!.shape, keys)[0]!.trim()).toBe('Flywheel 2026 GPU');
    // Warm: the session is cached, so a second job needs no model bytes at all.
    expect(engine.holds(rec.hash)).toBe(true);
    const again = await engine.runJob({
      kind: 'inference',
      modelHash: rec.hash,
      model: () => Promise.reject(new Error('must not be fetched')),
      input,
    });
    expect(again.outputHash).toBe(result.outputHash);
    expect(again.timings.loadMs).toBe(0);
  });

  it('Silero VAD marks the synthesized speech and not the silence after it', async () => {
    const { audio, speechS } = speechThenSilence(1.5);
    const result = await engine.runJob(vadJob(audio));
    if (result.preview.kind !== 'vad') throw new Error('expected a VAD preview');
    const { segments, durationS } = result.preview;
    expect(durationS).toBeCloseTo(audio.length / 16000, 1);
    expect(segments.length).toBeGreaterThan(0);
    const speechCovered = segments.reduce((s, g) => s + g.endS - g.startS, 0);
    expect(speechCovered).toBeGreaterThan(0.6 * speechS);
    expect(segments[0]!.startS).toBeLessThan(0.5);
    // Nothing is marked in the silence (a little hangover past the last word is allowed).
    expect(segments.at(-1)!.endS).toBeLessThan(speechS + 0.3);
  });

  it('reports a long clip’s progress frame by frame, with an ETA', async () => {
    const progress: JobProgress[] = [];
    await engine.runJob(vadJob(tone(440, 60)), { onProgress: (p) => progress.push(p) });
    const frames = Math.ceil((60 * 16_000) / 512);
    const during = progress.filter((p) => p.steps === frames && p.fraction < 1);
    expect(during.length).toBeGreaterThan(0);
    expect(during.some((p) => p.etaS !== null && p.etaS > 0)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ fraction: 1, etaS: 0 });
  });

  it('Silero VAD does not take a pure tone for speech', async () => {
    const result = await engine.runJob(vadJob(tone(440, 2)));
    expect(result.preview).toMatchObject({ kind: 'vad', segments: [] });
  });
});

describe('fine-tune jobs', () => {
  it('train a head whose loss falls on a separable dataset, with progress and a held-out evaluation', async () => {
    const model = buildTrainingGraph({ inputs: 4, hidden: [8], classes: 3, optimizer: 'adam' });
    const modelHash = keccak256(model);
    const progress: JobProgress[] = [];
    const result = await engine.runJob(
      { kind: 'fine-tune', modelHash, model, input: separableDataset({ steps: 60, lr: 0.05, seed: 7 }) },
      { onProgress: (p) => progress.push(p) },
    );
    if (result.preview.kind !== 'fine-tune') throw new Error('expected a fine-tune preview');
    const curve = result.preview.lossCurve;
    expect(curve).toHaveLength(60);
    expect(curve.at(-1)!).toBeLessThan(curve[0]! * 0.3);
    expect(result.preview.evalLoss).toBeLessThan(curve[0]! * 0.5);
    const out = readSafetensors(result.output);
    expect(out.tensors.map((t) => t.name)).toEqual([
      'eval_accuracy',
      'eval_loss',
      'loss_curve',
      'param.b0',
      'param.b1',
      'param.w0',
      'param.w1',
    ]);
    expect(new Float32Array(out.tensors[0]!.data.slice().buffer)[0]).toBeGreaterThan(0.9);
    expect(progress.at(-1)).toMatchObject({ fraction: 1 });
    expect(progress.some((p) => p.steps === 60 && p.loss !== undefined)).toBe(true);
    // Same seed, same bytes: a validator re-running the job gets the same output hash.
    const again = await engine.runJob({
      kind: 'fine-tune',
      modelHash,
      model,
      input: separableDataset({ steps: 60, lr: 0.05, seed: 7 }),
    });
    expect(again.outputHash).toBe(result.outputHash);
  });
});

describe('bad jobs are refused with their decline reason, and the engine goes on', () => {
  const refusal = async (promise: Promise<unknown>) => (await rejectionOf(promise, Decline)).reason;
  const small = buildTrainingGraph({ inputs: 2, hidden: [], classes: 2, optimizer: 'sgd' });
  const smallHash = keccak256(small);
  const goodInput = () =>
    writeSafetensors([tensorOf('x', 'F32', [1, 3, 48, 64], new Float32Array(3 * 48 * 64))]);

  it.each([
    [
      'model bytes that do not hash to the job’s hash',
      'MODEL_HASH_MISMATCH',
      () => ({ model: small, modelHash: keccak256(new Uint8Array([1, 2, 3])), input: goodInput() }),
    ],
    [
      'a truncated model',
      'MODEL_INVALID',
      () => {
        const cut = rec.bytes.slice(0, 4000);
        return { model: cut, modelHash: keccak256(cut), input: goodInput() };
      },
    ],
    [
      'bytes that are not ONNX at all',
      'MODEL_INVALID',
      () => {
        const junk = new TextEncoder().encode('definitely not a model');
        return { model: junk, modelHash: keccak256(junk), input: goodInput() };
      },
    ],
    [
      'input bytes that do not hash to the job’s input hash',
      'INPUT_HASH_MISMATCH',
      () => ({ inputHash: smallHash, input: goodInput() }),
    ],
    [
      'input that is not safetensors',
      'INPUT_INVALID',
      () => ({ input: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]) }),
    ],
    [
      'a missing input tensor',
      'INPUT_INVALID',
      () => ({ input: writeSafetensors([tensorOf('y', 'F32', [1], new Float32Array(1))]) }),
    ],
    [
      'an extra input tensor',
      'INPUT_INVALID',
      () => ({
        input: writeSafetensors([
          tensorOf('x', 'F32', [1, 3, 48, 64], new Float32Array(3 * 48 * 64)),
          tensorOf('extra', 'F32', [1], new Float32Array(1)),
        ]),
      }),
    ],
    [
      'a wrongly typed input',
      'INPUT_INVALID',
      () => ({
        input: writeSafetensors([tensorOf('x', 'I32', [1, 3, 48, 64], new Int32Array(3 * 48 * 64))]),
      }),
    ],
    [
      'a wrongly shaped input',
      'INPUT_INVALID',
      () => ({
        input: writeSafetensors([tensorOf('x', 'F32', [1, 3, 32, 64], new Float32Array(3 * 32 * 64))]),
      }),
    ],
    [
      'a tensor over the size cap',
      'INPUT_TOO_LARGE',
      () => ({
        input: writeSafetensors([tensorOf('x', 'F32', [1, 3, 48, 16384], new Float32Array(3 * 48 * 16384))]),
      }),
    ],
    ['a kind this provider does not serve', 'UNSUPPORTED_KIND', () => ({ kind: 'render' })],
    ['a model hash that is not a hash', 'MODEL_HASH_MISMATCH', () => ({ modelHash: 'model.onnx' })],
    [
      'a model that cannot be fetched',
      'FETCH_FAILED',
      () => {
        const fresh = buildTrainingGraph({ inputs: 3, hidden: [], classes: 2, optimizer: 'sgd' });
        return { modelHash: keccak256(fresh), model: () => Promise.reject(new Error('gateway timeout')) };
      },
    ],
    ['a fine-tune job whose model is not a training graph', 'MODEL_INVALID', () => ({ kind: 'fine-tune' })],
    [
      'a fine-tune dataset without hyperparameters',
      'INPUT_INVALID',
      () => ({
        kind: 'fine-tune',
        model: small,
        modelHash: smallHash,
        input: writeSafetensors([
          tensorOf('x', 'F32', [4, 2], new Float32Array(8)),
          tensorOf('y', 'I64', [4], new BigInt64Array(4)),
        ]),
      }),
    ],
  ] as const)('%s → %s', async (_, reason, patch) => {
    const job = { kind: 'inference', modelHash: rec.hash, model: rec.bytes, input: goodInput(), ...patch() };
    expect(await refusal(engine.runJob(job as never))).toBe(reason);
  });

  it('a refused job leaves the worker serving the next one', async () => {
    const result = await engine.runJob({
      kind: 'inference',
      modelHash: rec.hash,
      model: rec.bytes,
      input: goodInput(),
    });
    expect(result.outputHash).toMatch(/^0x[0-9a-f]{64}$/);
  });
});
