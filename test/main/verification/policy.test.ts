import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/main/engine/engine';
import {
  asFloat32,
  readSafetensors,
  tensorOf,
  writeSafetensors,
  type NamedTensor,
} from '../../../src/main/engine/safetensors';
import { seededRandom } from '../../../src/main/engine/training/random';
import { buildEvidence, encodeEvidence, parseEvidence } from '../../../src/main/verification/evidence';
import { falsifyOutput } from '../../../src/main/verification/falsify';
import {
  compareLogprobs,
  compareOutputs,
  VerificationError,
  type VerificationPolicy,
} from '../../../src/main/verification/policy';
import { formatNumber, formatPercent } from '../../../src/main/verification/words';
import { policyOf } from '../../../src/shared/policy';
import { speechThenSilence, tone } from '../engine/audio';
import { cpuEngine, reference, renderTextLine } from '../engine/helpers';

/**
 * The policies applied to real outputs of the reference models (the engine runs them here): a re-run that differs
 * in the last bits passes, a wrong output fails with figures that say why.
 */
const argmax99 = policyOf({ rule: 'argmax', minAgreementBps: 9_900 });
const tolerance = policyOf({ rule: 'tolerance', maxAbsErrorE9: 100_000, maxRelErrorE9: 100_000 });
const exact = policyOf({ rule: 'exact' });
const logprob = policyOf({ rule: 'logprob', maxAbsErrorE9: 10_000_000 });

let engine: Engine;
const rec = reference('ocr-rec');
const vad = reference('vad');
/** PP-OCRv4 recognition of a rendered line, and of the same image mirrored (a real output, for another input). */
let ocr: { right: Uint8Array; mirrored: Uint8Array };
/** Silero VAD over speech, and over a tone of the same length. */
let speech: { right: Uint8Array; tone: Uint8Array };

async function run(modelHash: `0x${string}`, model: Uint8Array, input: Uint8Array): Promise<Uint8Array> {
  return (await engine.runJob({ kind: 'inference', modelHash, model, input })).output;
}

/** The image of a line (CHW, one row of pixels after another), each row mirrored left to right. */
function mirrored(input: Uint8Array): Uint8Array {
  const [x] = readSafetensors(input).tensors;
  const width = x!.shape[3]!;
  const v = asFloat32(x!);
  const out = new Float32Array(v.length);
  for (let row = 0; row < v.length / width; row++) {
    for (let i = 0; i < width; i++) out[row * width + i] = v[row * width + width - 1 - i]!;
  }
  return writeSafetensors([tensorOf('x', 'F32', x!.shape, out)]);
}

/** Every float scaled by (1 ± `relative`) and moved by ± `absolute`: what another machine's kernels give. */
function withNoise(output: Uint8Array, relative: number, absolute: number, seed = 1): Uint8Array {
  const random = seededRandom(seed);
  const tensors = readSafetensors(output).tensors.map((t): NamedTensor => {
    const v = Float32Array.from(
      asFloat32(t),
      (x) => x * (1 + relative * (2 * random() - 1)) + absolute * (2 * random() - 1),
    );
    return tensorOf(t.name, 'F32', t.shape, v);
  });
  return writeSafetensors(tensors);
}

function mapTensors(output: Uint8Array, f: (t: NamedTensor) => NamedTensor[]): Uint8Array {
  return writeSafetensors(readSafetensors(output).tensors.flatMap(f));
}

beforeAll(async () => {
  engine = cpuEngine({ maxTensorBytes: 8 * 2 ** 20 });
  const line = await renderTextLine('Flywheel 2026 GPU');
  ocr = {
    right: await run(rec.hash, rec.bytes, line),
    mirrored: await run(rec.hash, rec.bytes, mirrored(line)),
  };
  const { audio } = speechThenSilence(0.5);
  const clip = (a: Float32Array) => writeSafetensors([tensorOf('audio', 'F32', [a.length], a)]);
  speech = {
    right: await run(vad.hash, vad.bytes, clip(audio)),
    tone: await run(vad.hash, vad.bytes, clip(tone(440, audio.length / 16000).subarray(0, audio.length))),
  };
}, 60_000);
afterAll(() => engine.close());

describe('argmax (PP-OCRv4 recognition, agreement ≥ 99 %)', () => {
  it('passes a re-run that differs in the last bits', () => {
    const noisy = withNoise(ocr.right, 1e-6, 1e-9);
    const v = compareOutputs(argmax99, { bytes: noisy }, { bytes: ocr.right });
    expect(v.submittedHash).not.toBe(v.referenceHash);
    expect(v).toMatchObject({ pass: true, firstFailure: null });
    expect(v.figures.agreement).toBe(1);
    expect(v.figures.maxAbsError).toBeGreaterThan(0);
    expect(v.figures.maxAbsError).toBeLessThan(1e-5);
    expect(v.summary).toBe('agreement 100 % ≥ 99 %');
  });

  it('fails the output of another input, naming the tensor and the first row that differs', () => {
    const v = compareOutputs(argmax99, { bytes: ocr.mirrored }, { bytes: ocr.right });
    expect(v.pass).toBe(false);
    expect(v.figures.agreement).toBeLessThan(0.9);
    expect(v.figures.agreementTensor).toBe('softmax_11.tmp_0');
    expect(v.firstFailure).toMatchObject({ tensor: 'softmax_11.tmp_0' });
    expect(v.firstFailure!.submitted).not.toBe(v.firstFailure!.reference);
    const rows = readSafetensors(ocr.right).tensors[0]!.shape[1]!;
    expect(v.figures.compared).toBe(rows);
    expect(v.summary).toMatch(/^agreement \d+(\.\d)? % < 99 % \(\d+ of \d+ rows differ\)$/);
  });

  it('fails a falsified output: its leading classes swapped in most rows, still a softmax', () => {
    const wrong = falsifyOutput(ocr.right, argmax99);
    const [t] = readSafetensors(wrong).tensors;
    const width = t!.shape[2]!;
    const p = asFloat32(t!);
    expect(p.subarray(0, width).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    const v = compareOutputs(argmax99, { bytes: wrong }, { bytes: ocr.right });
    expect(v.pass).toBe(false);
    expect(v.figures.agreement).toBeLessThanOrEqual(0.4);
  });

  it('passes at a lower bar what it fails at a higher one (whole-number comparison at the edge)', () => {
    const v = compareOutputs(argmax99, { bytes: ocr.mirrored }, { bytes: ocr.right });
    const agreeingBps = Math.floor(v.figures.agreement! * 10_000);
    const low = policyOf({ rule: 'argmax', minAgreementBps: Math.max(1, agreeingBps) });
    expect(compareOutputs(low, { bytes: ocr.mirrored }, { bytes: ocr.right }).pass).toBe(true);
  });
});

describe('tolerance (Silero VAD, 1e-4 absolute or relative)', () => {
  it('passes a re-run that differs in the last bits', () => {
    const v = compareOutputs(
      tolerance,
      { bytes: withNoise(speech.right, 1e-6, 1e-7) },
      { bytes: speech.right },
    );
    expect(v.pass).toBe(true);
    expect(v.figures.failed).toBe(0);
    expect(v.figures.maxAbsError).toBeLessThan(1e-5);
    expect(v.summary).toMatch(
      /^all \d+ elements within tolerance \(max \|Δ\| .+ ≤ 1e-4, max relative Δ .+\)$/,
    );
  });

  it('fails the output of another clip, with the first element outside and both values', () => {
    const v = compareOutputs(tolerance, { bytes: speech.tone }, { bytes: speech.right });
    expect(v.pass).toBe(false);
    expect(v.figures.failed).toBeGreaterThan(0);
    expect(v.figures.maxAbsError).toBeGreaterThan(0.5);
    const [t] = readSafetensors(speech.right).tensors;
    const f = v.firstFailure!;
    expect(f.tensor).toBe('speech_prob');
    expect(f.at).toEqual([f.index]);
    expect(f.reference).toBeCloseTo(asFloat32(t!)[f.index!]!, 6);
    expect(Math.abs((f.submitted as number) - (f.reference as number))).toBeGreaterThan(1e-4);
    expect(v.summary).toMatch(
      /^\d+ of \d+ elements outside tolerance \(max \|Δ\| 0\.\d+ > 1e-4, max relative Δ .+ > 0\.01 %\)$/,
    );
  });

  it('fails a falsified output, whose probabilities stay in [0, 1]', () => {
    const wrong = falsifyOutput(speech.right, tolerance);
    expect(Array.from(asFloat32(readSafetensors(wrong).tensors[0]!)).every((x) => x >= 0 && x <= 1)).toBe(
      true,
    );
    const v = compareOutputs(tolerance, { bytes: wrong }, { bytes: speech.right });
    expect(v.pass).toBe(false);
    expect(v.figures.maxAbsError).toBeCloseTo(0.5, 5);
  });

  it('counts a NaN where the re-run has a number as infinitely far, and two NaNs as equal', () => {
    const nanAt = (bytes: Uint8Array, i: number) =>
      mapTensors(bytes, (t) => {
        const v = Float32Array.from(asFloat32(t));
        v[i] = NaN;
        return [tensorOf(t.name, t.dtype, t.shape, v)];
      });
    const v = compareOutputs(tolerance, { bytes: nanAt(speech.right, 3) }, { bytes: speech.right });
    expect(v.pass).toBe(false);
    expect(v.figures.maxAbsError).toBe(Infinity);
    expect(v.firstFailure).toMatchObject({ index: 3 });
    const both = nanAt(speech.right, 3);
    expect(compareOutputs(tolerance, { bytes: both }, { bytes: both }).pass).toBe(true);
  });
});

describe('exact', () => {
  it('passes the same bytes and fails the last bit changed, pointing at the element', () => {
    expect(compareOutputs(exact, { bytes: ocr.right }, { bytes: ocr.right })).toMatchObject({
      pass: true,
      figures: { maxAbsError: 0, failed: 0 },
    });
    const v = compareOutputs(exact, { bytes: withNoise(speech.right, 0, 1e-7) }, { bytes: speech.right });
    expect(v.pass).toBe(false);
    expect(v.firstFailure).toMatchObject({ tensor: 'speech_prob', index: 0 });
    expect(v.summary).toMatch(
      /^output hash 0x[0-9a-f]{4}…[0-9a-f]{4} ≠ the re-run’s 0x[0-9a-f]{4}…[0-9a-f]{4}; max \|Δ\| \d/,
    );
  });

  it('uses the hashes it is given', () => {
    const h = `0x${'ab'.repeat(32)}` as const;
    const v = compareOutputs(exact, { bytes: ocr.right, hash: h }, { bytes: ocr.right, hash: h });
    expect(v).toMatchObject({ pass: true, submittedHash: h, referenceHash: h });
  });
});

describe('outputs that do not have the re-run’s tensors fail clearly, under every rule', () => {
  const f64 = () =>
    mapTensors(speech.right, (t) => [tensorOf(t.name, 'F64', t.shape, Float64Array.from(asFloat32(t)))]);
  const reshaped = () => mapTensors(ocr.right, (t) => [{ ...t, shape: t.shape.slice(1) }]);
  const renamed = () => mapTensors(speech.right, (t) => [{ ...t, name: 'probabilities' }]);
  const extra = () =>
    mapTensors(speech.right, (t) => [t, tensorOf('debug', 'F32', [1], new Float32Array([1]))]);

  it.each([tolerance, argmax99, exact])('$rule', (policy) => {
    const dtype = compareOutputs(policy, { bytes: f64() }, { bytes: speech.right });
    expect(dtype.pass).toBe(false);
    // Under `exact` the hashes are the rule; the reason they differ follows.
    expect(dtype.summary).toMatch(
      /^(output hash .+ ≠ the re-run’s .+: )?tensor "speech_prob" is F64, the re-run’s is F32$/,
    );
    const shape = compareOutputs(policy, { bytes: reshaped() }, { bytes: ocr.right });
    expect(shape.pass).toBe(false);
    expect(shape.firstFailure!.reason).toMatch(
      /^tensor "softmax_11\.tmp_0" has shape \[\d+, 6625\], the re-run’s \[1, \d+, 6625\]$/,
    );
    expect(compareOutputs(policy, { bytes: renamed() }, { bytes: speech.right }).firstFailure!.reason).toBe(
      'tensor "speech_prob" is missing',
    );
    expect(compareOutputs(policy, { bytes: extra() }, { bytes: speech.right }).firstFailure!.reason).toBe(
      'tensor "debug" is not in the re-run’s output',
    );
  });
});

describe('malformed input', () => {
  it('a submitted output that is not safetensors fails, saying so', () => {
    const garbage = new TextEncoder().encode('{"not": "a tensor file"}');
    const v = compareOutputs(tolerance, { bytes: garbage }, { bytes: speech.right });
    expect(v.pass).toBe(false);
    expect(v.summary).toMatch(/^the submitted output is not a readable safetensors file: /);
    const truncated = speech.right.subarray(0, speech.right.length - 3);
    expect(compareOutputs(argmax99, { bytes: truncated }, { bytes: speech.right }).summary).toMatch(
      /not a readable safetensors file: .*(bytes|data)/,
    );
  });

  it('a re-run that cannot be read, or a policy the contract refuses, is an error: nobody can be judged', () => {
    expect(() => compareOutputs(tolerance, { bytes: speech.right }, { bytes: new Uint8Array(4) })).toThrow(
      VerificationError,
    );
    expect(() => compareOutputs(tolerance, { bytes: speech.right }, { bytes: new Uint8Array(4) })).toThrow(
      /the re-run’s output is not a readable safetensors file/,
    );
    const bad: VerificationPolicy[] = [
      policyOf({ rule: 'tolerance' }),
      policyOf({ rule: 'argmax', minAgreementBps: 10_001 }),
      policyOf({ rule: 'logprob' }),
      { ...exact, rule: 'median' as never },
      { ...tolerance, maxAbsErrorE9: 0.5 },
    ];
    for (const policy of bad) {
      expect(() => compareOutputs(policy, { bytes: speech.right }, { bytes: speech.right })).toThrow(
        VerificationError,
      );
    }
  });
});

describe('logprob (language models)', () => {
  const rescored = [
    { token: 464, logprob: -0.12 },
    { token: 2068, logprob: -2.5 },
    { token: 318, logprob: -0.003 },
  ];

  it('passes claimed logprobs within the bound and fails one off by more, naming the token', () => {
    const close = rescored.map((t) => ({ ...t, logprob: t.logprob + 0.004 }));
    expect(compareLogprobs(logprob, close, rescored)).toMatchObject({ pass: true, figures: { compared: 3 } });
    const off = rescored.map((t, i) => ({ ...t, logprob: i === 1 ? -0.2 : t.logprob }));
    const v = compareLogprobs(logprob, off, rescored);
    expect(v.pass).toBe(false);
    expect(v.firstFailure).toMatchObject({ index: 1, submitted: -0.2, reference: -2.5 });
    expect(v.summary).toBe('max |Δ logprob| 2.3 > 0.01 (1 of 3 tokens off)');
  });

  it('fails other tokens or another count', () => {
    const swapped = rescored.map((t, i) => (i === 2 ? { ...t, token: 319 } : t));
    expect(compareLogprobs(logprob, swapped, rescored).summary).toBe(
      'token 2 is 319, the re-scoring scored 318',
    );
    expect(compareLogprobs(logprob, rescored.slice(0, 2), rescored).summary).toMatch(
      /^2 tokens were claimed, the re-scoring has 3/,
    );
  });

  it('refuses malformed token lists', () => {
    expect(() => compareLogprobs(logprob, [{ token: 1, logprob: NaN }], rescored)).toThrow(VerificationError);
    expect(() => compareLogprobs(logprob, [{ token: 1.5, logprob: -1 }], rescored)).toThrow(
      /claimed token 0/,
    );
    expect(() => compareLogprobs(tolerance, rescored, rescored)).toThrow(/does not judge logprobs/);
  });

  it('reads tokens and logprobs from safetensors outputs, and a falsified one fails', () => {
    const file = (list: typeof rescored) =>
      writeSafetensors([
        tensorOf(
          'tokens',
          'I64',
          [list.length],
          BigInt64Array.from(list, (t) => BigInt(t.token)),
        ),
        tensorOf(
          'logprobs',
          'F32',
          [list.length],
          Float32Array.from(list, (t) => t.logprob),
        ),
      ]);
    const right = file(rescored);
    expect(compareOutputs(logprob, { bytes: right }, { bytes: right }).pass).toBe(true);
    expect(compareOutputs(logprob, { bytes: falsifyOutput(right, logprob) }, { bytes: right }).pass).toBe(
      false,
    );
    expect(compareOutputs(logprob, { bytes: speech.right }, { bytes: right }).summary).toBe(
      'the submitted output has no "tokens" and "logprobs" tensors',
    );
  });
});

describe('figures in words', () => {
  it('cuts figures towards the threshold instead of rounding them onto it', () => {
    expect(formatPercent(0.41239)).toBe('41.2 %');
    expect(formatPercent(0.98999)).toBe('98.9 %');
    expect(formatPercent(0.99, 2)).toBe('99 %');
    expect(formatPercent(0.9995, 2)).toBe('99.95 %');
    expect(formatNumber(1e-4)).toBe('1e-4');
    expect(formatNumber(3.16e-8)).toBe('3.2e-8');
    expect(formatNumber(0.50931)).toBe('0.509');
  });

  it('evidence survives publishing: the JSON reads back the same, an unbounded relative error included', () => {
    const v = compareOutputs(tolerance, { bytes: speech.tone }, { bytes: speech.right });
    const withZero = { ...v, figures: { ...v.figures, maxRelError: Infinity } };
    const evidence = buildEvidence(
      {
        economy: `0x${'11'.repeat(20)}`,
        jobId: 7n,
        provider: `0x${'22'.repeat(20)}`,
        challenger: `0x${'33'.repeat(20)}`,
        modelHash: vad.hash,
        inputHash: `0x${'44'.repeat(32)}`,
        submittedUri: `blob:${v.submittedHash}`,
        referenceUri: null,
      },
      withZero,
      1_700_000_000,
    );
    expect(evidence.policyText).toBe('each value within 1e-4 absolute or 1e-4 relative');
    expect(evidence.verdict.detail).toMatch(/^first at speech_prob\[\d+\]: [\d.e-]+, the re-run [\d.e-]+$/);
    expect(parseEvidence(encodeEvidence(evidence))).toEqual(evidence);
    expect(() => parseEvidence(new TextEncoder().encode('{"format":"x"}'))).toThrow(/not challenge evidence/);
    expect(() => parseEvidence(new TextEncoder().encode('nope'))).toThrow('it is not JSON');
  });
});
