import type ort from 'onnxruntime-node';
import type { NamedTensor } from '../safetensors';
import { native } from './native';
import type { WorkerBench } from './protocol';
import { toOrt } from './tensors';

/**
 * Times a model on fixed feeds inside the worker, so that only onnxruntime's run is measured: warm-up runs, then
 * repeats of about `repeatMs` each until the last `minRepeats` repeat means agree within `targetCv`, or the time or
 * repeat cap is reached. With `carry`, outputs named `<input>.next` feed the next run (a training loop).
 */
export async function timeModel(
  session: ort.InferenceSession,
  feedTensors: NamedTensor[],
  bench: WorkerBench,
): Promise<number[][]> {
  let feeds: Record<string, ort.Tensor> = Object.fromEntries(feedTensors.map((t) => [t.name, toOrt(t)]));
  const carried = bench.carry
    ? session.inputNames.filter((n) => session.outputNames.includes(`${n}.next`))
    : [];
  const fetches = bench.carry ? ['loss', ...carried.map((n) => `${n}.next`)] : session.outputNames;
  const once = async () => {
    const out = await native(() => session.run(feeds, fetches));
    if (carried.length) {
      feeds = { ...feeds };
      for (const n of carried) feeds[n] = out[`${n}.next`]!;
    }
  };
  const warm = performance.now();
  for (let i = 0; i < bench.warmup; i++) await once();
  const warmMean = (performance.now() - warm) / Math.max(1, bench.warmup);
  const runsPerRepeat = Math.min(1000, Math.max(1, Math.round(bench.repeatMs / Math.max(warmMean, 1e-3))));
  const started = performance.now();
  const repeats: number[][] = [];
  while (repeats.length < bench.maxRepeats) {
    const runs: number[] = [];
    for (let i = 0; i < runsPerRepeat; i++) {
      const t = performance.now();
      await once();
      runs.push(performance.now() - t);
    }
    repeats.push(runs);
    if (repeats.length >= bench.minRepeats && settled(repeats.slice(-bench.minRepeats), bench.targetCv))
      break;
    if (performance.now() - started > bench.maxMs) break;
  }
  return repeats;
}

function settled(repeats: number[][], targetCv: number): boolean {
  const means = repeats.map((r) => r.reduce((a, b) => a + b, 0) / r.length);
  const mean = means.reduce((a, b) => a + b, 0) / means.length;
  const sd = Math.sqrt(means.reduce((a, b) => a + (b - mean) ** 2, 0) / means.length);
  return sd / mean <= targetCv;
}
