import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type {
  BenchmarkMode,
  BenchmarkProgress,
  BenchmarkResult,
  BenchmarkState,
} from '../../shared/api/benchmark';
import { FlywheelError } from '../../shared/errors';
import type { Engine } from '../engine/engine';
import { createKeccak256, type Keccak256 } from '../engine/hash';
import { parseFineTuneConfig, type EngineJob } from '../engine/jobs';
import { referenceByHash } from '../engine/references';
import { readSafetensors } from '../engine/safetensors';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import { DriftTracker } from './drift';
import { BenchmarkHistory, type Calibration } from './history';
import { runSuite } from './suite';
import { FINETUNE_BATCH, FINETUNE_HEAD } from './workloads';

export interface BenchmarkServiceOptions {
  dataDir: string;
  engine: Engine;
  events: EventBus;
  log: Logger;
  /** Only these workloads (tests). */
  only?: string[];
}

/**
 * The benchmark part of the node: runs the suite on a device (one run at a time), keeps the history, predicts job
 * run times from the latest calibration and compares live jobs with those predictions (drift).
 */
export class BenchmarkService {
  readonly #history: BenchmarkHistory;
  readonly #drift = new DriftTracker();
  #running: BenchmarkProgress | null = null;
  #keccak: Promise<Keccak256> | null = null;

  constructor(private readonly options: BenchmarkServiceOptions) {
    this.#history = new BenchmarkHistory(join(options.dataDir, 'benchmark-history.json'), (m) =>
      options.log.warn(m),
    );
  }

  get(): BenchmarkState {
    const { results } = this.#history.data;
    return {
      running: this.#running,
      latest: results.at(-1) ?? null,
      history: results,
      drift: this.#drift.report(),
    };
  }

  async run(mode: BenchmarkMode, device?: string): Promise<BenchmarkResult> {
    if (this.#running) {
      throw new FlywheelError('A benchmark is already running.', {
        code: 'CONFLICT',
        action: 'Wait for it to finish.',
      });
    }
    const runId = randomUUID();
    this.#running = {
      runId,
      mode,
      step: 'starting',
      label: 'Starting',
      stepIndex: 0,
      steps: 1,
      fraction: 0,
      etaS: null,
    };
    this.options.events.emit('benchmark.progress', this.#running);
    try {
      this.#keccak ??= createKeccak256();
      const outcome = await runSuite({
        mode,
        engine: this.options.engine,
        keccak256: await this.#keccak,
        ...(device ? { device } : {}),
        ...(this.options.only ? { only: this.options.only } : {}),
        onStep: ({ workload, index, steps }, etaS) => {
          this.#running = {
            runId,
            mode,
            step: workload.id,
            label: workload.label,
            stepIndex: index,
            steps,
            fraction: index / steps,
            etaS,
          };
          this.options.events.emit('benchmark.progress', this.#running);
        },
      });
      const result: BenchmarkResult = { id: runId, ...outcome.result };
      this.#history.add(result, {
        device: result.device,
        msPerRun: outcome.msPerRun,
        inputBytes: outcome.inputBytes,
      });
      // New calibration, new baseline for drift.
      this.#drift.reset();
      this.options.log.info('benchmark finished', { mode, device: result.device, score: result.score });
      this.options.events.emit('benchmark.finished', result);
      return result;
    } catch (err) {
      throw err instanceof FlywheelError
        ? err
        : new FlywheelError('The benchmark failed.', { code: 'ENGINE_FAILED', cause: err });
    } finally {
      this.#running = null;
    }
  }

  /**
   * How long this machine should take to run a job, from the latest benchmark on the device: reference models
   * scale their per-run time by input size; fine-tune jobs by steps × batch × features against the benchmark's
   * step. Null when there is no benchmark yet or the model is not one the suite measures (the node then has no
   * grounds to decline for DEADLINE_INFEASIBLE).
   */
  predictRunMs(job: Pick<EngineJob, 'kind' | 'modelHash' | 'input'>, device?: string): number | null {
    const calibration = this.#calibration(device);
    if (!calibration) return null;
    if (job.kind === 'fine-tune') {
      const stepMs = calibration.msPerRun['finetune-step'];
      if (stepMs === undefined) return null;
      try {
        const dataset = readSafetensors(job.input);
        const config = parseFineTuneConfig(dataset.metadata);
        const x = dataset.tensors.find((t) => t.name === 'x');
        if (!x || x.shape.length !== 2) return null;
        const rows = Math.ceil(x.shape[0]! * (1 - config.evalFraction));
        const batch = Math.min(config.batchSize ?? rows, rows);
        const work = (batch * x.shape[1]!) / (FINETUNE_BATCH * FINETUNE_HEAD.inputs);
        return config.steps * stepMs * Math.max(work, 0.05);
      } catch {
        return null;
      }
    }
    const reference = referenceByHash(job.modelHash);
    if (!reference) return null;
    const ms = calibration.msPerRun[reference.id];
    const bytes = calibration.inputBytes[reference.id];
    if (ms === undefined || !bytes) return null;
    return ms * Math.max(job.input.byteLength / bytes, 0.05);
  }

  /** How much slower than predicted live runs go lately (1 until three have run): deadline checks stretch by it. */
  liveStretch(): number {
    return this.#drift.stretch();
  }

  /** The node's job loop reports each live run here; `benchmark.get` shows the drift. */
  reportLiveRun(predictedMs: number, actualMs: number): void {
    this.#drift.record(predictedMs, actualMs);
  }

  #calibration(device?: string): Calibration | null {
    const all = this.#history.data.calibration;
    if (device) return all[device] ?? null;
    const latest = this.#history.data.results.at(-1);
    return latest ? (all[latest.device] ?? null) : null;
  }
}
