import { describe, expect, it } from 'vitest';
import { pseudoRandom } from '../../../src/main/engine/onnx/models';
import { ctcDecode, parseKeys } from '../../../src/main/engine/preview/ocr';
import { speechSegments } from '../../../src/main/engine/preview/vad';
import { packageFilePath, referenceByHash, referenceModels } from '../../../src/main/engine/references';
import { verificationRules } from '../../../src/shared/policy';
import { readFileSync } from 'node:fs';
import { keccak256, reference } from './helpers';

describe('reference workloads', () => {
  it.each(referenceModels.map((m) => [m.id, m] as const))(
    '%s comes from its npm package with the pinned hash',
    (id, model) => {
      const { bytes, hash } = reference(id);
      expect(bytes.byteLength).toBe(model.bytes);
      expect(keccak256(bytes)).toBe(hash);
      expect(referenceByHash(hash.toUpperCase().replace('0X', '0x'))?.id).toBe(id);
    },
  );

  it('registers each model with the verification policy its output allows', () => {
    const policy = (id: string) => referenceModels.find((m) => m.id === id)!.verification;
    // CTC steps are classified: the argmax of each row is what the text decodes from, so it must agree.
    expect(policy('ocr-rec')).toEqual({
      rule: 'argmax',
      maxAbsErrorE9: 0,
      maxRelErrorE9: 0,
      minAgreementBps: 9900,
    });
    // Probability maps are used as values (thresholds, boxes): every value within 1e-4.
    for (const id of ['ocr-det', 'vad']) {
      expect(policy(id)).toEqual({
        rule: 'tolerance',
        maxAbsErrorE9: 100_000,
        maxRelErrorE9: 100_000,
        minAgreementBps: 0,
      });
    }
    for (const m of referenceModels) {
      expect(verificationRules).toContain(m.verification.rule);
      // The contract's bounds (EconomyModule._checkPolicy) and field widths (uint32, uint16).
      if (m.verification.rule === 'tolerance') {
        expect(m.verification.maxAbsErrorE9 + m.verification.maxRelErrorE9).toBeGreaterThan(0);
      }
      if (m.verification.rule === 'argmax') {
        expect(m.verification.minAgreementBps).toBeGreaterThan(0);
        expect(m.verification.minAgreementBps).toBeLessThanOrEqual(10_000);
      }
      expect(m.verification.maxAbsErrorE9).toBeLessThan(2 ** 32);
      expect(m.verification.maxRelErrorE9).toBeLessThan(2 ** 32);
    }
  });

  it('the OCR dictionary is the pinned one and fits the model’s 6625 classes', () => {
    const keys = referenceModels.find((m) => m.id === 'ocr-rec')!.preview;
    if (keys.kind !== 'ocr') throw new Error('ocr-rec has an OCR preview');
    const text = readFileSync(packageFilePath(keys.keys));
    expect(keccak256(text)).toBe(keys.keys.keccak256);
    expect(parseKeys(text.toString('utf8')).length + 2).toBe(6625);
  });
});

describe('output previews', () => {
  it('CTC-decodes: best class per step, repeats collapsed, blanks dropped, last class a space', () => {
    const keys = ['a', 'b'];
    const steps = [1, 1, 0, 1, 3, 2, 2]; // a a _ a ␠ b b → "aa b"
    const probs = new Float32Array(steps.length * 4);
    steps.forEach((c, t) => (probs[t * 4 + c] = 1));
    expect(ctcDecode(probs, [1, steps.length, 4], keys)).toEqual(['aa b']);
    expect(() => ctcDecode(probs, [1, steps.length, 5], keys)).toThrow(/dictionary/);
  });

  it('stops a step early only where a softmax row makes its best class certain', () => {
    const keys = Array.from({ length: 62 }, (_, i) => String.fromCharCode(48 + i));
    const classes = keys.length + 2;
    for (let trial = 0; trial < 200; trial++) {
      const steps = 24;
      const noise = pseudoRandom(steps * (classes + 1), trial); // values in [-1, 1)
      const probs = new Float32Array(steps * classes);
      for (let t = 0; t < steps; t++) {
        // Peaked rows (one class well above one half), flat rows, and rows with two near-equal leaders.
        const logits = Array.from({ length: classes }, (_, c) => 2 * noise[t * (classes + 1) + c]!);
        const shape = t % 3;
        if (shape === 0) logits[Math.floor(((noise[t * (classes + 1) + classes]! + 1) / 2) * classes)]! += 10;
        if (shape === 2) logits[3] = logits[40] = 12;
        const exp = logits.map(Math.exp);
        const sum = exp.reduce((a, b) => a + b, 0);
        exp.forEach((e, c) => (probs[t * classes + c] = e / sum));
      }
      expect(ctcDecode(probs, [1, steps, classes], keys, { probabilities: true })).toEqual(
        ctcDecode(probs, [1, steps, classes], keys),
      );
    }
  });

  it('turns speech probabilities into segments, bridging short dips and dropping clicks', () => {
    const frame = { sampleRate: 16000, frame: 512, threshold: 0.5 };
    const p = [0, 0, 0.9, 0.9, 0.9, 0.2, 0.9, 0.9, 0.9, 0, 0, 0, 0, 0, 0.9, 0, 0, 0, 0];
    const segments = speechSegments(p, frame);
    expect(segments).toHaveLength(1);
    expect(segments[0]!.startS).toBeCloseTo(2 * 0.032, 3);
    expect(segments[0]!.endS).toBeCloseTo(9 * 0.032, 3);
  });
});
