import { getAddress, type Address } from 'viem';
import { z } from 'zod';
import { FlywheelError } from '#shared/errors';

/**
 * What the node's two write-ahead journals share — the job journal (jobs/journal.ts) and the validator's
 * (validator/journal.ts): each record is one step the node took with a job in an economy, appended (AppendLog) before
 * the node acts on it. A step may follow only certain steps, and once there a job must have certain fields; a record
 * that breaks either rule is refused at append and skipped at replay.
 */

/** A journal's rules: the steps that may follow each step (`none`: a job not yet in it), and what each step needs. */
export interface StepRules<S extends string, F> {
  next: Record<S | 'none', readonly S[]>;
  required: Partial<Record<S, readonly (keyof F)[]>>;
}

/** Why `step`, with the job's `fields` once it is taken, cannot follow `from` (undefined: it can). */
export function stepProblem<S extends string, F extends object>(
  rules: StepRules<S, F>,
  from: S | 'none',
  step: S,
  fields: F,
): string | undefined {
  if (!rules.next[from].includes(step)) return `"${step}" cannot follow "${from}"`;
  const missing = (rules.required[step] ?? []).filter((f) => fields[f] === undefined);
  if (missing.length) return `"${step}" needs ${missing.join(', ')}`;
  return undefined;
}

/**
 * The fields every record of a step journal has — its sequence number, time (unix ms), the job (economy and id),
 * the step and the data recorded with it — for the steps of these rules.
 */
export function stepRecordShape<S extends string, D extends z.ZodType>(
  next: Record<S | 'none', readonly S[]>,
  data: D,
) {
  return {
    seq: z.number().int().positive(),
    t: z.number().int().nonnegative(),
    economy: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
    jobId: z.string().regex(/^\d{1,78}$/),
    step: z.enum(Object.keys(next).filter((s) => s !== 'none') as [S, ...S[]]),
    data,
  };
}

/**
 * A record about to be appended, as its schema reads it, or the refusal: BAD_INPUT when its data does not fit the
 * schema, CONFLICT when `problem` says the step cannot follow the job's last one. Nothing is written either way.
 */
export function checkedStepRecord<R extends { jobId: string; step: string }>(
  schema: z.ZodType<R>,
  record: R,
  problem: (record: R) => string | undefined,
): R {
  const parsed = schema.safeParse(record);
  if (!parsed.success) {
    throw new FlywheelError(`Cannot journal "${record.step}" for job ${record.jobId}: bad data.`, {
      code: 'BAD_INPUT',
      details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
  }
  const refusal = problem(parsed.data);
  if (refusal) {
    throw new FlywheelError(`Cannot journal "${record.step}" for job ${record.jobId}.`, {
      code: 'CONFLICT',
      details: refusal,
    });
  }
  return parsed.data;
}

/** The key of a job across economies (economy checksummed), as the API's job keys and both journals take it. */
export function jobKey(economy: Address, jobId: string | bigint): string {
  return `${getAddress(economy)}:${String(jobId)}`;
}
