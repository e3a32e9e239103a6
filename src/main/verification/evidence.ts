/**
 * A challenge's evidence: what the challenger compared and what it found, as a small JSON file published with the
 * challenge (its URI is in ChallengeOpened / ChallengerReplaced). Anyone — the other validators, the provider, its
 * Penalties page — can read the policy applied, the figures and both output hashes, and check them by re-running
 * the job. It is the challenger's claim, not a proof: the vote decides.
 */
import { z } from 'zod';
import type { Address, Hash } from '#shared/api/define';
import type { VerificationPolicy } from '#shared/api/jobs';
import { describePolicy } from '#shared/policy';
import type { FailurePoint, Figures, Verdict } from './policy';
import { describeFailure } from './words';

export const EVIDENCE_FORMAT = 'flywheel/challenge-evidence@1';

export interface Evidence {
  format: typeof EVIDENCE_FORMAT;
  economy: Address;
  jobId: string;
  provider: Address | null;
  challenger: Address;
  modelHash: Hash;
  inputHash: Hash;
  policy: VerificationPolicy;
  /** The policy in words ("argmax agreement ≥ 99 %"). */
  policyText: string;
  verdict: {
    pass: boolean;
    /** The figures against the policy in one line ("agreement 41.2 % < 99 % (23 of 40 rows differ)"). */
    summary: string;
    /** Where the output first broke the policy, in words; null for a structural failure. */
    detail: string | null;
    figures: Figures;
    firstFailure: FailurePoint | null;
  };
  submitted: { outputHash: Hash; uri: string | null };
  /** The challenger's re-run. */
  reference: { outputHash: Hash; uri: string | null };
  /** Unix seconds. */
  checkedAt: number;
}

export interface EvidenceJob {
  economy: Address;
  jobId: bigint;
  provider: Address | null;
  challenger: Address;
  modelHash: Hash;
  inputHash: Hash;
  submittedUri: string | null;
  referenceUri: string | null;
}

/** The evidence of a verdict on a job. */
export function buildEvidence(job: EvidenceJob, verdict: Verdict, checkedAt = Date.now() / 1000): Evidence {
  return {
    format: EVIDENCE_FORMAT,
    economy: job.economy,
    jobId: job.jobId.toString(),
    provider: job.provider,
    challenger: job.challenger,
    modelHash: job.modelHash,
    inputHash: job.inputHash,
    policy: verdict.policy,
    policyText: describePolicy(verdict.policy),
    verdict: {
      pass: verdict.pass,
      summary: verdict.summary,
      detail: describeFailure(verdict.firstFailure, verdict.policy.rule),
      figures: verdict.figures,
      firstFailure: verdict.firstFailure,
    },
    submitted: { outputHash: verdict.submittedHash, uri: job.submittedUri },
    reference: { outputHash: verdict.referenceHash, uri: job.referenceUri },
    checkedAt: Math.floor(checkedAt),
  };
}

/** The evidence as the bytes published: JSON, with an unbounded relative error written as "Infinity". */
export function encodeEvidence(evidence: Evidence): Uint8Array {
  const text = JSON.stringify(evidence, (_k, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
  );
  return new TextEncoder().encode(`${text}\n`);
}

/** Evidence files are small: a larger one is not evidence. */
export const MAX_EVIDENCE_BYTES = 64 * 1024;

const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/) as unknown as z.ZodType<Hash>;
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/) as unknown as z.ZodType<Address>;
/** A figure: a number, or a non-finite one spelled out. */
const figure = z.union([z.number(), z.enum(['Infinity', '-Infinity', 'NaN']).transform((s) => Number(s))]);
const value = z.union([figure, z.string().max(256)]).nullable();

const evidenceSchema = z.object({
  format: z.literal(EVIDENCE_FORMAT),
  economy: address,
  jobId: z.string().regex(/^\d{1,78}$/),
  provider: address.nullable(),
  challenger: address,
  modelHash: hash,
  inputHash: hash,
  policy: z.object({
    rule: z.enum(['exact', 'tolerance', 'argmax', 'logprob']),
    maxAbsErrorE9: z.number().int().nonnegative(),
    maxRelErrorE9: z.number().int().nonnegative(),
    minAgreementBps: z.number().int().nonnegative(),
  }),
  policyText: z.string().max(500),
  verdict: z.object({
    pass: z.boolean(),
    summary: z.string().max(1000),
    detail: z.string().max(1000).nullable(),
    figures: z.object({
      compared: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      maxAbsError: figure.nullable(),
      maxRelError: figure.nullable(),
      agreement: figure.nullable(),
      agreementTensor: z.string().max(1024).nullable(),
    }),
    firstFailure: z
      .object({
        tensor: z.string().max(1024).nullable(),
        index: z.number().int().nonnegative().nullable(),
        at: z.array(z.number().int().nonnegative()).max(16).nullable(),
        submitted: value,
        reference: value,
        reason: z.string().max(1000),
      })
      .nullable(),
  }),
  submitted: z.object({ outputHash: hash, uri: z.string().max(4096).nullable() }),
  reference: z.object({ outputHash: hash, uri: z.string().max(4096).nullable() }),
  checkedAt: z.number().int().nonnegative(),
});

/** The evidence published at some URI, checked; throws an Error saying what is wrong with it. */
export function parseEvidence(bytes: Uint8Array): Evidence {
  if (bytes.byteLength > MAX_EVIDENCE_BYTES) {
    throw new Error(`it is ${bytes.byteLength} bytes, more than evidence ever is`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new Error('it is not JSON');
  }
  const parsed = evidenceSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      issue.path[0] === 'format'
        ? 'it is not challenge evidence in a format this app reads'
        : `its ${issue.path.join('.') || 'content'} is malformed`,
    );
  }
  return parsed.data as Evidence;
}
