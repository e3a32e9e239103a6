import { join } from 'node:path';
import { getAddress, type Address, type Hash, type Hex } from 'viem';
import { z } from 'zod';
import type { CheckStep } from '#shared/api/validator';
import { AppendLog, parseWith } from '../fs/appendLog';
import { checkedStepRecord, jobKey, stepProblem, stepRecordShape } from '../fs/stepJournal';
import type { Logger } from '../log';

/**
 * The validator's write-ahead journal: every step it takes with a result is appended and fsync'd before it acts on
 * it, so after a crash or `kill -9` replay gives each check's last safe step and the loop resumes from there —
 * reading the chain first. The salt of a commitment is written before the commitment is sent (a restart can still
 * reveal or release it), a vote before it is sent (a restart finishes that vote, never casts another). Lives in
 * `<dataDir>/validator/journal.jsonl`.
 *
 * A check's steps (one result: economy and job):
 *   picked → checked(verdict, figures) → committing(salt, evidenceURI) → challenged → resolved → settled
 *                                      → voting(resultValid) → voted → resolved → settled
 * It may end early in `skipped` (not judged here: never challenged or voted on, with the reason), `passed` (checked
 * valid and nobody challenged it), `released` (a commitment that could not be revealed) or `missed` (its window
 * closed first). A `passed` or `skipped` check may come back for a vote when another validator challenges it.
 */
export type { CheckStep };

export const endCheckSteps: readonly CheckStep[] = ['passed', 'skipped', 'released', 'settled', 'missed'];

const next: Record<CheckStep | 'none', readonly CheckStep[]> = {
  none: ['picked'],
  picked: ['picked', 'checked', 'skipped', 'missed'],
  checked: ['passed', 'committing', 'voting', 'missed', 'skipped'],
  passed: ['picked', 'voting', 'missed'],
  skipped: ['picked'],
  committing: ['committing', 'challenged', 'releasing', 'released', 'voting', 'missed'],
  releasing: ['released'],
  released: ['picked', 'voting'],
  challenged: ['resolved'],
  voting: ['voted', 'missed'],
  voted: ['resolved'],
  resolved: ['settled'],
  settled: [],
  missed: ['picked'],
};

const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/) as unknown as z.ZodType<Hash>;
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/) as unknown as z.ZodType<Address>;
const figure = z.number().nullable();

export const checkFieldsSchema = z
  .object({
    purpose: z.enum(['sample', 'vote']),
    provider: address,
    requester: address,
    submittedAt: z.number().int().nonnegative(),
    windowEndsAt: z.number().int().nonnegative(),
    pass: z.boolean(),
    policyText: z.string().max(500),
    summary: z.string().max(1000),
    compared: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    maxAbsError: figure,
    maxRelError: figure,
    agreement: figure,
    submittedHash: hash,
    referenceHash: hash,
    device: z.string().max(200),
    executionProvider: z.string().max(100),
    runMs: z.number().nonnegative(),
    reason: z.string().max(2000),
    salt: z.string().regex(/^0x[0-9a-fA-F]{64}$/) as unknown as z.ZodType<Hex>,
    evidenceURI: z.string().max(4096),
    commitment: hash,
    resultValid: z.boolean(),
    txHash: hash,
    outcome: z.enum(['upheld', 'rejected', 'no quorum']),
    reward: z.string().regex(/^\d{1,78}$/),
    slashed: z.string().regex(/^\d{1,78}$/),
    votesValid: z.number().int().nonnegative(),
    votesInvalid: z.number().int().nonnegative(),
    providerSlashed: z.string().regex(/^\d{1,78}$/),
  })
  .partial()
  .strict();

export type CheckFields = z.infer<typeof checkFieldsSchema>;

/** The fields a check must have once it reaches a step. */
const required: Partial<Record<CheckStep, (keyof CheckFields)[]>> = {
  checked: ['pass', 'summary'],
  committing: ['salt', 'evidenceURI'],
  releasing: ['salt'],
  voting: ['resultValid'],
  skipped: ['reason'],
  missed: ['reason'],
  resolved: ['outcome'],
};

const recordSchema = z.object(stepRecordShape(next, checkFieldsSchema)).strict();

type CheckRecord = z.infer<typeof recordSchema>;

/** One result as replay leaves it. */
export interface CheckEntry {
  key: string;
  economy: Address;
  jobId: string;
  step: CheckStep;
  fields: CheckFields;
  startedAt: number;
  updatedAt: number;
  /** Unix ms of the `checked` step of the latest round (a re-run happened then). */
  checkedAt: number | null;
  /** Its steps, oldest first (a step journaled twice in a row counted once; the last 16 kept). */
  history: { step: CheckStep; t: number; txHash?: Hash }[];
}

export class CheckJournal {
  readonly #file: AppendLog<CheckRecord>;
  readonly #entries = new Map<string, CheckEntry>();
  readonly #log: Logger;
  readonly #now: () => number;
  #seq = 0;

  private constructor(file: AppendLog<CheckRecord>, log: Logger, now: () => number) {
    this.#file = file;
    this.#log = log;
    this.#now = now;
  }

  static path(dataDir: string): string {
    return join(dataDir, 'validator', 'journal.jsonl');
  }

  /** Opens (or creates) the journal and replays it; a torn last line or a record out of order is skipped. */
  static open(path: string, options: { log: Logger; now?: () => number }): CheckJournal {
    const { log: file, records } = AppendLog.open(path, {
      parse: parseWith(recordSchema),
      log: options.log,
    });
    const journal = new CheckJournal(file, options.log, options.now ?? Date.now);
    for (const r of records) {
      const problem = journal.#check(r);
      if (problem) {
        options.log.warn('skipped a validator journal record that does not fit', { seq: r.seq, problem });
        continue;
      }
      journal.#apply(r);
    }
    return journal;
  }

  /** Records a step durably (fsync'd when this returns); a step that cannot follow is refused, nothing written. */
  append(economy: Address, jobId: string | bigint, step: CheckStep, data: CheckFields = {}): CheckEntry {
    const record: CheckRecord = {
      seq: this.#seq + 1,
      t: this.#now(),
      economy: getAddress(economy),
      jobId: String(jobId),
      step,
      data,
    };
    const checked = checkedStepRecord(recordSchema, record, (r) => this.#check(r));
    this.#file.append(checked);
    this.#apply(checked);
    return this.get(economy, jobId)!;
  }

  get(economy: Address, jobId: string | bigint): CheckEntry | undefined {
    const e = this.#entries.get(jobKey(economy, jobId));
    return e && structuredClone(e);
  }

  /** Every check, oldest first. */
  entries(): CheckEntry[] {
    return [...this.#entries.values()]
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((e) => structuredClone(e));
  }

  /** Checks with work left (not at an end step). */
  unfinished(): CheckEntry[] {
    return this.entries().filter((e) => !endCheckSteps.includes(e.step));
  }

  close(): void {
    this.#file.close();
  }

  #check(r: CheckRecord): string | undefined {
    const existing = this.#entries.get(jobKey(r.economy as Address, r.jobId));
    const fields = r.step === 'picked' || !existing ? r.data : { ...existing.fields, ...r.data };
    return stepProblem({ next, required }, existing?.step ?? 'none', r.step, fields);
  }

  #apply(r: CheckRecord): void {
    const economy = getAddress(r.economy);
    const key = jobKey(economy, r.jobId);
    const existing = this.#entries.get(key);
    this.#seq = Math.max(this.#seq, r.seq);
    // A new pick of a result already ended (a vote on a challenge of a result passed or skipped) keeps the check's
    // figures: the node checked it itself, and votes by them.
    const base = existing ? existing.fields : {};
    const entry: CheckEntry = {
      key,
      economy,
      jobId: r.jobId,
      step: r.step,
      fields: { ...base, ...r.data },
      startedAt: existing?.startedAt ?? r.t,
      updatedAt: r.t,
      checkedAt: r.step === 'checked' ? r.t : (existing?.checkedAt ?? null),
      history: withStep(existing?.history ?? [], r),
    };
    this.#entries.set(key, entry);
    if (this.#entries.size % 5000 === 0)
      this.#log.debug('validator journal size', { checks: this.#entries.size });
  }
}

function withStep(history: CheckEntry['history'], r: CheckRecord): CheckEntry['history'] {
  const last = history.at(-1);
  if (last?.step === r.step) {
    // The same step again (a commitment written down, then sent): it keeps its first time, and a transaction.
    return r.data.txHash && !last.txHash
      ? [...history.slice(0, -1), { ...last, txHash: r.data.txHash }]
      : history;
  }
  return [...history, { step: r.step, t: r.t, ...(r.data.txHash ? { txHash: r.data.txHash } : {}) }].slice(
    -16,
  );
}
