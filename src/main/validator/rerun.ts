/**
 * One result checked on this machine: the model, the input and the submitted output fetched by their hashes, the
 * job re-run on this machine's engine (a language model's claim re-scored instead, when the engine can), and the
 * model's on-chain verification policy applied to the two (verification/check.ts). What cannot be had here — a model
 * or input that does not arrive or does not hash to the job's, an output that cannot be fetched, a policy or a job
 * the engine does not know — leaves the result unjudged, with the reason: a validator never votes on it.
 */
import { readFile } from 'node:fs/promises';
import type { Address, Hash, PublicClient } from 'viem';
import { Decline } from '#shared/decline';
import { BlobError } from '../blobs/errors';
import type { BlobStore } from '../blobs/store';
import { readModel } from '../chain/actions/readModel';
import type { Engine } from '../engine/engine';
import type { EngineJob, JobKind, JobResult } from '../engine/jobs';
import { isLanguageModelJob } from '../engine/llama/runtime';
import { checkResult, readSubmittedOutput, type ResultCheck } from '../verification/check';

export interface RerunJob {
  economy: Address;
  jobId: bigint;
  kind: JobKind;
  modelHash: Hash;
  inputHash: Hash;
  inputUri: string;
}

export interface RerunDeps {
  publicClient: PublicClient;
  blobs: Pick<BlobStore, 'fetch' | 'publish'>;
  engine: Engine;
  maxBytes: number;
  /** How long a re-run may take, ms. */
  timeoutMs: number;
}

export type Rerun =
  | (Extract<ResultCheck, { judged: true }> & {
      run: Pick<JobResult, 'device' | 'executionProvider'> & { runMs: number };
    })
  | { judged: false; reason: string };

/** An engine that can re-score a language model's claimed continuation (engine/llama/runtime.ts). */
interface Rescorer {
  rescore(job: EngineJob, claimed: Uint8Array, options?: { timeoutMs?: number }): Promise<JobResult>;
}

function canRescore(engine: Engine): engine is Engine & Rescorer {
  return typeof (engine as Partial<Rescorer>).rescore === 'function';
}

/** Re-runs a submitted job and judges its result by the model's policy. */
export async function rerunAndJudge(deps: RerunDeps, job: RerunJob): Promise<Rerun> {
  const model = await readModel({ publicClient: deps.publicClient }, job);
  if (!model) return { judged: false, reason: 'the economy does not know the job’s model' };
  let run: { device: string; executionProvider: JobResult['executionProvider']; runMs: number } | null = null;
  const read = async (uri: string, hash: Hash) =>
    new Uint8Array(await readFile((await deps.blobs.fetch(uri, hash, { maxBytes: deps.maxBytes })).path));
  let modelPath: string;
  let input: Uint8Array;
  try {
    modelPath = (await deps.blobs.fetch(model.uri, job.modelHash, { maxBytes: deps.maxBytes })).path;
  } catch (err) {
    if (err instanceof BlobError)
      return { judged: false, reason: `the model could not be fetched: ${err.message}` };
    throw err;
  }
  try {
    input = await read(job.inputUri, job.inputHash);
  } catch (err) {
    if (err instanceof BlobError)
      return { judged: false, reason: `the input could not be fetched: ${err.message}` };
    throw err;
  }
  let result: ResultCheck;
  try {
    result = await checkResult(
      {
        publicClient: deps.publicClient,
        read,
        rerun: async () => {
          const engineJob: EngineJob = {
            kind: job.kind,
            modelHash: job.modelHash,
            model: () => readFile(modelPath).then((b) => new Uint8Array(b)),
            input,
            inputHash: job.inputHash,
          };
          const started = performance.now();
          let out: JobResult;
          // A language model's job (on-chain an inference job with a text-generation input, until it has a kind).
          if (isLanguageModelJob(engineJob)) {
            if (!canRescore(deps.engine)) {
              throw new Decline('UNSUPPORTED_KIND', 'this engine cannot re-score language-model outputs');
            }
            // The claim is what is re-scored: fetched (hash-checked) before the re-run.
            const submitted = await submittedBytes(deps, job, read);
            out = await deps.engine.rescore(engineJob, submitted, { timeoutMs: deps.timeoutMs });
          } else {
            out = await deps.engine.runJob(engineJob, { timeoutMs: deps.timeoutMs });
          }
          run = {
            device: out.device,
            executionProvider: out.executionProvider,
            runMs: out.timings?.runMs ?? performance.now() - started,
          };
          // The re-run is kept: the evidence points at it, for anyone to compare.
          const published = await deps.blobs.publish(out.output);
          return { outputHash: out.outputHash, uri: published.uri, bytes: out.output };
        },
      },
      { economy: job.economy, jobId: job.jobId, modelHash: job.modelHash, inputHash: job.inputHash },
    );
  } catch (err) {
    if (err instanceof BlobError) {
      return { judged: false, reason: `the submitted output could not be fetched: ${err.message}` };
    }
    throw err;
  }
  if (!result.judged) return result;
  return {
    ...result,
    run: run ?? { device: 'unknown', executionProvider: 'cpu', runMs: 0 },
  };
}

async function submittedBytes(
  deps: RerunDeps,
  job: RerunJob,
  read: (uri: string, hash: Hash) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const s = await readSubmittedOutput(deps.publicClient, job.economy, job.jobId);
  if (!s) throw new Decline('FETCH_FAILED', 'no submitted result was found');
  return read(s.uri, s.outputHash);
}
