import { z } from 'zod';
import type { ExecutionProviderName } from './hardware';
import { defineCall, defineEvent } from './define';

export type BenchmarkMode = 'quick' | 'full';

/** One test of the suite: a GEMM for raw FLOP/s, or a reference model for items/s. */
export interface BenchmarkFigure {
  /** `gemm-fp32`, `gemm-fp16`, `ocr-rec`, `ocr-det`, `vad`, `finetune-step`, … */
  id: string;
  label: string;
  value: number;
  unit: string;
  /** Coefficient of variation over the kept repeats, in percent. */
  spreadPct: number;
  repeats: number;
}

export interface BenchmarkResult {
  id: string;
  mode: BenchmarkMode;
  startedAt: number;
  finishedAt: number;
  /** The compute device (see HardwareReport.devices) and the execution provider it ran on. */
  device: string;
  executionProvider: ExecutionProviderName;
  /**
   * The machine's benchmarked speed (higher is faster). It stays off-chain: it predicts run times, for the deadlines
   * the node accepts and for the earnings estimates; the draw weighs bond alone.
   */
  score: number;
  spreadPct: number;
  figures: BenchmarkFigure[];
}

export interface BenchmarkProgress {
  runId: string;
  mode: BenchmarkMode;
  /** The test running now (a BenchmarkFigure id) and its label. */
  step: string;
  label: string;
  stepIndex: number;
  steps: number;
  /** 0..1 over the whole run. */
  fraction: number;
  etaS: number | null;
}

/** Live jobs measured against what the benchmark predicted for them. */
export interface DriftReport {
  /** True when live jobs ran more than 25 % slower than predicted. */
  flagged: boolean;
  /** Measured / predicted run time (1 = as predicted, 1.3 = 30 % slower). */
  ratio: number;
  jobs: number;
  message: string;
}

/** One kind of job and where it runs: each measured device's rate, and the device its jobs go to. */
export interface WorkloadRoute {
  /** A benchmark figure id (`ocr-rec`, `ocr-det`, `vad`, `finetune-step`), or `general`: any other model. */
  workload: string;
  label: string;
  /** The figure's unit (`lines/s`, …); `score` for `general`, which is predicted from each device's score. */
  unit: string;
  /** Each measured device's rate, in that unit: the benchmark's, and what its jobs have run at lately where live runs
   * have corrected it (the router routes by that). */
  rates: { device: string; value: number; live?: number }[];
  /** Where its jobs go while no device has a queue (a long queue lends jobs to the next fastest device). */
  device: string;
}

/** One compute device as the router sees it. */
export interface DeviceRouting {
  device: string;
  label: string;
  executionProvider: ExecutionProviderName;
  /**
   * measured: rates for its present configuration; stale: measured on another driver, provider or version, to be
   * measured again; unmeasured: not yet. Only measured devices get jobs (the CPU when none is).
   */
  status: 'measured' | 'stale' | 'unmeasured';
  /** Its latest benchmark on this configuration (null unless measured). */
  result: BenchmarkResult | null;
  /** The workloads whose jobs go here. */
  serves: string[];
  /** Why, in words: "WebGPU copies dominate for small models: jobs run on the CPU (…)". */
  note: string;
  /** What would make it faster, e.g. "Run `npm run cuda:install` …"; null when nothing is known. */
  action: string | null;
}

/** Where jobs run on this machine, by measurement (see engine/router.ts). */
export interface RoutingReport {
  devices: DeviceRouting[];
  workloads: WorkloadRoute[];
  /**
   * The machine's score from the routed rates: each figure from the device its jobs go to, not from one device.
   * Null until a device is measured.
   */
  score: number | null;
  spreadPct: number | null;
  /** Whether the benchmark is measuring devices now. */
  measuring: boolean;
}

export interface BenchmarkState {
  running: BenchmarkProgress | null;
  /** The latest run, on whichever device. */
  latest: BenchmarkResult | null;
  /** Oldest first, at most 50. */
  history: BenchmarkResult[];
  drift: DriftReport | null;
  routing: RoutingReport;
}

export const benchmarkCalls = {
  'benchmark.get': defineCall<BenchmarkState>()(
    'The latest benchmark, its history and drift.',
    z.object({}).strict(),
  ),
  'benchmark.run': defineCall<BenchmarkResult>()(
    'Run the benchmark suite on a device, or on every device in turn (resolves when done, with the first ' +
      "device's result; `benchmark.progress` events meanwhile, `benchmark.get` has every device's and the routes).",
    z
      .object({
        mode: z.enum(['quick', 'full']).default('quick'),
        /** A device id from the hardware report; default: every device. */
        device: z.string().min(1).max(32).optional(),
      })
      .strict(),
  ),
};

export const benchmarkEvents = {
  'benchmark.progress': defineEvent<BenchmarkProgress>('A benchmark run moved on.'),
  'benchmark.finished': defineEvent<BenchmarkResult>('A benchmark run finished.'),
};
