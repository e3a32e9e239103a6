import { tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { seededRandom } from '../../../src/main/engine/training/random';

/** Three Gaussian blobs in 4 dimensions, far apart: a linearly separable classification dataset. */
export function separableDataset(meta: { steps: number; lr: number; seed: number }, rows = 240): Uint8Array {
  const random = seededRandom(99);
  const centres = [
    [3, 0, 0, 1],
    [-3, 2, 0, -1],
    [0, -3, 3, 0],
  ];
  const x = new Float32Array(rows * 4);
  const y = new BigInt64Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % 3;
    y[r] = BigInt(c);
    for (let d = 0; d < 4; d++) x[r * 4 + d] = centres[c]![d]! + (random() - 0.5);
  }
  return writeSafetensors([tensorOf('x', 'F32', [rows, 4], x), tensorOf('y', 'I64', [rows], y)], {
    steps: String(meta.steps),
    lr: String(meta.lr),
    seed: String(meta.seed),
    batch_size: '32',
    eval_fraction: '0.25',
  });
}
