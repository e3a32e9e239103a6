import type { JobGeneration, JobKind, JobLocal, OutputPreview } from '#shared/api/jobs';
import type { BenchmarkService } from '../benchmark/benchmarkService';
import type { BlobStore } from '../blobs/store';
import type { ChainService } from '../chain/chainService';
import type { Engine } from '../engine/engine';
import type { Logger } from '../log';
import type { Journal } from './journal';
import type { LocalJobs } from './local';

/** Milliseconds this node spent on a job, per step. */
export interface JobTimings {
  fetchMs: number | null;
  runMs: number | null;
  submitMs: number | null;
}

/**
 * What the node learns about a job while it works on it, between the steps it journals: live progress, a note
 * (waiting for the chain, why it declines), where the time went, and the output preview.
 */
export interface LiveJobState {
  progress: number | null;
  etaS: number | null;
  /** A text-generation job's prompt and tokens so far. */
  generation: JobGeneration | null;
  /** What holds the job up or why it is declined; the journal's own error wins once the job failed. */
  error: string | null;
  timings: JobTimings;
  preview: OutputPreview | null;
}

/** A job's local state: its journaled step joined with what the node learnt while working on it. */
export interface LocalJobState extends JobLocal {
  timings: JobTimings;
  preview: OutputPreview | null;
}

/** Everything the pipeline of one job needs from the node. */
export interface JobContext {
  chain: ChainService;
  journal: Journal;
  blobs: BlobStore;
  engine: Engine;
  benchmark: BenchmarkService;
  log: Logger;
  /** First block to look for a job's events in (the factory's deployment). */
  startBlock: bigint;
  /**
   * Seconds a transaction needs to land after it is sent: a decline must be sent this long before the accept
   * window closes, a result this long before the deadline.
   */
  txLatencyS: number;
  /** Job kinds this provider serves. */
  kinds: readonly JobKind[];
  /** Largest model or input this node fetches, bytes. */
  maxBlobBytes: () => number;
  /** Null while taking jobs; otherwise why not (paused, schedule, temperature), and new jobs are declined. */
  notAccepting: () => string | null;
  /**
   * Waits for a run slot (settings.limits.maxConcurrentJobs); the returned function frees it, after a rest in
   * proportion to `ranMs` where the GPU share in the limits is under 100 %.
   */
  runSlot: () => Promise<(ranMs?: number) => void>;
  /** How long a job taken now would wait for a run slot, ms (the jobs ahead of it × the typical slot hold). */
  queueWaitMs: () => number;
  /** Live progress and results for the API (jobs.list / jobs.get, jobs.updated); the steps go to the journal. */
  local: LocalJobs;
}
