/**
 * The benchmark suite's tests: a GEMM for raw FLOP/s (fp32, and fp16 where the provider runs it) and the network's
 * reference models for items/s, each with fixed, seeded inputs so every provider measures the same thing.
 */
import type { BenchmarkMode } from '#shared/api/benchmark';
import type { Keccak256 } from '../engine/hash';
import { gemmModel, pseudoRandom } from '../engine/onnx/models';
import { readReferenceModel, referenceById } from '../engine/references';
import { FINETUNE_STEP } from '../engine/router';
import { tensorOf, writeSafetensors } from '../engine/safetensors';
import { buildTrainingGraph, headParams, type ClassifierHead } from '../engine/training/graph';
import { initialWeights, seededRandom } from '../engine/training/random';

export interface Workload {
  id: string;
  label: string;
  unit: string;
  /** Items (or FLOP) one run does, so value = itemsPerRun / seconds per run. */
  itemsPerRun: number;
  /** Dividing the value by this gives the unit (1e9 for GFLOP/s). */
  scale: number;
  modelHash: `0x${string}`;
  /** The model's bytes: read only when the device's worker holds no session for it. */
  model: () => Uint8Array;
  /** The fixed inputs (safetensors), built when the test is reached. */
  feeds: () => Uint8Array;
  /** Bytes of input one run takes: predictions scale by a job's input size against it. */
  inputBytes: number;
  carry?: boolean;
  /** The reference model a job names, for predictions. */
  referenceId?: string;
  /** A test the provider may not support (fp16): failing it drops the figure, not the run. */
  optional?: boolean;
}

/** The fine-tune step the suite times; the router scales fine-tune jobs against it (FINETUNE_STEP, engine/router.ts). */
export const FINETUNE_HEAD: ClassifierHead = {
  inputs: FINETUNE_STEP.features,
  hidden: [64],
  classes: 10,
  optimizer: 'adam',
};
export const FINETUNE_BATCH = FINETUNE_STEP.batch;

/** GEMM models' hashes, computed once: the models are the same on every run. */
const gemmHashes = new Map<string, `0x${string}`>();

/**
 * The suite's tests. Models and inputs are built only when a test is reached (and a model only when the worker has
 * no session for it): building them all up front read and hashed ~17 MB of models on every run, and the garbage,
 * freed while the worker timed a test, took a core from it on a two-core machine.
 */
export function workloads(mode: BenchmarkMode, keccak256: Keccak256): Workload[] {
  const gemmN = 1024;
  const detSize = mode === 'quick' ? 320 : 640;
  const list: Workload[] = [];
  for (const type of ['float', 'float16'] as const) {
    const key = `${gemmN}-${type}`;
    let hash = gemmHashes.get(key);
    if (!hash) {
      hash = keccak256(gemmModel(gemmN, type));
      gemmHashes.set(key, hash);
    }
    list.push({
      id: type === 'float' ? 'gemm-fp32' : 'gemm-fp16',
      label: `GEMM ${gemmN}² ${type === 'float' ? 'fp32' : 'fp16'}`,
      unit: 'GFLOP/s',
      itemsPerRun: 2 * gemmN ** 3,
      scale: 1e9,
      modelHash: hash,
      model: () => gemmModel(gemmN, type),
      feeds: () => {
        const a = pseudoRandom(gemmN * gemmN, 7);
        return writeSafetensors([
          type === 'float'
            ? tensorOf('a', 'F32', [gemmN, gemmN], a)
            : tensorOf('a', 'F16', [gemmN, gemmN], toHalf(a)),
        ]);
      },
      inputBytes: gemmN * gemmN * (type === 'float' ? 4 : 2),
      optional: type === 'float16',
    });
  }
  // A reference model's hash is pinned in resources/models.json; its bytes are checked against it when read.
  const reference = (id: string) => {
    const model = referenceById(id);
    return {
      modelHash: model.keccak256,
      model: () => readReferenceModel(model, keccak256),
      referenceId: id,
    };
  };
  const recInput = () => tensorOf('x', 'F32', [1, 3, 48, 320], pseudoRandom(3 * 48 * 320, 11));
  list.push({
    id: 'ocr-rec',
    label: 'PP-OCRv4 recognition (48×320 line)',
    unit: 'lines/s',
    itemsPerRun: 1,
    scale: 1,
    ...reference('ocr-rec'),
    feeds: () => writeSafetensors([recInput()]),
    inputBytes: 3 * 48 * 320 * 4,
  });
  const detInput = () =>
    tensorOf('x', 'F32', [1, 3, detSize, detSize], pseudoRandom(3 * detSize * detSize, 13));
  list.push({
    id: 'ocr-det',
    label: `PP-OCRv4 detection (${detSize}×${detSize})`,
    unit: 'images/s',
    itemsPerRun: 1,
    scale: 1,
    ...reference('ocr-det'),
    feeds: () => writeSafetensors([detInput()]),
    inputBytes: 3 * detSize * detSize * 4,
  });
  list.push({
    id: 'vad',
    label: 'Silero VAD (32 ms frames)',
    unit: 'frames/s',
    itemsPerRun: 1,
    scale: 1,
    ...reference('vad'),
    feeds: () =>
      writeSafetensors([
        tensorOf(
          'input',
          'F32',
          [1, 512],
          pseudoRandom(512, 17).map((v) => v * 0.1),
        ),
        tensorOf('state', 'F32', [2, 1, 128], new Float32Array(256)),
        tensorOf('sr', 'I64', [], BigInt64Array.from([16000n])),
      ]),
    // A VAD job's input is its audio: one frame is 512 float samples.
    inputBytes: 512 * 4,
  });
  const train = buildTrainingGraph(FINETUNE_HEAD);
  list.push({
    id: 'finetune-step',
    label: `Fine-tune step (MLP 64-64-10, Adam, batch ${FINETUNE_BATCH})`,
    unit: 'steps/s',
    itemsPerRun: 1,
    scale: 1,
    model: () => train,
    modelHash: keccak256(train),
    feeds: () => writeSafetensors(trainingFeeds()),
    inputBytes: FINETUNE_BATCH * FINETUNE_HEAD.inputs * 4,
    carry: true,
  });
  return list;
}

function trainingFeeds() {
  const random = seededRandom(23);
  const x = pseudoRandom(FINETUNE_BATCH * FINETUNE_HEAD.inputs, 19);
  const y = BigInt64Array.from({ length: FINETUNE_BATCH }, (_, i) => BigInt(i % FINETUNE_HEAD.classes));
  const tensors = [
    tensorOf('x', 'F32', [FINETUNE_BATCH, FINETUNE_HEAD.inputs], x),
    tensorOf('y', 'I64', [FINETUNE_BATCH], y),
    tensorOf('lr', 'F32', [], Float32Array.from([1e-3])),
    tensorOf('opt.step', 'F32', [], new Float32Array(1)),
  ];
  for (const p of headParams(FINETUNE_HEAD)) {
    tensors.push(tensorOf(p.name, 'F32', p.shape, initialWeights(p.shape, random)));
    const zeros = new Float32Array(p.shape.reduce((n, d) => n * d, 1));
    tensors.push(tensorOf(`opt.m.${p.name}`, 'F32', p.shape, zeros));
    tensors.push(tensorOf(`opt.v.${p.name}`, 'F32', p.shape, zeros));
  }
  return tensors;
}

/** float32 → IEEE half bits (round to nearest; the GEMM inputs are in [−1, 1], no overflow). */
function toHalf(values: Float32Array): Uint16Array {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  return Uint16Array.from(values, (v) => {
    f[0] = v;
    const x = u[0]!;
    const sign = (x >>> 16) & 0x8000;
    const exp = ((x >>> 23) & 0xff) - 127 + 15;
    if (exp <= 0) return sign;
    return sign | ((exp << 10) + ((x >>> 13) & 0x3ff) + ((x >>> 12) & 1));
  });
}
