import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Address } from 'viem';
import type { JobStep, OutputPreview } from '#shared/api/jobs';
import { writeFileAtomic } from '../fs/atomicWrite';
import type { LiveJobState, LocalJobState } from './context';
import type { Journal } from './journal';

/** Steps after which the job's own work is done: its progress reads 1 without a live figure. */
const ranSteps: readonly JobStep[] = ['ran', 'submitted', 'finalized'];

/**
 * A job's local state for the API: its step as the journal has it, joined with what the node learns while it works
 * on the job (live progress, where the time went) and the output preview — the last kept on disk
 * (`<dataDir>/jobs/previews/`), so a job page shows what the GPU did after a restart too. Live state belongs to
 * one round of a job: a new assignment of the same job starts afresh.
 */
export class LocalJobs {
  readonly #dir: string;
  readonly #journal: Journal;
  /** Live state by job key, with the round it belongs to (the round's `startedAt`). */
  readonly #live = new Map<string, { round: number; state: LiveJobState }>();
  readonly #listeners = new Set<(economy: Address, jobId: bigint) => void>();

  constructor(dataDir: string, journal: Journal) {
    this.#dir = join(dataDir, 'jobs', 'previews');
    this.#journal = journal;
    mkdirSync(this.#dir, { recursive: true });
    journal.onAppend((job) => this.#changed(job.economy, BigInt(job.jobId)));
  }

  /** The job's local state; null for a job this node's journal does not know (not assigned to it). */
  get(economy: Address, jobId: bigint | string): LocalJobState | null {
    const round = this.#journal.get(economy, jobId);
    if (!round) return null;
    const live = this.#liveOf(round.key, round.startedAt);
    return {
      step: round.step,
      progress: live ? live.progress : ranSteps.includes(round.step) ? 1 : null,
      etaS: live?.etaS ?? null,
      declineReason: round.fields.reason ?? null,
      error: round.fields.error ?? live?.error ?? null,
      generation: live?.generation ?? null,
      timings: live?.timings ?? { fetchMs: null, runMs: null, submitMs: null },
      preview: live?.preview ?? this.#preview(round.key),
    };
  }

  /** Records what the node learnt about a job it works on (the round the journal has now). */
  update(economy: Address, jobId: bigint, patch: Partial<LiveJobState>): void {
    const round = this.#journal.get(economy, jobId);
    if (!round) return;
    const key = round.key;
    const before: LiveJobState = this.#liveOf(key, round.startedAt) ?? {
      progress: null,
      etaS: null,
      generation: null,
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
    this.#live.set(key, { round: round.startedAt, state: { ...before, ...patch, timings } });
    if (patch.preview) this.#savePreview(key, patch.preview);
    // Finished jobs need no live state; keep the map small on a long-running node.
    if (this.#live.size > 2_000) {
      for (const k of [...this.#live.keys()].slice(0, 500)) this.#live.delete(k);
    }
    this.#changed(economy, jobId);
  }

  /** Typical run time of the recent jobs here, seconds (null: none yet). */
  typicalRunS(): number | null {
    const runs = [...this.#live.values()]
      .map((l) => l.state.timings.runMs)
      .filter((ms): ms is number => ms !== null)
      .slice(-50)
      .sort((a, b) => a - b);
    return runs.length ? runs[runs.length >> 1]! / 1000 : null;
  }

  /** Called after every change of a job's local state: a journaled step or live progress (for jobs.updated). */
  onUpdate(listener: (economy: Address, jobId: bigint) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #liveOf(key: string, round: number): LiveJobState | undefined {
    const live = this.#live.get(key);
    return live?.round === round ? live.state : undefined;
  }

  #changed(economy: Address, jobId: bigint): void {
    for (const l of [...this.#listeners]) l(economy, jobId);
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
