import { join } from 'node:path';
import { getAddress, type Address, type Hash } from 'viem';
import { z } from 'zod';
import type { JobStep } from '#shared/api/jobs';
import { declineReasonNames, type DeclineReasonName } from '#shared/decline';
import { AppendLog, parseWith } from '../fs/appendLog';
import { checkedStepRecord, jobKey, stepProblem, stepRecordShape } from '../fs/stepJournal';
import type { Logger } from '../log';

/**
 * The write-ahead journal of this provider's jobs: every step the node takes with a job is appended and fsync'd
 * before the node acts on it, so after a crash or `kill -9` replay gives each job's last safe step and the job
 * loop resumes from there (checking the chain first) — a computed result is never forgotten and never submitted
 * twice. Lives in `<dataDir>/jobs/journal.jsonl`.
 *
 * Each record is one step of a job (`JobStep`, shared/api/jobs.ts: assigned → fetched → running → ran →
 * submitting… → submitted → finalized, or an early end in declining/declined or failed): the job's local state, as
 * the API shows it too. `fetched` and `submitting` may repeat (a resumed fetch; a replacement transaction has a new
 * hash). After an end step a new `assigned` starts a new round (the same job drawn to this provider again).
 */

/** What each step records; fields carry over from step to step within a round (replay merges them). */
export interface JournalStepData {
  /** The job as posted (its model, input and kind) and the deadline of this round: the chain is read once a job. */
  assigned: { modelHash?: Hash; inputHash?: Hash; inputURI?: string; deadline?: number; kind?: string };
  fetched: { modelPath?: string; inputPath?: string };
  running: Record<string, never>;
  ran: { outputHash: Hash; outputURI: string };
  submitting: { txHash: Hash };
  submitted: { txHash: Hash; blockNumber?: number };
  finalized: Record<string, never>;
  declining: { reason: DeclineReasonName; txHash?: Hash };
  declined: { reason: DeclineReasonName; txHash?: Hash };
  failed: { error: string };
}

export type JournalFields = Partial<{
  modelHash: Hash;
  inputHash: Hash;
  inputURI: string;
  deadline: number;
  kind: string;
  modelPath: string;
  inputPath: string;
  outputHash: Hash;
  outputURI: string;
  txHash: Hash;
  blockNumber: number;
  reason: DeclineReasonName;
  error: string;
}>;

/** One job as replay leaves it: its last step, everything recorded in this round, and when. */
export interface JournalJob {
  /** `${economy}:${jobId}` (economy checksummed), as the API's job keys. */
  key: string;
  economy: Address;
  jobId: string;
  step: JobStep;
  fields: JournalFields;
  /** Sequence number of the last record of this job. */
  seq: number;
  /** Unix ms: when this round was assigned, and of the last record. */
  startedAt: number;
  updatedAt: number;
  /** The steps of this round, oldest first. */
  history: { step: JobStep; t: number }[];
}

export const endSteps: readonly JobStep[] = ['finalized', 'declined', 'failed'];

/** Whether a job in this step needs nothing more from the node. */
export function isFinished(step: JobStep): boolean {
  return endSteps.includes(step);
}

/**
 * The steps that may follow each step (a step may repeat itself: a resumed fetch, a replacement tx; a run cut short
 * by a restart, or run again past the accept window, starts from the fetch). `ran` straight after `fetched` is how
 * journals written before `running` was journaled read.
 */
const next: Record<JobStep | 'none', readonly JobStep[]> = {
  none: ['assigned'],
  assigned: ['assigned', 'fetched', 'declining', 'declined', 'failed'],
  fetched: ['fetched', 'running', 'ran', 'declining', 'declined', 'failed'],
  running: ['fetched', 'ran', 'declining', 'declined', 'failed'],
  ran: ['submitting', 'failed'],
  submitting: ['submitting', 'submitted', 'failed'],
  submitted: ['finalized', 'failed'],
  declining: ['declining', 'declined', 'failed'],
  finalized: ['assigned'],
  declined: ['assigned'],
  failed: ['assigned'],
};

/** The fields a job must have once it reaches a step: replay checks them, append refuses records without them. */
const required: Partial<Record<JobStep, (keyof JournalFields)[]>> = {
  ran: ['outputHash', 'outputURI'],
  submitting: ['outputHash', 'outputURI', 'txHash'],
  submitted: ['outputHash', 'outputURI', 'txHash'],
  finalized: ['outputHash', 'outputURI', 'txHash'],
  declining: ['reason'],
  declined: ['reason'],
  failed: ['error'],
};

const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/) as unknown as z.ZodType<Hash>;
const fieldsSchema = z
  .object({
    modelHash: hash,
    inputHash: hash,
    inputURI: z.string().min(1).max(4096),
    deadline: z.number().int().nonnegative(),
    kind: z.string().max(64),
    modelPath: z.string().max(4096),
    inputPath: z.string().max(4096),
    outputHash: hash,
    outputURI: z.string().min(1).max(4096),
    txHash: hash,
    blockNumber: z.number().int().nonnegative(),
    reason: z.enum(declineReasonNames as [DeclineReasonName, ...DeclineReasonName[]]),
    error: z.string().max(2000),
  })
  .partial()
  .strict();

const recordSchema = z
  .object({
    ...stepRecordShape(next, fieldsSchema),
    /** Only in compacted records, which stand for a whole round: when that round was assigned. */
    since: z.number().int().nonnegative().optional(),
  })
  .strict();

type JournalRecord = z.infer<typeof recordSchema>;

export interface JournalOptions {
  log: Logger;
  /** Finished jobs younger than this survive compaction (so a replayed event is recognised); default 7 days. */
  keepFinishedMs?: number;
  /** Compact at open once the file is larger than this; default 4 MiB. */
  compactAtBytes?: number;
  now?: () => number;
}

export class Journal {
  readonly path: string;
  readonly #file: AppendLog<JournalRecord>;
  readonly #jobs = new Map<string, JournalJob>();
  readonly #options: JournalOptions;
  readonly #listeners = new Set<(job: JournalJob) => void>();
  #seq = 0;

  private constructor(path: string, file: AppendLog<JournalRecord>, options: JournalOptions) {
    this.path = path;
    this.#file = file;
    this.#options = options;
  }

  /** Where the node keeps its journal: `<dataDir>/jobs/journal.jsonl`. */
  static path(dataDir: string): string {
    return join(dataDir, 'jobs', 'journal.jsonl');
  }

  /**
   * Opens (or creates) the journal and replays it. A torn last line from a crash is dropped with a log line; a
   * record that does not fit its job's history is skipped with a log line; neither stops the node.
   */
  static open(path: string, options: JournalOptions): Journal {
    const { log: file, records } = AppendLog.open(path, {
      parse: parseWith(recordSchema),
      log: options.log,
    });
    const journal = new Journal(path, file, options);
    for (const record of records) {
      const problem = journal.#apply(record);
      if (problem)
        options.log.warn('skipped a journal record that does not fit its job', { seq: record.seq, problem });
    }
    if (file.size() > (options.compactAtBytes ?? 4 * 1024 * 1024)) journal.compact();
    return journal;
  }

  /**
   * Records a step of a job, durably: when this returns the record is on disk (fsync'd). A step that cannot follow
   * the job's last step, or lacks what the step needs, is refused (CONFLICT / BAD_INPUT) and nothing is written.
   */
  append<S extends JobStep>(
    economy: Address,
    jobId: string | bigint,
    step: S,
    data: JournalStepData[S],
  ): JournalJob {
    const record: JournalRecord = {
      seq: this.#seq + 1,
      t: this.#now(),
      economy: getAddress(economy),
      jobId: String(jobId),
      step,
      data: data as JournalFields,
    };
    const checked = checkedStepRecord(recordSchema, record, (r) => this.#check(r));
    this.#file.append(checked);
    this.#apply(checked);
    const job = this.#jobs.get(jobKey(economy, record.jobId))!;
    for (const listener of [...this.#listeners]) {
      try {
        listener(structuredClone(job));
      } catch (err) {
        // The step is on disk; a listener (the API's push, metrics) that fails must not undo the node's next act.
        this.#options.log.warn('a journal listener failed', { error: (err as Error).message });
      }
    }
    return structuredClone(job);
  }

  /** Called after each step appended (once it is on disk): the job as it stands now. Returns an unsubscribe. */
  onAppend(listener: (job: JournalJob) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get(economy: Address, jobId: string | bigint): JournalJob | undefined {
    const job = this.#jobs.get(jobKey(economy, String(jobId)));
    return job && structuredClone(job);
  }

  /** Every job the journal knows, oldest first. */
  jobs(): JournalJob[] {
    return [...this.#jobs.values()].sort((a, b) => a.startedAt - b.startedAt).map((j) => structuredClone(j));
  }

  /** The jobs the node still has work on after a restart: not finalized, declined or failed. */
  unfinished(): JournalJob[] {
    return this.jobs().filter((j) => !isFinished(j.step));
  }

  /**
   * Rewrites the file atomically with one record per job (its last step with every field of its round); finished
   * jobs older than `keepFinishedMs` are dropped. A crash mid-way leaves the old file.
   */
  compact(): { jobs: number; dropped: number } {
    const keepAfter = this.#now() - (this.#options.keepFinishedMs ?? 7 * 24 * 3600 * 1000);
    const out: JournalRecord[] = [];
    let dropped = 0;
    for (const job of [...this.#jobs.values()].sort((a, b) => a.seq - b.seq)) {
      if (isFinished(job.step) && job.updatedAt < keepAfter) {
        this.#jobs.delete(job.key);
        dropped++;
        continue;
      }
      // One record carrying the merged fields under the last step replays to the same job.
      out.push({
        seq: job.seq,
        t: job.updatedAt,
        economy: job.economy,
        jobId: job.jobId,
        step: job.step,
        data: job.fields,
        since: job.startedAt,
      });
    }
    out.sort((a, b) => a.seq - b.seq);
    this.#file.rewrite(out);
    this.#options.log.info('compacted the job journal', { jobs: this.#jobs.size, dropped });
    return { jobs: this.#jobs.size, dropped };
  }

  close(): void {
    this.#file.close();
  }

  #check(record: JournalRecord): string | undefined {
    const key = jobKey(record.economy as Address, record.jobId);
    const job = this.#jobs.get(key);
    const fields = record.step === 'assigned' || !job ? record.data : { ...job.fields, ...record.data };
    return stepProblem({ next, required }, job?.step ?? 'none', record.step, fields);
  }

  #apply(record: JournalRecord): string | undefined {
    const economy = getAddress(record.economy);
    const key = jobKey(economy, record.jobId);
    // A compacted record stands for a whole round: accept it as the job's first record.
    const existing = this.#jobs.get(key);
    if (existing || record.step === 'assigned') {
      const problem = this.#check(record);
      if (problem) return problem;
    }
    this.#seq = Math.max(this.#seq, record.seq);
    const fresh = !existing || record.step === 'assigned';
    const job: JournalJob = fresh
      ? {
          key,
          economy,
          jobId: record.jobId,
          step: record.step,
          fields: { ...record.data },
          seq: record.seq,
          startedAt: record.since ?? record.t,
          updatedAt: record.t,
          history: [{ step: record.step, t: record.t }],
        }
      : {
          ...existing,
          step: record.step,
          fields: { ...existing.fields, ...record.data },
          seq: record.seq,
          updatedAt: record.t,
          history: [...existing.history, { step: record.step, t: record.t }],
        };
    this.#jobs.set(key, job);
    return undefined;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}
