import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Address } from 'viem';
import type { JobStep, OutputPreview } from '#shared/api/jobs';
import { writeFileAtomic } from '../fs/atomicWrite';
import type { LocalJobState } from './context';
import { jobKey, type JournalJob, type JournalStep } from './journal';

/** The API's step for a journal step (what the node last did with the job). */
export function stepOf(step: JournalStep): JobStep {
  switch (step) {
    case 'assigned':
      return 'queued';
    case 'fetched':
      return 'running';
    case 'ran':
      return 'storing';
    case 'finalized':
      return 'submitted';
    default:
      return step;
  }
}

/**
 * What the node knows about its jobs beyond chain and journal, for the API: live progress while it works on a
 * job, where the time went, and the output preview — the last kept on disk (`<dataDir>/jobs/previews/`), so a job
 * page shows what the GPU did after a restart too.
 */
export class LocalJobs {
  readonly #dir: string;
  readonly #states = new Map<string, LocalJobState>();
  readonly #listeners = new Set<(economy: Address, jobId: bigint) => void>();

  constructor(dataDir: string) {
    this.#dir = join(dataDir, 'jobs', 'previews');
    mkdirSync(this.#dir, { recursive: true });
  }

  get(economy: Address, jobId: bigint | string, journal?: JournalJob): LocalJobState | null {
    const key = jobKey(economy, jobId);
    const known = this.#states.get(key);
    if (known) return known;
    if (!journal) return null;
    return {
      step: stepOf(journal.step),
      progress:
        journal.step === 'ran' || journal.step === 'submitted' || journal.step === 'finalized' ? 1 : null,
      etaS: null,
      declineReason: journal.fields.reason ?? null,
      error: journal.fields.error ?? null,
      timings: { fetchMs: null, runMs: null, submitMs: null },
      preview: this.#preview(key),
    };
  }

  update(economy: Address, jobId: bigint, patch: Partial<LocalJobState>): void {
    const key = jobKey(economy, jobId);
    const before: LocalJobState = this.#states.get(key) ?? {
      step: 'queued',
      progress: null,
      etaS: null,
      declineReason: null,
      error: null,
      timings: { fetchMs: null, runMs: null, submitMs: null },
      preview: null,
    };
    const timings = patch.timings
      ? {
          fetchMs: patch.timings.fetchMs ?? before.timings.fetchMs,
          runMs: patch.timings.runMs ?? before.timings.runMs,
          submitMs: patch.timings.submitMs ?? before.timings.submitMs,
        }
      : before.timings;
    const next = { ...before, ...patch, timings };
    this.#states.set(key, next);
    if (patch.preview) this.#savePreview(key, patch.preview);
    // Finished jobs need no live state; keep the map small on a long-running node.
    if (this.#states.size > 2_000) {
      for (const k of [...this.#states.keys()].slice(0, 500)) this.#states.delete(k);
    }
    for (const l of [...this.#listeners]) l(economy, jobId);
  }

  /** Typical run time of the recent jobs here, seconds (null: none yet). */
  typicalRunS(): number | null {
    const runs = [...this.#states.values()]
      .map((s) => s.timings.runMs)
      .filter((ms): ms is number => ms !== null)
      .slice(-50)
      .sort((a, b) => a - b);
    return runs.length ? runs[runs.length >> 1]! / 1000 : null;
  }

  /** Called after every update (for jobs.updated). */
  onUpdate(listener: (economy: Address, jobId: bigint) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #file(key: string): string {
    return join(this.#dir, `${key.replace(':', '-')}.json`);
  }

  #savePreview(key: string, preview: OutputPreview): void {
    try {
      writeFileAtomic(this.#file(key), JSON.stringify(preview));
    } catch {
      // A preview is a nicety; the result itself is in the blob store and on-chain.
    }
  }

  #preview(key: string): OutputPreview | null {
    const file = this.#file(key);
    if (!existsSync(file)) return null;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as OutputPreview;
    } catch {
      return null;
    }
  }
}
