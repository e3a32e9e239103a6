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

export interface BenchmarkState {
  running: BenchmarkProgress | null;
  latest: BenchmarkResult | null;
  /** Oldest first, at most 50. */
  history: BenchmarkResult[];
  drift: DriftReport | null;
}

export const benchmarkCalls = {
  'benchmark.get': defineCall<BenchmarkState>()(
    'The latest benchmark, its history and drift.',
    z.object({}).strict(),
  ),
  'benchmark.run': defineCall<BenchmarkResult>()(
    'Run the benchmark suite (resolves when done; `benchmark.progress` events meanwhile).',
    z
      .object({
        mode: z.enum(['quick', 'full']).default('quick'),
        /** A device id from the hardware report; default: the best device. */
        device: z.string().min(1).max(32).optional(),
      })
      .strict(),
  ),
};

export const benchmarkEvents = {
  'benchmark.progress': defineEvent<BenchmarkProgress>('A benchmark run moved on.'),
  'benchmark.finished': defineEvent<BenchmarkResult>('A benchmark run finished.'),
};
