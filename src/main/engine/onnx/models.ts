import { GraphBuilder, type ElemType } from './builder';

/** A model every provider can run in milliseconds: y = x + 1 over [1, 8]. Used to try execution providers. */
export function probeModel(): Uint8Array {
  const g = new GraphBuilder('flywheel_probe');
  const x = g.input('x', 'float', [1, 8]);
  g.op('Add', [x, g.scalar(1)], {}, 'y');
  g.output('y', 'float', [1, 8]);
  return g.build();
}

/**
 * C = A · B with A an input [n, n] and B a constant [n, n] of fixed pseudo-random values: 2n³ FLOP per run.
 * B lives in the model so a run moves only A in and C out.
 */
export function gemmModel(n: number, type: Extract<ElemType, 'float' | 'float16'>): Uint8Array {
  const g = new GraphBuilder(`flywheel_gemm_${n}_${type}`);
  const a = g.input('a', type, [n, n]);
  let b = g.constant('b', 'float', [n, n], pseudoRandom(n * n, 1));
  if (type === 'float16') b = g.op('Cast', [b], { to: 10 });
  g.op('MatMul', [a, b], {}, 'c');
  g.output('c', type, [n, n]);
  return g.build();
}

/** Deterministic values in [−1, 1) (a linear congruential sequence), the same on every machine. */
export function pseudoRandom(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
