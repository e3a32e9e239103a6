import type { BenchmarkFigure, BenchmarkMode, BenchmarkResult } from '#shared/api/benchmark';
import type { Engine } from '../engine/engine';
import type { Keccak256 } from '../engine/hash';
import { fastestWindow } from '../engine/timing';
import { LANGUAGE_STEPS, timeLanguageModel } from './languageModels';
import { scoreOf } from './score';
import { workloads, type Workload } from './workloads';

export interface SuiteStep {
  workload: Pick<Workload, 'id' | 'label'>;
  index: number;
  steps: number;
}

export interface SuiteOptions {
  mode: BenchmarkMode;
  device?: string;
  engine: Engine;
  keccak256: Keccak256;
  onStep?: (step: SuiteStep, etaS: number | null) => void;
  /** Only these workloads (tests use a subset): workload ids and language steps (`llm-small`, `llm`). */
  only?: string[];
  /** Where the language-model tests keep their models (made once); without it they are not run. */
  modelDir?: string;
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
  /** Mean ms per run of each figure (per token for the language models'), for predictions. */
  msPerRun: Record<string, number>;
  inputBytes: Record<string, number>;
  /** The model's file size of each language-model figure (what a job's model is scaled against). */
  modelBytes: Record<string, number>;
  /** Language steps not run on this device, with why (no llama.cpp backend, a model that failed). */
  skipped: Record<string, string>;
}

/** Runs the suite on one device of the engine and turns the timings into figures and a score. */
export async function runSuite(options: SuiteOptions): Promise<SuiteOutcome> {
  const startedAt = Date.now();
  const list = workloads(options.mode, options.keccak256).filter(
    (w) => !options.only || options.only.includes(w.id),
  );
  const language = options.modelDir
    ? LANGUAGE_STEPS.filter((s) => !options.only || options.only.includes(s.id))
    : [];
  const steps = list.length + language.length;
  const settings = SETTINGS[options.mode];
  const figures: BenchmarkFigure[] = [];
  const msPerRun: Record<string, number> = {};
  const inputBytes: Record<string, number> = {};
  const modelBytes: Record<string, number> = {};
  const skipped: Record<string, string> = {};
  let device: { id: string; executionProvider: BenchmarkResult['executionProvider'] } | null = null;
  const onStep = (workload: SuiteStep['workload'], index: number) => {
    const elapsedS = (Date.now() - startedAt) / 1000;
    options.onStep?.({ workload, index, steps }, index ? (elapsedS / index) * (steps - index) : null);
  };
  for (const [index, workload] of list.entries()) {
    onStep(workload, index);
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
  for (const [n, step] of language.entries()) {
    onStep(step, list.length + n);
    const timed = await timeLanguageModel(step, {
      engine: options.engine,
      mode: options.mode,
      modelDir: options.modelDir!,
      ...(options.device === undefined ? {} : { device: options.device }),
    });
    if ('skipped' in timed) {
      skipped[step.id] = timed.skipped;
      continue;
    }
    device ??= timed.device;
    figures.push(...timed.figures.map((f) => ({ ...f, value: round(f.value) })));
    Object.assign(msPerRun, timed.msPerToken);
    Object.assign(modelBytes, timed.modelBytes);
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
    modelBytes,
    skipped,
  };
}

function round(n: number): number {
  return n >= 100 ? Math.round(n) : Math.round(n * 100) / 100;
}
