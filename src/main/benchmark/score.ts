import type { BenchmarkFigure } from '#shared/api/benchmark';

/**
 * What a reference machine (2 shared EPYC cores, onnxruntime's CPU provider, llama.cpp's CPU backend on 2 threads)
 * measures on the quick suite: a score of 100 means "as fast as that". Changing these rescales every score, so they
 * change only with the suite's version. The language figures count the 90 M llama's tokens/s (the 2 MB llama's
 * inform predictions only); a device with no llama.cpp backend is scored on the others.
 */
export const REFERENCE_FIGURES: Record<string, number> = {
  'gemm-fp32': 45,
  'ocr-rec': 20,
  'ocr-det': 5.5,
  vad: 3500,
  'finetune-step': 1400,
  'llm-prompt': 690,
  'llm-generation': 60,
};

/**
 * The score: the geometric mean of each figure against the reference machine, × 100. A geometric mean so no single
 * test (GEMM's large numbers) outweighs the others; figures without a reference (fp16) inform but do not count.
 * Its spread follows from the figures' spreads (relative errors add in quadrature, divided by their count).
 */
export function scoreOf(figures: readonly BenchmarkFigure[]): { score: number; spreadPct: number } {
  const counted = figures.filter((f) => REFERENCE_FIGURES[f.id] !== undefined && f.value > 0);
  if (!counted.length) return { score: 0, spreadPct: 0 };
  const logMean =
    counted.reduce((s, f) => s + Math.log(f.value / REFERENCE_FIGURES[f.id]!), 0) / counted.length;
  const spread = Math.sqrt(counted.reduce((s, f) => s + f.spreadPct ** 2, 0)) / counted.length;
  return { score: Math.round(100 * Math.exp(logMean) * 10) / 10, spreadPct: Math.round(spread * 100) / 100 };
}
