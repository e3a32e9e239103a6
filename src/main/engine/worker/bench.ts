import type ort from 'onnxruntime-node';
import type { NamedTensor } from '../safetensors';
import { median, timingSettled } from '../timing';
import { native } from './native';
import type { WorkerBench } from './protocol';
import { toOrt } from './tensors';

/**
 * Times a model on fixed feeds inside the worker, so that only onnxruntime's run is measured: warm-up runs (a number
 * of them, for at least `warmupMs`), then repeats of about `repeatMs` each until the last `minRepeats` repeats agree
 * within `targetCv` and are no slow spell (`timingSettled`, engine/timing.ts), or the time or repeat cap is reached.
 * With `carry`, outputs named `<input>.next` feed the next run (a training loop).
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
  // Warm up for a number of runs and a minimum time: a fresh session's first ~0.3 s of runs read up to 15 % slow.
  const warmStarted = performance.now();
  const warmRuns: number[] = [];
  while (warmRuns.length < bench.warmup || performance.now() - warmStarted < (bench.warmupMs ?? 0)) {
    const t = performance.now();
    await once();
    warmRuns.push(performance.now() - t);
  }
  const warmMs = median(warmRuns.slice(-Math.max(1, bench.warmup)));
  const runsPerRepeat = Math.min(1000, Math.max(1, Math.round(bench.repeatMs / Math.max(warmMs, 1e-3))));
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
    if (timingSettled(repeats, bench.minRepeats, bench.targetCv)) break;
    if (performance.now() - started > bench.maxMs) break;
  }
  return repeats;
}
