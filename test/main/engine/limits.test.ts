import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/main/engine/engine';
import { GraphBuilder } from '../../../src/main/engine/onnx/builder';
import { Decline } from '../../../src/shared/decline';
import { tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';
import { buildTrainingGraph } from '../../../src/main/engine/training/graph';
import { processHost } from '../../../src/main/engine/worker/host';
import { separableDataset } from './datasets';
import { cpuEngine, keccak256 } from './helpers';
import { rejectionOf } from '../../helpers/rejection';

/** A model whose one run takes seconds: 40 chained 768² matrix products. */
function slowModel(): Uint8Array {
  const g = new GraphBuilder('slow');
  let x = g.input('x', 'float', [768, 768]);
  const first = x;
  for (let i = 0; i < 40; i++) x = g.op('MatMul', [x, first]);
  g.op('Identity', [x], {}, 'y');
  g.output('y', 'float', [768, 768]);
  return g.build();
}

const quick = buildTrainingGraph({ inputs: 4, hidden: [], classes: 3, optimizer: 'sgd' });
const quickJob = { kind: 'fine-tune' as const, modelHash: keccak256(quick), model: quick };

const refused = (promise: Promise<unknown>) => rejectionOf(promise, Decline);

const engines: Engine[] = [];
afterAll(() => Promise.all(engines.map((e) => e.close())));
const slowInput = writeSafetensors([
  tensorOf('x', 'F32', [768, 768], new Float32Array(768 * 768).fill(1e-3)),
]);

describe('time limits', () => {
  // One engine for these (and the queue test below): each start of a worker from source costs seconds here.
  const engine = cpuEngine({ maxQueuedJobs: 1 });
  engines.push(engine);

  it('a fine-tune job over its time limit is stopped, the worker restarted, and the next job runs', async () => {
    const long = { ...quickJob, input: separableDataset({ steps: 100_000, lr: 0.01, seed: 1 }) };
    const started = Date.now();
    const err = await refused(engine.runJob(long, { timeoutMs: 1500 }));
    expect(err.reason).toBe('DEADLINE_INFEASIBLE');
    expect(Date.now() - started).toBeLessThan(4000);
    // Stopped at once, or (caught inside one training step) abandoned to exit when that step returns.
    expect(engine.stats().devices[0]).toMatchObject({ restarts: 1 });
    const next = await engine.runJob({
      ...quickJob,
      input: separableDataset({ steps: 5, lr: 0.1, seed: 1 }),
    });
    expect(next.preview.kind).toBe('fine-tune');
  });

  it('a single run over its time limit is refused at the limit and the next job runs (worker thread)', async () => {
    const model = slowModel();
    const before = engine.stats().devices[0]!;
    const started = Date.now();
    const err = await refused(
      engine.runJob(
        { kind: 'inference', modelHash: keccak256(model), model, input: slowInput },
        { timeoutMs: 150 },
      ),
    );
    expect(err.reason).toBe('DEADLINE_INFEASIBLE');
    expect(Date.now() - started).toBeLessThan(2000);
    // onnxruntime cannot be interrupted inside a run on a thread: that worker is abandoned, a new one serves on.
    expect(engine.stats().devices[0]).toMatchObject({
      restarts: before.restarts + 1,
      abandoned: before.abandoned + 1,
    });
    const next = await engine.runJob({
      ...quickJob,
      input: separableDataset({ steps: 5, lr: 0.1, seed: 1 }),
    });
    expect(next.preview.kind).toBe('fine-tune');
  });

  it('refuses jobs past the queue bound with OVER_CAPACITY', async () => {
    const job = { ...quickJob, input: separableDataset({ steps: 200, lr: 0.1, seed: 1 }) };
    const first = engine.runJob(job);
    const err = await refused(engine.runJob(job));
    expect(err.reason).toBe('OVER_CAPACITY');
    await first;
  });

  it('in a worker process the run itself is killed at the limit', async () => {
    const inProcess = cpuEngine({}, processHost);
    engines.push(inProcess);
    const model = slowModel();
    const err = await refused(
      inProcess.runJob(
        { kind: 'inference', modelHash: keccak256(model), model, input: slowInput },
        { timeoutMs: 150 },
      ),
    );
    expect(err.reason).toBe('DEADLINE_INFEASIBLE');
    expect(inProcess.stats().devices[0]).toMatchObject({ restarts: 1, abandoned: 0 });
    const next = await inProcess.runJob({
      ...quickJob,
      input: separableDataset({ steps: 5, lr: 0.1, seed: 1 }),
    });
    expect(next.preview.kind).toBe('fine-tune');
  });
});

describe('size limits', () => {
  it('reads a limit given as a getter on every job: a new cap in the settings applies at once', async () => {
    let capBytes = 1024;
    const engine = cpuEngine({
      get maxInputBytes() {
        return capBytes;
      },
    });
    engines.push(engine);
    const job = { ...quickJob, input: separableDataset({ steps: 5, lr: 0.1, seed: 1 }) };
    expect(job.input.byteLength).toBeGreaterThan(capBytes);
    const err = await refused(engine.runJob(job));
    expect(err.reason).toBe('INPUT_TOO_LARGE');
    expect(err.details).toContain('1024-byte cap');
    capBytes = 2 ** 20;
    expect((await engine.runJob(job)).preview.kind).toBe('fine-tune');
  });
});

describe('memory bounds', () => {
  it('recycles the worker after its bound of created sessions', async () => {
    const engine = cpuEngine({ sessionCacheBytes: 0, recycleAfterSessions: 2 });
    engines.push(engine);
    const input = separableDataset({ steps: 2, lr: 0.1, seed: 1 });
    for (let i = 0; i < 3; i++) await engine.runJob({ ...quickJob, input });
    // Every job created its session (nothing cached), and the worker was swapped after the second one.
    expect(engine.holds(quickJob.modelHash)).toBe(false);
    expect(engine.stats().devices[0]!.restarts).toBe(0);
  });
});
