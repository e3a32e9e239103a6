import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { cvPct } from '../src/main/engine/timing';

export { median } from '../src/main/engine/timing';

/** One measured figure. `baseline` is the same quantity for the bare library, measured in the same run. */
export interface Figure {
  id: string;
  value: number;
  unit: string;
  better: 'lower' | 'higher';
  target?: number;
  baseline?: number;
  /** Free text: how it was measured, what the baseline is. */
  note?: string;
}

export interface BenchReport {
  name: string;
  machine: Machine;
  startedAt: string;
  durationS: number;
  /**
   * The machine's 1-minute load average when the benchmark started and ended (os.loadavg): on a machine shared with
   * other work, how busy it was, next to the cores it has.
   */
  load: { atStart: number; atEnd: number };
  figures: Figure[];
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

/** A benchmark: a file bench/<name>.bench.ts whose default export returns its figures. */
export interface Benchmark {
  name: string;
  summary: string;
  /** Finds (or installs) what it needs from the machine; `npm run bench` calls it for every chosen one first. */
  prepare?(log: (line: string) => void): void | Promise<void>;
  run(log: (line: string) => void): Promise<Figure[]>;
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
}

export function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** Coefficient of variation (stddev / mean), as a fraction. */
export function cv(values: number[]): number {
  return cvPct(values) / 100;
}

/** Whether a figure meets its target (undefined when it has none). */
export function meetsTarget(f: Figure): boolean | undefined {
  if (f.target === undefined) return undefined;
  return f.better === 'lower' ? f.value <= f.target : f.value >= f.target;
}

let built: Promise<void> | undefined;

/**
 * Builds the app (out/: the headless shell and the renderer) once per `npm run bench`, for the benchmarks that run
 * the built shell: a fresh clone has no out/, and an old one would measure old code.
 */
export function buildApp(): Promise<void> {
  built ??= import('electron-vite').then(({ build }) =>
    build({ root: join(import.meta.dirname, '..'), logLevel: 'warn' }),
  );
  return built;
}

/** The 1-minute load average, rounded to two decimals. */
export function load1(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}
