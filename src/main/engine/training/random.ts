/** mulberry32: a small seeded PRNG, identical on every JavaScript engine, so seeds reproduce across providers. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded Fisher–Yates permutation of 0…n−1. */
export function permutation(n: number, random: () => number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** Starting weights: Glorot-uniform for matrices (symmetry must be broken), zeros for vectors and scalars. */
export function initialWeights(shape: readonly number[], random: () => number): Float32Array {
  const out = new Float32Array(shape.reduce((n, d) => n * d, 1));
  if (shape.length === 2) {
    const limit = Math.sqrt(6 / (shape[0]! + shape[1]!));
    for (let i = 0; i < out.length; i++) out[i] = (random() * 2 - 1) * limit;
  }
  return out;
}
