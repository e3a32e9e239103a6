/**
 * Checking one submitted result the way a validator does: the output the provider submitted (its ResultSubmitted
 * event), the model's policy as the economy records it (ModelView.policy, inherited by forks), a re-run of the same
 * model on the same input, and the policy applied to the two. What cannot be had on this side — the re-run refused
 * by this machine's engine, the output not reachable from here — leaves the result unjudged: a validator must not
 * challenge or vote on what it could not check.
 */
import type { Address, Hash, PublicClient } from 'viem';
import { isDecline } from '#shared/decline';
import { BlobError } from '../blobs/errors';
import { readJob } from '../chain/actions/readJob';
import { readModel } from '../chain/actions/readModel';
import { economyAbi } from '../chain/artifacts';
import {
  compareOutputs,
  unusableOutput,
  VerificationError,
  type Verdict,
  type VerificationPolicy,
} from './policy';

/** The job as the check needs it: which model and input, where to fetch them. */
export interface CheckedJob {
  economy: Address;
  jobId: bigint;
  modelHash: Hash;
  inputHash: Hash;
}

export interface SubmittedOutput {
  provider: Address;
  outputHash: Hash;
  uri: string;
}

/** An output by hash and URI, with its bytes. */
export interface FetchedOutput {
  outputHash: Hash;
  uri: string;
  bytes: Uint8Array;
}

export interface ResultCheckDeps {
  publicClient: PublicClient;
  /** Reads a blob by URI, checking its hash (BlobError 'hash-mismatch' when the bytes there are others). */
  read(uri: string, hash: Hash): Promise<Uint8Array>;
  /** The re-run's output for the job's model and input (an Decline when this machine cannot run it). */
  rerun(job: CheckedJob): Promise<FetchedOutput>;
}

export type ResultCheck =
  | {
      judged: true;
      verdict: Verdict;
      policy: VerificationPolicy;
      submitted: SubmittedOutput;
      reference: FetchedOutput;
    }
  /** Why this side could not judge the result. */
  | { judged: false; reason: string };

/** Blocks searched back for a job's ResultSubmitted (a result being checked came in inside its challenge window). */
const SEARCH_BLOCKS = 5_000n;

/** The output a job's provider submitted last (its ResultSubmitted event, searched over recent blocks). */
export async function readSubmittedOutput(
  publicClient: PublicClient,
  economy: Address,
  jobId: bigint,
): Promise<SubmittedOutput | null> {
  const head = await publicClient.getBlockNumber();
  const logs = await publicClient.getContractEvents({
    address: economy,
    abi: economyAbi,
    eventName: 'ResultSubmitted',
    args: { jobId },
    fromBlock: head > SEARCH_BLOCKS ? head - SEARCH_BLOCKS : 0n,
    toBlock: 'latest',
  });
  const last = logs.at(-1)?.args;
  if (!last?.provider || !last.outputHash || last.outputURI === undefined) return null;
  return { provider: last.provider, outputHash: last.outputHash, uri: last.outputURI };
}

/** Checks one submitted result against a re-run by the model's policy. */
export async function checkResult(deps: ResultCheckDeps, job: CheckedJob): Promise<ResultCheck> {
  const submitted = await readSubmittedOutput(deps.publicClient, job.economy, job.jobId);
  if (!submitted) return { judged: false, reason: 'no submitted result was found' };
  const model = await readModel({ publicClient: deps.publicClient }, job);
  if (!model) return { judged: false, reason: 'the economy does not know the job’s model' };
  let reference: FetchedOutput;
  try {
    reference = await deps.rerun(job);
  } catch (err) {
    if (isDecline(err)) return { judged: false, reason: `the re-run was refused: ${err.message}` };
    throw err;
  }
  try {
    let verdict: Verdict;
    try {
      const bytes = await deps.read(submitted.uri, submitted.outputHash);
      // A job priced per token pays for the tokens its result claims: the count is checked with the output.
      const tokens =
        model.policy.rule === 'logprob' ? await claimedTokens(deps.publicClient, job) : undefined;
      verdict = compareOutputs(
        model.policy,
        { bytes, hash: submitted.outputHash, ...(tokens === undefined ? {} : { tokens }) },
        { bytes: reference.bytes, hash: reference.outputHash },
      );
    } catch (err) {
      // Bytes at the URI that are not the hash the provider submitted are its fault; anything else (the store
      // unreachable from here) may be this side's, and is not held against it.
      if (!(err instanceof BlobError)) throw err;
      if (err.failure !== 'hash-mismatch') {
        return { judged: false, reason: `the submitted output could not be fetched: ${err.message}` };
      }
      verdict = unusableOutput(
        model.policy,
        { submittedHash: submitted.outputHash, referenceHash: reference.outputHash },
        'the bytes at the submitted URI do not hash to the submitted output hash',
      );
    }
    return { judged: true, verdict, policy: model.policy, submitted, reference };
  } catch (err) {
    if (err instanceof VerificationError) return { judged: false, reason: err.message };
    throw err;
  }
}

/** The tokens a job priced per token claims with its result (undefined for a flat-fee job). */
async function claimedTokens(publicClient: PublicClient, job: CheckedJob): Promise<number | undefined> {
  const onChain = await readJob({ publicClient }, job);
  return onChain.maxTokens === 0 ? undefined : onChain.tokens;
}
