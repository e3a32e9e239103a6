import { z } from 'zod';
import type { DeclineReasonName } from '../decline';
import { defineCall, defineEvent, type Address, type Amount, type Hash } from './define';
import { addressSchema } from './settings';
import type { ValidatorCheck } from './validator';

export type JobKind = 'inference' | 'fine-tune';

/**
 * How a model's results are judged, registered with the model on-chain (and inherited by forks): a validator re-runs
 * the job and compares by this rule. `exact`: the output's content hash; `tolerance`: every value within
 * maxAbsErrorE9 (absolute) or maxRelErrorE9 (relative); `argmax`: the argmax over each output row agrees on at least
 * minAgreementBps of the rows; `logprob`: each claimed logprob within maxAbsErrorE9 of the re-scored one.
 */
export type VerificationRule = 'exact' | 'tolerance' | 'argmax' | 'logprob';

/** A model's verification policy in the contract's units: errors in 1e-9, agreement in basis points. */
export interface VerificationPolicy {
  rule: VerificationRule;
  maxAbsErrorE9: number;
  maxRelErrorE9: number;
  minAgreementBps: number;
}

/** A job's state on-chain, named as the contract's `JobStatus` names it (README, Contracts, "A job's life"). */
export type JobStatus =
  'Posted' | 'Assigned' | 'Submitted' | 'Voting' | 'Finalized' | 'Rejected' | 'Refunded';

/**
 * What this node has done with a job assigned to it: the last step its job journal recorded (`jobs/journal.ts`),
 * which the API and the UI show as they are. In order (a job may also end early in `declining`/`declined` or
 * `failed`):
 *   assigned → fetched → running → ran → submitting… → submitted → finalized
 * Inside a step the node works towards the next: it fetches the model and input once `assigned`, waits for a run
 * slot once `fetched`, runs and stores the output while `running`, and sends the result once it `ran`.
 */
export type JobStep =
  | 'assigned'
  | 'fetched'
  | 'running'
  | 'ran'
  | 'submitting'
  | 'submitted'
  | 'finalized'
  | 'declining'
  | 'declined'
  | 'failed';

/** What this node knows of a job assigned to it: its step, and while it works on it the live progress. */
export interface JobLocal {
  step: JobStep;
  /** 0..1 when known (fine-tune steps, downloads). */
  progress: number | null;
  etaS: number | null;
  declineReason: DeclineReasonName | null;
  error: string | null;
  /** A text-generation job's prompt and tokens so far, live while this node runs it (absent for other jobs). */
  generation?: JobGeneration | null;
}

/** A language model's generation as it goes: the progress a text job shows instead of a percentage. */
export interface JobGeneration {
  /** The prompt as text (token-id prompts as their ids), shortened past 2,000 characters. */
  prompt: string;
  /** Tokens generated so far, and the job's max_tokens (a stop string or the end of sequence may come sooner). */
  tokens: number;
  maxTokens: number;
  /** Generation speed so far; null until two tokens are out. */
  tokensPerS: number | null;
}

export interface JobSummary {
  /** `${economy}:${jobId}`: unique across economies. */
  key: string;
  economy: Address;
  economyName: string;
  jobId: string;
  kind: JobKind;
  status: JobStatus;
  /** Present for jobs assigned to this provider. */
  local: JobLocal | null;
  modelHash: Hash;
  /** The model's registered name, when it has one ("PP-OCRv4 recognition"). */
  modelName: string | null;
  fee: Amount;
  tokenSymbol: string;
  /** Unix seconds. */
  deadline: number;
  postedAt: number;
  updatedAt: number;
  provider: Address | null;
  mine: boolean;
}

/** A short look at a job's output, so people see what their GPU did. */
export type OutputPreview =
  | { kind: 'ocr'; text: string }
  | { kind: 'vad'; durationS: number; segments: { startS: number; endS: number }[] }
  | { kind: 'fine-tune'; lossCurve: number[]; evalLoss: number }
  | {
      /** A language model's generated text, with how many tokens and how fast (text-generation jobs). */
      kind: 'text';
      text: string;
      tokens: number;
      finishReason: 'length' | 'stop' | 'eos';
      promptTokens: number;
      promptTokensPerS: number;
      tokensPerS: number;
      /** The prompt (shortened past 2,000 characters) and max_tokens; absent in previews saved before they were. */
      prompt?: string;
      maxTokens?: number;
      /** Each generated token: its id, its text and its logprob (what the `logprob` policy re-scores). */
      pieces?: { token: number; text: string; logprob: number }[];
    }
  | {
      /** A text detector's probability map, shrunk to a grid, with the boxes of the text regions found in it. */
      kind: 'text-regions';
      width: number;
      height: number;
      threshold: number;
      /** One byte a cell (probability × 255), row-major, base64. */
      grid: { cols: number; rows: number; cells: string };
      boxes: { x: number; y: number; width: number; height: number; score: number }[];
    }
  | { kind: 'tensors'; tensors: { name: string; dtype: string; shape: number[] }[] };

export interface JobDetail extends JobSummary {
  requester: Address;
  inputHash: Hash;
  inputUri: string;
  outputHash: Hash | null;
  outputUri: string | null;
  /** Milliseconds spent by this node on each step. */
  timings: { fetchMs: number | null; runMs: number | null; submitMs: number | null } | null;
  txs: { label: string; hash: Hash; block: number | null }[];
  preview: OutputPreview | null;
  /** The job's history, oldest first: chain events and journal steps. */
  timeline: { t: number; label: string; txHash?: Hash }[];
  /**
   * How validators judge this job's result: the model's policy and the same in words ("argmax agreement ≥ 99 %").
   * null when the economy's record of the model could not be read.
   */
  verification: { policy: VerificationPolicy; text: string } | null;
  /** Each decline of this job, oldest first, with its reason in words (a decline is never slashed). */
  declines: JobDecline[];
  /** Providers drawn that neither accepted nor answered inside the accept window: re-drawn, nobody slashed. */
  noShows: { provider: Address; t: number }[];
  /** How the fee comes back to the requester, in words, and whether this wallet can cancel the job now. */
  refund: JobRefund;
  /** Validators' re-runs of its result that this node knows of (see JobCheck), the latest first. */
  checks: JobCheck[];
}

/**
 * A validator's check of a job's result that this node knows of: its own validator's, and on the devnet the
 * devnet's validators' (the node runs them). Another node's check that agrees leaves nothing on-chain; one that
 * disagrees shows as a challenge in the job's history.
 */
export interface JobCheck extends ValidatorCheck {
  validator: Address;
  /** Who checked it, in words: "this node" or a devnet validator's name. */
  by: string;
}

export interface JobDecline {
  provider: Address;
  /** null for a code this version does not know. */
  reason: DeclineReasonName | null;
  label: string;
  meaning: string | null;
  t: number;
}

/**
 * The requester's side of a job's fee. A job is refunded by itself once `maxDeclines` providers declined it, let it
 * go unaccepted or missed its deadline; one nobody can be drawn for is cancelled by its requester (jobs.cancel),
 * 256 blocks after its last draw block or at once after 16 draws that kept nobody.
 */
export interface JobRefund {
  /** In words: "Refunded by itself after 3 declines (…)", "You can cancel it from block 1290 (…)", … */
  text: string;
  /** The economy's maxDeclines: declines, no-shows and timeouts after which the fee goes back by itself. */
  maxDeclines: number | null;
  /** Whether this wallet posted the job. */
  yours: boolean;
  /** Whether this wallet can cancel the job now (its own, still Posted, the delay over). */
  cancellable: boolean;
  /** Posted: the first block a cancel can land in (null once it can, or when it never can). */
  cancellableFromBlock: string | null;
}

/** `{ key }`: the payload of a call about one job, its key `<economy>:<jobId>`. */
const jobKey = z.object({ key: z.string().regex(/^0x[0-9a-fA-F]{40}:\d{1,78}$/, 'economy:jobId') }).strict();

export const jobsCalls = {
  'jobs.list': defineCall<JobSummary[]>()(
    'Jobs, newest first: all of the economies known, or one; only this provider’s with `mine`.',
    z
      .object({
        economy: addressSchema.optional(),
        mine: z.boolean().default(false),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
  ),
  'jobs.get': defineCall<JobDetail>()(
    'One job with its timeline, transactions and an output preview.',
    jobKey,
  ),
  'jobs.cancel': defineCall<JobDetail>()(
    'Cancel a job this wallet posted that nobody was assigned to: its fee goes back to the claimable balance.',
    jobKey,
  ),
};

export const jobsEvents = {
  'jobs.updated': defineEvent<JobSummary>('A job changed on-chain or in this node.'),
};
