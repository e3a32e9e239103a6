import type { BenchmarkFigure, BenchmarkMode, BenchmarkResult } from '#shared/api/benchmark';
import type { Engine } from '../engine/engine';
import type { Keccak256 } from '../engine/hash';
import { fastestWindow } from '../engine/timing';
import { scoreOf } from './score';
import { workloads, type Workload } from './workloads';

export interface SuiteStep {
  workload: Workload;
  index: number;
  steps: number;
}

export interface SuiteOptions {
  mode: BenchmarkMode;
  device?: string;
  engine: Engine;
  keccak256: Keccak256;
  onStep?: (step: SuiteStep, etaS: number | null) => void;
  /** Only these workloads (tests use a subset). */
  only?: string[];
}

/** Per-test repeat settings: quick fits the whole suite in about 30 s on two cores; full settles tighter. */
export const SETTINGS = {
  quick: {
    warmup: 2,
    warmupMs: 300,
    repeatMs: 150,
    minRepeats: 3,
    maxRepeats: 12,
    targetCv: 0.02,
    maxMs: 2500,
  },
  full: {
    warmup: 5,
    warmupMs: 1000,
    repeatMs: 500,
    minRepeats: 5,
    maxRepeats: 40,
    targetCv: 0.01,
    maxMs: 20_000,
  },
} as const;

export interface SuiteOutcome {
  result: Omit<BenchmarkResult, 'id'>;
  /** Mean ms per run of each figure, for predictions. */
  msPerRun: Record<string, number>;
  inputBytes: Record<string, number>;
}

/** Runs the suite on one device of the engine and turns the timings into figures and a score. */
export async function runSuite(options: SuiteOptions): Promise<SuiteOutcome> {
  const startedAt = Date.now();
  const list = workloads(options.mode, options.keccak256).filter(
    (w) => !options.only || options.only.includes(w.id),
  );
  const settings = SETTINGS[options.mode];
  const figures: BenchmarkFigure[] = [];
  const msPerRun: Record<string, number> = {};
  const inputBytes: Record<string, number> = {};
  let device: { id: string; executionProvider: BenchmarkResult['executionProvider'] } | null = null;
  for (const [index, workload] of list.entries()) {
    const elapsedS = (Date.now() - startedAt) / 1000;
    options.onStep?.(
      { workload, index, steps: list.length },
      index ? (elapsedS / index) * (list.length - index) : null,
    );
    let outcome;
    try {
      outcome = await options.engine.bench(
        {
          modelHash: workload.modelHash,
          model: workload.model,
          feeds: workload.feeds(),
          ...settings,
          ...(workload.carry ? { carry: true } : {}),
        },
        options.device === undefined ? {} : { device: options.device },
      );
    } catch (err) {
      if (workload.optional) continue;
      throw err;
    }
    device ??= { id: outcome.device.id, executionProvider: outcome.device.executionProvider };
    const { ms, cvPct } = fastestWindow(outcome.runMs, settings.minRepeats, settings.targetCv);
    msPerRun[workload.id] = ms;
    inputBytes[workload.id] = workload.inputBytes;
    figures.push({
      id: workload.id,
      label: workload.label,
      value: round(workload.itemsPerRun / (ms / 1000) / workload.scale),
      unit: workload.unit,
      spreadPct: Math.round(cvPct * 100) / 100,
      repeats: outcome.runMs.length,
    });
  }
  if (!device) throw new Error('the benchmark ran no test');
  const { score, spreadPct } = scoreOf(figures);
  return {
    result: {
      mode: options.mode,
      startedAt,
      finishedAt: Date.now(),
      device: device.id,
      executionProvider: device.executionProvider,
      score,
      spreadPct,
      figures,
    },
    msPerRun,
    inputBytes,
  };
}

function round(n: number): number {
  return n >= 100 ? Math.round(n) : Math.round(n * 100) / 100;
}
