import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildTrainingGraph, headParams, type ClassifierHead } from '../../../src/main/engine/training/graph';
import { initialWeights, seededRandom } from '../../../src/main/engine/training/random';

/**
 * The training-step graph run directly on onnxruntime: its gradients (`grad.param.*`) must match central finite
 * differences of its own loss, and its SGD update must be exactly p − lr·g.
 */
const head: ClassifierHead = { inputs: 3, hidden: [5], classes: 4, optimizer: 'sgd' };

async function setup() {
  const session = await ort.InferenceSession.create(buildTrainingGraph(head));
  const random = seededRandom(3);
  const batch = 6;
  const x = Float64Array.from({ length: batch * head.inputs }, () => random() * 2 - 1);
  const y = BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % head.classes));
  const params = new Map(
    headParams(head).map((p) => {
      const w = initialWeights(p.shape, random);
      // Non-zero biases so the ReLU kinks are away from zero and the loss is smooth where we probe it.
      if (p.shape.length === 1) w.forEach((_, i) => (w[i] = 0.1 + 0.05 * i));
      return [p.name, { shape: p.shape, values: Float64Array.from(w) }];
    }),
  );
  const run = async (lr: number, override?: Map<string, Float64Array>) => {
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor('float32', Float32Array.from(x), [batch, head.inputs]),
      y: new ort.Tensor('int64', y, [batch]),
      lr: new ort.Tensor('float32', Float32Array.from([lr]), []),
    };
    for (const [name, p] of params) {
      feeds[name] = new ort.Tensor('float32', Float32Array.from(override?.get(name) ?? p.values), p.shape);
    }
    return session.run(feeds);
  };
  return { run, params };
}

describe('training-step graph', () => {
  it('computes gradients that match finite differences of its loss', async () => {
    const { run, params } = await setup();
    const out = await run(0);
    const eps = 1e-2;
    let checked = 0;
    for (const [name, p] of params) {
      const grad = out[`grad.${name}`]!.data as Float32Array;
      for (let i = 0; i < p.values.length; i += 3) {
        const plus = new Map([[name, Float64Array.from(p.values)]]);
        const minus = new Map([[name, Float64Array.from(p.values)]]);
        plus.get(name)![i]! += eps;
        minus.get(name)![i]! -= eps;
        const lp = ((await run(0, plus)).loss!.data as Float32Array)[0]!;
        const lm = ((await run(0, minus)).loss!.data as Float32Array)[0]!;
        const numeric = (lp - lm) / (2 * eps);
        expect(Math.abs(numeric - grad[i]!)).toBeLessThan(2e-3 + 0.02 * Math.abs(numeric));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('applies SGD as p − lr · g', async () => {
    const { run, params } = await setup();
    const out = await run(0.5);
    for (const [name, p] of params) {
      const next = out[`${name}.next`]!.data as Float32Array;
      const grad = out[`grad.${name}`]!.data as Float32Array;
      p.values.forEach((v, i) => expect(next[i]).toBeCloseTo(v - 0.5 * grad[i]!, 5));
    }
  });

  it('Adam steps move the loss down from the same start', async () => {
    const adam = await ort.InferenceSession.create(buildTrainingGraph({ ...head, optimizer: 'adam' }));
    const random = seededRandom(5);
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor(
        'float32',
        Float32Array.from({ length: 8 * 3 }, () => random()),
        [8, 3],
      ),
      y: new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: 8 }, (_, i) => BigInt(i % 4)),
        [8],
      ),
      lr: new ort.Tensor('float32', Float32Array.from([0.05]), []),
    };
    for (const m of adam.inputMetadata) {
      if (m.name in feeds || !m.isTensor) continue;
      const shape = m.shape as number[];
      const values = m.name.startsWith('param.')
        ? initialWeights(shape, random)
        : new Float32Array(shape.reduce((a, b) => a * b, 1));
      feeds[m.name] = new ort.Tensor('float32', values, shape);
    }
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      const out = await adam.run(feeds);
      losses.push((out.loss!.data as Float32Array)[0]!);
      for (const name of Object.keys(feeds)) if (out[`${name}.next`]) feeds[name] = out[`${name}.next`]!;
    }
    expect((feeds['opt.step']!.data as Float32Array)[0]).toBe(30);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.8);
  });
});
