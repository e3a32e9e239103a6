import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BenchmarkResult } from '#shared/api/benchmark';
import type { ExecutionProviderName } from '#shared/api/hardware';

export interface Calibration {
  device: string;
  /** Mean ms per run of each benchmark figure, and the input bytes it took. */
  msPerRun: Record<string, number>;
  inputBytes: Record<string, number>;
  /** The model file size of each language-model figure (msPerRun holds those per token). */
  modelBytes?: Record<string, number>;
  /**
   * The device configuration it was measured on (hardware, driver, provider, threads, onnxruntime and Flywheel
   * versions: engine/devices.ts), and what the router needs besides. Files written before routing lack them: such
   * a device counts as unmeasured and is measured again.
   */
  fingerprint?: string;
  appVersion?: string;
  executionProvider?: ExecutionProviderName;
  score?: number;
  measuredAt?: number;
  /** The benchmark result these come from. */
  resultId?: string;
}

export interface HistoryFile {
  version: 1;
  /** Oldest first, at most MAX_HISTORY. */
  results: BenchmarkResult[];
  /** From the latest run on each device: what predictions and routing scale from. */
  calibration: Record<string, Calibration>;
}

export const MAX_HISTORY = 50;

/**
 * The benchmark history, one JSON file in the data folder. Written whole to a temporary file and renamed, so a
 * crash leaves the old file or the new one; a file that cannot be read is moved aside, never deleted.
 */
export class BenchmarkHistory {
  #data: HistoryFile;

  constructor(
    readonly file: string,
    private readonly onProblem: (message: string) => void = () => {},
  ) {
    this.#data = this.#load();
  }

  get data(): HistoryFile {
    return this.#data;
  }

  add(result: BenchmarkResult, calibration: Calibration): void {
    const results = [...this.#data.results, result].slice(-MAX_HISTORY);
    this.#data = {
      version: 1,
      results,
      calibration: { ...this.#data.calibration, [calibration.device]: calibration },
    };
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(this.#data, null, 1) + '\n');
    renameSync(tmp, this.file);
  }

  #load(): HistoryFile {
    const empty: HistoryFile = { version: 1, results: [], calibration: {} };
    if (!existsSync(this.file)) return empty;
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as HistoryFile;
      if (data.version !== 1 || !Array.isArray(data.results) || typeof data.calibration !== 'object') {
        throw new Error('not a benchmark history');
      }
      return data;
    } catch (err) {
      const aside = `${this.file}.broken-${Date.now()}`;
      renameSync(this.file, aside);
      this.onProblem(`benchmark history unreadable (${(err as Error).message}); moved to ${aside}`);
      return empty;
    }
  }
}
