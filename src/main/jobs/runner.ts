import { readFile } from 'node:fs/promises';
import type { Address, Hash } from 'viem';
import type { JobKind } from '#shared/api/jobs';
import { Decline } from '#shared/decline';
import { FlywheelError } from '#shared/errors';
import { declineReasonFor } from '../blobs/errors';
import { acceptJob } from '../chain/actions/acceptJob';
import { readJob, type ReadJobReturnType } from '../chain/actions/readJob';
import { readJobPosted } from '../chain/actions/readJobPosted';
import { readModel } from '../chain/actions/readModel';
import type { ActionClient } from '../chain/actions/send';
import { isTransient } from '../chain/tx/errors';
import type { JobResult } from '../engine/jobs';
import type { JobContext } from './context';
import { decline, DECLINE_FAILED, SOFT_REASONS } from './decline';
import { advance, generationOf } from './generation';
import { isFinished, type JournalJob } from './journal';
import { append, fail, firstLine, type JobOutcome } from './steps';
import { movedOn, submit } from './submit';

/** How sure the node wants to be that a run fits: predicted run time × this must fit before the deadline. */
export const DEADLINE_SAFETY = 1.25;

/** What a job asks for: its model, its input and where the input is. */
interface Posting {
  modelHash: Hash;
  inputHash: Hash;
  inputURI: string;
}

/**
 * Takes one job assigned to this provider from wherever its journal says it is to its end: fetch (hash-checked),
 * accept (inside the accept window), run, store the output, submit — or decline inside the accept window with a
 * reason. Every step is journaled before the node acts on it; the chain is read first, once (already submitted?
 * moved on? past the deadline?), so the job continues from its last safe step, is never submitted twice and never
 * loses a result. Resolves with how the pass left the job (JobOutcome): submitted (finalization is watched by the
 * job loop), declined, failed, or waiting for the chain or the wallet.
 */
export async function processJob(ctx: JobContext, economy: Address, jobId: bigint): Promise<JobOutcome> {
  try {
    return await pass(ctx, economy, jobId);
  } catch (err) {
    // Not reachable or not signable now (RPC down, wallet locked): the journal keeps the job at its step.
    ctx.log.warn('a job is waiting for the chain or the wallet', {
      economy,
      jobId: String(jobId),
      error: firstLine(err),
    });
    return 'waiting';
  }
}

async function pass(ctx: JobContext, economy: Address, jobId: bigint): Promise<JobOutcome> {
  const client = await ctx.chain.actionClient();
  const me = client.tx.address;
  const job = await readJob(client, { economy, jobId });
  let entry = ctx.journal.get(economy, jobId);
  const mine = job.provider?.toLowerCase() === me.toLowerCase();

  let force = false;
  if (!entry || isFinished(entry.step)) {
    // A new assignment: ours, and a different round from any finished one in the journal — or the same one after
    // a decline that did not land, which must now be run (declining is no longer possible).
    if (!(job.status === 'Assigned' && mine)) return 'skipped';
    force = entry?.step === 'failed' && !!entry.fields.error?.startsWith(DECLINE_FAILED);
    if (entry && entry.fields.deadline === job.deadline && !force) return 'skipped';
    const posted = await readJobPosted(client, { economy, jobId, fromBlock: ctx.startBlock });
    entry = ctx.journal.append(economy, jobId, 'assigned', {
      modelHash: posted.modelHash,
      inputHash: posted.inputHash,
      inputURI: posted.inputUri,
      deadline: job.deadline,
      kind: posted.kind,
    });
    ctx.log.info('job assigned', { economy, jobId: String(jobId), deadline: job.deadline });
  }

  switch (entry.step) {
    case 'assigned':
    case 'fetched':
    case 'running': {
      if (!(job.status === 'Assigned' && mine)) return movedOn(ctx, client, entry, job);
      const ran = await run(ctx, client, entry, job, force);
      return typeof ran === 'string' ? ran : submit(ctx, client, ran, job);
    }
    case 'ran':
    case 'submitting':
      return submit(ctx, client, entry, job);
    case 'declining':
      return decline(ctx, client, entry, job, new Decline(entry.fields.reason!, 'resumed after a restart'));
    default:
      return 'submitted'; // submitted: finalization is watched by the job loop
  }
}

/**
 * Checks, fetches and runs the job and stores its output; returns the journal entry at `ran`, or how the job ended
 * when it was declined or failed. A transient RPC failure is thrown: the job waits at its step.
 */
async function run(
  ctx: JobContext,
  client: ActionClient,
  entry: JournalJob,
  job: ReadJobReturnType,
  force: boolean,
): Promise<JournalJob | 'declined' | 'failed'> {
  const kind = (entry.fields.kind ?? job.kind) as JobKind;
  try {
    const why = force ? null : ctx.notAccepting();
    if (why) throw new Decline('OVER_CAPACITY', why);
    if (!ctx.kinds.includes(kind))
      throw new Decline('UNSUPPORTED_KIND', `this provider does not serve ${kind} jobs`);
    const posting = await postingOf(ctx, client, entry);
    const fetched = await fetchJob(ctx, client, entry, job, posting);
    const input = new Uint8Array(await readFile(fetched.inputPath));
    const { predicted, leftMs } = checkDeadline(
      ctx,
      job,
      { kind, modelHash: posting.modelHash, input, modelBytes: fetched.modelBytes },
      force,
    );
    // Running it: a job neither accepted nor answered in the accept window is a no-show that anyone may report,
    // which takes it away (no slash). Answered in the window, it needs no accept; still running near its end, it is
    // accepted then, and from then on a missed deadline is this node's (slashed).
    acceptUnlessAnswered(ctx, client, entry, job);
    const ran = await execute(ctx, fetched.entry, {
      kind,
      posting,
      modelPath: fetched.modelPath,
      modelBytes: fetched.modelBytes,
      input,
      leftMs,
    });
    if (predicted !== null) ctx.benchmark.reportLiveRun(predicted, ran.result.timings.runMs);
    return await store(ctx, ran.entry, ran.result);
  } catch (err) {
    return runFailed(ctx, client, ctx.journal.get(entry.economy, entry.jobId) ?? entry, job, force, err);
  }
}

/** What the job asks for, as journaled at its assignment (read from its JobPosted event where it is not). */
async function postingOf(ctx: JobContext, client: ActionClient, entry: JournalJob): Promise<Posting> {
  const { modelHash, inputHash, inputURI } = entry.fields;
  if (modelHash && inputHash && inputURI) return { modelHash, inputHash, inputURI };
  const posted = await readJobPosted(client, {
    economy: entry.economy,
    jobId: BigInt(entry.jobId),
    fromBlock: ctx.startBlock,
  });
  return { modelHash: posted.modelHash, inputHash: posted.inputHash, inputURI: posted.inputUri };
}

/**
 * Fetches model and input (hash-verified by the blob store), racing the accept window: a job whose bytes do not
 * arrive in time is declined rather than risked. Journals `fetched`.
 */
async function fetchJob(
  ctx: JobContext,
  client: ActionClient,
  entry: JournalJob,
  job: ReadJobReturnType,
  posting: Posting,
): Promise<{ entry: JournalJob; modelPath: string; modelBytes: number; inputPath: string }> {
  const { economy } = entry;
  const started = performance.now();
  const model = await readModel(client, { economy, modelHash: posting.modelHash });
  if (!model) throw new Decline('FETCH_FAILED', 'the economy has no such model registered');
  const windowLeftMs = (job.acceptWindowEndsAt - ctx.txLatencyS - ctx.chain.now()) * 1000;
  const abort = new AbortController();
  const timer = windowLeftMs > 0 ? setTimeout(() => abort.abort(), windowLeftMs) : undefined;
  try {
    const maxBytes = ctx.maxBlobBytes();
    const get = (uri: string, hash: Hash, what: 'model' | 'input') =>
      ctx.blobs.fetch(uri, hash, { maxBytes, signal: abort.signal }).catch((err: unknown) => {
        throw new Decline(declineReasonFor(err, what), (err as Error).message);
      });
    const [m, i] = await Promise.all([
      get(model.uri, posting.modelHash, 'model'),
      get(posting.inputURI, posting.inputHash, 'input'),
    ]);
    const fetched = append(ctx, entry, 'fetched', { modelPath: m.path, inputPath: i.path });
    ctx.local.update(economy, BigInt(entry.jobId), {
      timings: { fetchMs: performance.now() - started, runMs: null, submitMs: null },
    });
    return { entry: fetched, modelPath: m.path, modelBytes: m.size, inputPath: i.path };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Declines a job this machine cannot finish before its deadline: the benchmark's prediction (stretched as live runs
 * go lately) after the wait for a slot. Returns the prediction (null: none) and the time left before the deadline.
 */
export function checkDeadline(
  ctx: JobContext,
  job: ReadJobReturnType,
  work: { kind: JobKind; modelHash: Hash; input: Uint8Array; modelBytes: number },
  force: boolean,
): { predicted: number | null; leftMs: () => number } {
  const predicted = ctx.benchmark.predictRunMs(work);
  const leftMs = () => (job.deadline - ctx.txLatencyS - ctx.chain.now()) * 1000;
  const waitMs = ctx.queueWaitMs();
  // The benchmark predicts this machine at its best; live runs lately tell how it goes now.
  const stretch = ctx.benchmark.liveStretch();
  const expected = (predicted ?? 0) * stretch;
  if (!force && expected * DEADLINE_SAFETY + waitMs > leftMs()) {
    throw new Decline(
      'DEADLINE_INFEASIBLE',
      `predicted ${Math.round(expected)} ms${stretch > 1 ? ` (×${stretch.toFixed(2)} as live runs go lately)` : ''} ` +
        `after ~${Math.round(waitMs)} ms waiting for a slot, ${Math.round(leftMs())} ms left before the deadline`,
    );
  }
  return { predicted, leftMs };
}

/** Waits for a run slot, journals `running` and runs the job on the engine, reporting live progress. */
async function execute(
  ctx: JobContext,
  entry: JournalJob,
  work: {
    kind: JobKind;
    posting: Posting;
    modelPath: string;
    modelBytes: number;
    input: Uint8Array;
    leftMs: () => number;
  },
): Promise<{ entry: JournalJob; result: JobResult }> {
  const { economy } = entry;
  const id = BigInt(entry.jobId);
  const free = await ctx.runSlot();
  let result: JobResult | undefined;
  try {
    if (work.leftMs() <= 0)
      throw new Decline('DEADLINE_INFEASIBLE', 'the deadline passed while the job waited for a slot');
    const running = append(ctx, entry, 'running', {});
    const generation = generationOf(work.kind, work.input);
    ctx.local.update(economy, id, { progress: 0, ...(generation ? { generation } : {}) });
    result = await ctx.engine.runJob(
      {
        kind: work.kind,
        modelHash: work.posting.modelHash,
        model: () => readFile(work.modelPath).then((b) => new Uint8Array(b)),
        modelBytes: work.modelBytes,
        input: work.input,
        inputHash: work.posting.inputHash,
      },
      {
        timeoutMs: Math.max(1, work.leftMs()),
        onProgress: (p) => {
          const tokens = generation && advance(generation, p);
          ctx.local.update(economy, id, {
            progress: p.fraction,
            etaS: p.etaS,
            ...(tokens ? { generation: tokens } : {}),
          });
        },
      },
    );
    return { entry: running, result };
  } finally {
    free(result?.timings.runMs);
  }
}

/** Publishes the output (checked against the engine's hash), journals `ran` with its URI and keeps the preview. */
async function store(ctx: JobContext, entry: JournalJob, result: JobResult): Promise<JournalJob> {
  const published = await ctx.blobs.publish(result.output);
  if (published.hash.toLowerCase() !== result.outputHash.toLowerCase()) {
    throw new FlywheelError('The stored output does not hash to what the engine computed.', {
      code: 'INTERNAL',
    });
  }
  const ran = append(ctx, entry, 'ran', { outputHash: result.outputHash, outputURI: published.uri });
  ctx.local.update(entry.economy, BigInt(entry.jobId), {
    preview: result.preview,
    progress: 1,
    etaS: 0,
    timings: { fetchMs: null, runMs: result.timings.runMs + result.timings.loadMs, submitMs: null },
  });
  return ran;
}

/**
 * Where a run stopped short: a Decline is declined inside the accept window (past it, a job that is merely
 * inconvenient is run anyway); a transient RPC failure goes up (the job waits at its step); anything else fails it.
 */
async function runFailed(
  ctx: JobContext,
  client: ActionClient,
  entry: JournalJob,
  job: ReadJobReturnType,
  force: boolean,
  err: unknown,
): Promise<JournalJob | 'declined' | 'failed'> {
  if (err instanceof Decline) {
    const open = ctx.chain.now() < job.acceptWindowEndsAt - ctx.txLatencyS / 2;
    // Too late to decline without a slash: a job that is merely inconvenient is run anyway.
    if (!open && SOFT_REASONS.includes(err.reason) && !force) return run(ctx, client, entry, job, true);
    return decline(ctx, client, entry, job, err);
  }
  if (isTransient(err)) {
    // The RPC did not answer (a dropped request, a 503, a timeout): no fault of the job's. The journal stays at
    // its step and the error goes up to the job loop, which runs the job again once the chain answers.
    ctx.local.update(entry.economy, BigInt(entry.jobId), {
      error: `waiting for the chain: ${firstLine(err)}`,
    });
    throw err;
  }
  return fail(ctx, entry, err);
}

/** Journal steps at which the job is answered, or about to be: an accept then would only cost gas. */
const ANSWERED: ReadonlySet<string> = new Set([
  'ran',
  'submitting',
  'submitted',
  'finalized',
  'declining',
  'declined',
  'failed',
]);

/**
 * Accepts the job at the last safe moment of its accept window unless it is answered by then. The contract takes a
 * submission inside the window as the answer, so a job that runs and is submitted inside it skips `acceptJob`
 * (~37k gas, an eighth of a job's life); one still running then is accepted, as before. The last safe moment leaves
 * the larger of two transaction latencies (+1 s) and 40 % of the window for the accept to land.
 */
function acceptUnlessAnswered(
  ctx: JobContext,
  client: ActionClient,
  entry: JournalJob,
  job: ReadJobReturnType,
): void {
  if (job.accepted) return;
  const windowS = job.acceptWindowEndsAt - job.assignedAt;
  const leadS = Math.max(2 * ctx.txLatencyS + 1, 0.4 * windowS);
  const waitMs = (job.acceptWindowEndsAt - leadS - ctx.chain.now()) * 1000;
  const go = () => {
    if (ANSWERED.has(ctx.journal.get(entry.economy, entry.jobId)?.step ?? '')) return;
    void accept(ctx, client, entry.economy, BigInt(entry.jobId), job);
  };
  if (waitMs <= 0) go();
  else setTimeout(go, waitMs).unref();
}

/** Accepts the job if its accept window is still open; a failure is logged, never thrown (the run goes on). */
async function accept(
  ctx: JobContext,
  client: ActionClient,
  economy: Address,
  jobId: bigint,
  job: ReadJobReturnType,
): Promise<void> {
  if (job.accepted || ctx.chain.now() >= job.acceptWindowEndsAt) return;
  try {
    await acceptJob(client, { economy, jobId, assignedAt: job.assignedAt });
  } catch (err) {
    ctx.log.warn('could not accept a job inside its accept window; running it anyway', {
      economy,
      jobId: String(jobId),
      error: firstLine(err),
    });
  }
}
