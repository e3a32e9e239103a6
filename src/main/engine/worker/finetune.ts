import ort from 'onnxruntime-node';
import type { OutputPreview } from '#shared/api/jobs';
import { Decline } from '#shared/decline';
import { parseFineTuneConfig, type FineTuneConfig } from '../jobs';
import { tensorOf, type NamedTensor, type SafetensorsFile } from '../safetensors';
import { initialWeights, permutation, seededRandom } from '../training/random';
import { runOrRefuse } from './inference';
import { fromOrt, toOrt } from './tensors';

interface Carried {
  name: string;
  shape: number[];
}

export interface FineTuneOutcome {
  tensors: NamedTensor[];
  preview: OutputPreview;
}

/**
 * Runs a fine-tune job: the training-step graph `steps` times over seeded batches of the training split, the
 * weights and optimizer state kept here between steps, then the loss (and accuracy) on the held-out split.
 */
export async function runFineTune(
  session: ort.InferenceSession,
  dataset: SafetensorsFile,
  onStep: (step: number, steps: number, loss: number) => void,
): Promise<FineTuneOutcome> {
  const carried = trainingInterface(session);
  let config: FineTuneConfig;
  try {
    config = parseFineTuneConfig(dataset.metadata);
  } catch (err) {
    throw new Decline('INPUT_INVALID', `dataset: ${(err as Error).message}`);
  }
  const { x, y, rows, features, initial } = readDataset(dataset, session, carried);
  const random = seededRandom(config.seed);
  const order = permutation(rows, random);
  const evalRows = Math.min(rows - 1, Math.max(1, Math.round(rows * config.evalFraction)));
  const evalIdx = order.subarray(0, evalRows);
  const trainIdx = order.subarray(evalRows);
  const batch = Math.min(config.batchSize ?? trainIdx.length, trainIdx.length);

  const state = new Map<string, ort.Tensor>();
  for (const c of carried) {
    const given = initial.get(c.name);
    const values =
      given ??
      (c.name.startsWith('param.') ? initialWeights(c.shape, random) : new Float32Array(size(c.shape)));
    state.set(c.name, new ort.Tensor('float32', values, c.shape));
  }

  const lr = new ort.Tensor('float32', Float32Array.from([config.lr]), []);
  const fetches = ['loss', ...carried.map((c) => `${c.name}.next`)];
  const lossCurve = new Float32Array(config.steps);
  const fullBatch = batch === trainIdx.length ? gather(x, y, features, trainIdx) : null;
  for (let step = 0; step < config.steps; step++) {
    const feeds = fullBatch ?? gather(x, y, features, window(trainIdx, step * batch, batch));
    const out = await runOrRefuse(session, { ...feeds, lr, ...Object.fromEntries(state) }, fetches);
    for (const c of carried) state.set(c.name, out[`${c.name}.next`]!);
    const loss = (out.loss!.data as Float32Array)[0]!;
    if (!Number.isFinite(loss)) {
      throw new Decline('INPUT_INVALID', `training diverged at step ${step + 1} (loss ${loss}): lower lr`);
    }
    lossCurve[step] = loss;
    onStep(step + 1, config.steps, loss);
  }

  const hasLogits = session.outputNames.includes('logits');
  const zero = new ort.Tensor('float32', Float32Array.from([0]), []);
  const evalOut = await runOrRefuse(
    session,
    { ...gather(x, y, features, evalIdx), lr: zero, ...Object.fromEntries(state) },
    hasLogits ? ['loss', 'logits'] : ['loss'],
  );
  const evalLoss = (evalOut.loss!.data as Float32Array)[0]!;
  const tensors: NamedTensor[] = carried
    .filter((c) => c.name.startsWith('param.'))
    .map((c) => fromOrt(c.name, state.get(c.name)!));
  tensors.push(tensorOf('loss_curve', 'F32', [config.steps], lossCurve));
  tensors.push(tensorOf('eval_loss', 'F32', [], Float32Array.from([evalLoss])));
  if (hasLogits) {
    const accuracy = accuracyOf(evalOut.logits!, y, evalIdx);
    tensors.push(tensorOf('eval_accuracy', 'F32', [], Float32Array.from([accuracy])));
  }
  return { tensors, preview: { kind: 'fine-tune', lossCurve: downsample(lossCurve, 100), evalLoss } };
}

/** The carried tensors (`param.*`, `opt.*` with a `.next` output), after checking the graph is a training step. */
function trainingInterface(session: ort.InferenceSession): Carried[] {
  const outputs = new Set(session.outputNames);
  const notTraining = (why: string) => new Decline('MODEL_INVALID', `not a training-step graph: ${why}`);
  if (!outputs.has('loss')) throw notTraining('no "loss" output');
  const carried: Carried[] = [];
  for (const m of session.inputMetadata) {
    if (m.name === 'x' || m.name === 'y' || m.name === 'lr') continue;
    if (!/^(param|opt)\./.test(m.name) || !outputs.has(`${m.name}.next`)) {
      throw notTraining(`input "${m.name}" is neither data, lr, nor a tensor with a ".next" output`);
    }
    if (!m.isTensor || m.type !== 'float32' || !m.shape.every((d) => typeof d === 'number')) {
      throw notTraining(`"${m.name}" must be float32 with a fixed shape`);
    }
    carried.push({ name: m.name, shape: m.shape as number[] });
  }
  for (const name of ['x', 'y', 'lr']) {
    if (!session.inputNames.includes(name)) throw notTraining(`no "${name}" input`);
  }
  return carried;
}

function readDataset(dataset: SafetensorsFile, session: ort.InferenceSession, carried: Carried[]) {
  const invalid = (why: string) => new Decline('INPUT_INVALID', `dataset: ${why}`);
  const byName = new Map(dataset.tensors.map((t) => [t.name, t]));
  const xT = byName.get('x');
  const yT = byName.get('y');
  if (!xT || xT.dtype !== 'F32' || xT.shape.length !== 2) throw invalid('"x" must be F32 [rows, features]');
  if (!yT || yT.dtype !== 'I64' || yT.shape.length !== 1) throw invalid('"y" must be I64 [rows]');
  const [rows = 0, features = 0] = xT.shape;
  if (yT.shape[0] !== rows) throw invalid(`"x" has ${rows} rows, "y" ${yT.shape[0]}`);
  if (rows < 2) throw invalid('needs at least 2 rows (one to train on, one to evaluate)');
  const xMeta = session.inputMetadata.find((m) => m.name === 'x');
  const want = xMeta?.isTensor ? xMeta.shape[1] : undefined;
  if (typeof want === 'number' && want !== features)
    throw invalid(`"x" has ${features} features, the graph takes ${want}`);
  const y = toOrt(yT).data as BigInt64Array;
  const classes = classCount(session);
  for (const label of y) {
    if (label < 0n || (classes !== null && label >= BigInt(classes))) {
      throw invalid(`label ${label} is outside 0…${(classes ?? 1) - 1}`);
    }
  }
  const initial = new Map<string, Float32Array>();
  const carriedNames = new Map(carried.map((c) => [c.name, c]));
  for (const t of dataset.tensors) {
    if (t.name === 'x' || t.name === 'y') continue;
    const c = carriedNames.get(t.name);
    if (!c || !t.name.startsWith('param.'))
      throw invalid(`tensor "${t.name}" is not a parameter of the graph`);
    if (t.dtype !== 'F32' || t.shape.join() !== c.shape.join()) {
      throw invalid(`"${t.name}" must be F32 [${c.shape.join(', ')}]`);
    }
    initial.set(t.name, (toOrt(t).data as Float32Array).slice());
  }
  return { x: toOrt(xT).data as Float32Array, y, rows, features, initial };
}

function classCount(session: ort.InferenceSession): number | null {
  const logits = session.outputMetadata.find((m) => m.name === 'logits');
  const c = logits?.isTensor ? logits.shape[1] : undefined;
  return typeof c === 'number' ? c : null;
}

function gather(x: Float32Array, y: BigInt64Array, features: number, idx: ArrayLike<number>) {
  const bx = new Float32Array(idx.length * features);
  const by = new BigInt64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    bx.set(x.subarray(r * features, (r + 1) * features), i * features);
    by[i] = y[r]!;
  }
  return {
    x: new ort.Tensor('float32', bx, [idx.length, features]),
    y: new ort.Tensor('int64', by, [idx.length]),
  };
}

/** `count` indices from `start`, wrapping around the training split. */
function window(idx: Uint32Array, start: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = idx[(start + i) % idx.length]!;
  return out;
}

function accuracyOf(logits: ort.Tensor, y: BigInt64Array, idx: ArrayLike<number>): number {
  const values = logits.data as Float32Array;
  const classes = logits.dims[1]!;
  let correct = 0;
  for (let i = 0; i < idx.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[i * classes + c]! > values[i * classes + best]!) best = c;
    if (BigInt(best) === y[idx[i]!]) correct++;
  }
  return correct / idx.length;
}

function downsample(values: Float32Array, max: number): number[] {
  if (values.length <= max) return Array.from(values);
  return Array.from({ length: max }, (_, i) => values[Math.round((i * (values.length - 1)) / (max - 1))]!);
}

function size(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}
