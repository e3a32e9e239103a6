import { afterAll, describe, expect, it } from 'vitest';
import type { BenchmarkProgress, BenchmarkResult } from '../../../src/shared/api/benchmark';
import { BenchmarkService } from '../../../src/main/benchmark/benchmarkService';
import { DriftTracker } from '../../../src/main/benchmark/drift';
import { REFERENCE_FIGURES, scoreOf } from '../../../src/main/benchmark/score';
import { EventBus } from '../../../src/main/events';
import { tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { tempDir } from '../../helpers/tmp';
import { cpuEngine, quietLog, reference } from '../engine/helpers';
import { separableDataset } from '../engine/datasets';

const engine = cpuEngine();
const dirs: (() => void)[] = [];
afterAll(async () => {
  await engine.close();
  for (const cleanup of dirs) cleanup();
});

function service(only: string[]) {
  const { dir, cleanup } = tempDir('flywheel-bench-');
  dirs.push(cleanup);
  const events = new EventBus();
  const seen: { progress: BenchmarkProgress[]; finished: BenchmarkResult[] } = { progress: [], finished: [] };
  events.subscribe((m) => {
    if (m.name === 'benchmark.progress') seen.progress.push(m.payload);
    if (m.name === 'benchmark.finished') seen.finished.push(m.payload);
  });
  return { bench: new BenchmarkService({ dataDir: dir, engine, events, log: quietLog, only }), seen, dir };
}

describe('benchmark suite', () => {
  it('measures figures with a spread, scores them, keeps history and predicts job times', async () => {
    const { bench, seen, dir } = service(['gemm-fp32', 'ocr-rec', 'finetune-step']);
    const result = await bench.run('quick');
    expect(result.figures.map((f) => [f.id, f.unit])).toEqual([
      ['gemm-fp32', 'GFLOP/s'],
      ['ocr-rec', 'lines/s'],
      ['finetune-step', 'steps/s'],
    ]);
    for (const f of result.figures) {
      expect(f.value).toBeGreaterThan(0);
      expect(f.repeats).toBeGreaterThanOrEqual(3);
      expect(f.spreadPct).toBeGreaterThanOrEqual(0);
    }
    expect(result).toMatchObject({ mode: 'quick', device: 'cpu', executionProvider: 'cpu' });
    expect(result.score).toBeGreaterThan(0);
    expect(seen.progress.map((p) => p.step)).toEqual(['starting', 'gemm-fp32', 'ocr-rec', 'finetune-step']);
    expect(seen.finished).toEqual([result]);

    // History survives a restart of the service (a new node on the same data folder).
    const again = new BenchmarkService({ dataDir: dir, engine, events: new EventBus(), log: quietLog });
    expect(again.get().latest).toEqual(result);

    // Predictions scale the measured per-run time by the job's size.
    const rec = reference('ocr-rec');
    const line = (w: number) =>
      writeSafetensors([tensorOf('x', 'F32', [1, 3, 48, w], new Float32Array(3 * 48 * w))]);
    const narrow = again.predictRunMs({ kind: 'inference', modelHash: rec.hash, input: line(320) })!;
    const wide = again.predictRunMs({ kind: 'inference', modelHash: rec.hash, input: line(640) })!;
    expect(narrow).toBeCloseTo(1000 / result.figures[1]!.value, 0);
    expect(wide / narrow).toBeCloseTo(2, 1);
    const tune = again.predictRunMs({
      kind: 'fine-tune',
      modelHash: rec.hash,
      input: separableDataset({ steps: 100, lr: 0.1, seed: 1 }),
    });
    expect(tune).toBeGreaterThan(0);
    expect(
      again.predictRunMs({ kind: 'inference', modelHash: `0x${'1'.repeat(64)}`, input: line(320) }),
    ).toBeNull();
  });

  it('refuses a second run while one is going', async () => {
    const { bench } = service(['gemm-fp32']);
    const first = bench.run('quick');
    await expect(bench.run('quick')).rejects.toMatchObject({ code: 'CONFLICT' });
    await first;
  });
});

describe('score and drift', () => {
  it('scores as the geometric mean against the reference machine, ×100', () => {
    const f = (id: string, value: number, spreadPct = 1) => ({
      id,
      label: id,
      value,
      unit: '',
      spreadPct,
      repeats: 5,
    });
    const ref = (id: string) => REFERENCE_FIGURES[id]!;
    expect(scoreOf([f('gemm-fp32', ref('gemm-fp32')), f('ocr-rec', ref('ocr-rec'))]).score).toBe(100);
    expect(scoreOf([f('gemm-fp32', 4 * ref('gemm-fp32')), f('ocr-rec', ref('ocr-rec'))]).score).toBe(200);
    // Figures without a reference (fp16) do not count.
    expect(scoreOf([f('gemm-fp32', ref('gemm-fp32')), f('gemm-fp16', 5000)]).score).toBe(100);
    expect(scoreOf([f('gemm-fp32', 1, 2), f('ocr-rec', 1, 2)]).spreadPct).toBeCloseTo(1.41, 2);
  });

  it('flags live jobs running more than 25 % slower than predicted, from three jobs on', () => {
    const drift = new DriftTracker();
    expect(drift.report()).toBeNull();
    drift.record(100, 140);
    drift.record(100, 135);
    expect(drift.report()).toMatchObject({ flagged: false, jobs: 2 });
    drift.record(100, 150);
    expect(drift.report()).toMatchObject({ flagged: true, ratio: 1.4, jobs: 3 });
    drift.reset();
    for (let i = 0; i < 3; i++) drift.record(100, 110);
    expect(drift.report()).toMatchObject({ flagged: false, ratio: 1.1 });
  });

  it('stretches predictions by how live runs go, from three jobs on, never shrinking them', () => {
    const drift = new DriftTracker();
    drift.record(100, 160);
    drift.record(100, 150);
    expect(drift.stretch()).toBe(1);
    drift.record(100, 130);
    expect(drift.stretch()).toBeCloseTo(1.5, 5);
    drift.reset();
    for (let i = 0; i < 5; i++) drift.record(100, 80);
    expect(drift.stretch()).toBe(1);
  });
});
