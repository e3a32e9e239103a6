import { readFile } from 'node:fs/promises';
import type { Address, Hash } from 'viem';
import type { JobKind } from '#shared/api/jobs';
import { Decline, type DeclineReasonName } from '#shared/decline';
import { FlywheelError } from '#shared/errors';
import { declineReasonFor } from '../blobs/errors';
import { economyAbi } from '../chain/artifacts';
import { acceptJob } from '../chain/actions/acceptJob';
import { declineJob } from '../chain/actions/declineJob';
import { readJob, type ReadJobReturnType } from '../chain/actions/readJob';
import { readJobPosted } from '../chain/actions/readJobPosted';
import { readModel } from '../chain/actions/readModel';
import type { ActionClient } from '../chain/actions/send';
import { submitResult } from '../chain/actions/submitResult';
import { isTransient, TxFailedError } from '../chain/tx/errors';
import type { JobContext } from './context';
import { advance, generationOf } from './generation';
import { isFinished, type JournalJob, type JournalStep, type JournalStepData } from './journal';
import { tokensToClaim } from './tokens';

/** How sure the node wants to be that a run fits: predicted run time × this must fit before the deadline. */
const DEADLINE_SAFETY = 1.25;

/** Reasons that say "not now" rather than "bad job": past the accept window such a job is run anyway. */
const SOFT: readonly DeclineReasonName[] = ['OVER_CAPACITY', 'DEADLINE_INFEASIBLE'];

/** How a failed decline is journaled: the next round runs the job instead (it is still ours). */
const DECLINE_FAILED = 'the decline did not land';

/**
 * Takes one job assigned to this provider from wherever its journal says it is to its end: fetch (hash-checked),
 * accept (inside the accept window), run, store the output, submit — or decline inside the accept window with a
 * reason. Every step is journaled
 * before the node acts on it; on resume the chain is read first (already submitted? moved on? past the
 * deadline?), so the job continues from its last safe step, is never submitted twice and never loses a result.
 * Resolves once the job is submitted (finalization is watched elsewhere), declined or failed.
 */
export async function processJob(ctx: JobContext, economy: Address, jobId: bigint): Promise<void> {
  const client = await ctx.chain.actionClient();
  const me = client.tx.address;
  let job = await readJob(client, { economy, jobId });
  let entry = ctx.journal.get(economy, jobId);
  const mine = job.provider?.toLowerCase() === me.toLowerCase();

  let force = false;
  if (!entry || isFinished(entry.step)) {
    // A new assignment: ours, and a different round from any finished one in the journal — or the same one after
    // a decline that did not land, which must now be run (declining is no longer possible).
    if (!(job.status === 'Assigned' && mine)) return;
    force = entry?.step === 'failed' && !!entry.fields.error?.startsWith(DECLINE_FAILED);
    if (entry && entry.fields.deadline === job.deadline && !force) return;
    const posted = await readJobPosted(client, { economy, jobId, fromBlock: ctx.startBlock });
    entry = ctx.journal.append(economy, jobId, 'assigned', {
      modelHash: posted.modelHash,
      inputHash: posted.inputHash,
      deadline: job.deadline,
      kind: posted.kind,
    });
    ctx.log.info('job assigned', { economy, jobId: String(jobId), deadline: job.deadline });
    ctx.update(economy, jobId, {
      step: 'queued',
      progress: null,
      etaS: null,
      declineReason: null,
      error: null,
    });
  }

  switch (entry.step) {
    case 'assigned':
    case 'fetched': {
      if (!(job.status === 'Assigned' && mine)) return movedOn(ctx, client, entry, job);
      const ran = await run(ctx, client, entry, job, force);
      if (!ran) return;
      entry = ran;
      job = await readJob(client, { economy, jobId });
      return submit(ctx, client, entry, job);
    }
    case 'ran':
    case 'submitting':
      return submit(ctx, client, entry, job);
    case 'declining':
      return decline(ctx, client, entry, job, new Decline(entry.fields.reason!, 'resumed after a restart'));
    default:
      return; // submitted: finalization is watched by the job loop
  }
}

/** Fetches, checks and runs; returns the journal entry at `ran`, or null when the job was declined or failed. */
async function run(
  ctx: JobContext,
  client: ActionClient,
  entry: JournalJob,
  job: ReadJobReturnType,
  force: boolean,
): Promise<JournalJob | null> {
  const { economy, jobId } = entry;
  const id = BigInt(jobId);
  const kind = (entry.fields.kind ?? job.kind) as JobKind;
  try {
    const why = force ? null : ctx.notAccepting();
    if (why) throw new Decline('OVER_CAPACITY', why);
    if (!ctx.kinds.includes(kind))
      throw new Decline('UNSUPPORTED_KIND', `this provider does not serve ${kind} jobs`);

    // Fetch model and input (hash-verified by the blob store), racing the accept window: a job whose bytes do not
    // arrive in time is declined rather than risked.
    ctx.update(economy, id, { step: 'fetching' });
    const fetchStarted = performance.now();
    const posted = await readJobPosted(client, { economy, jobId: id, fromBlock: ctx.startBlock });
    const model = await readModel(client, { economy, modelHash: posted.modelHash });
    if (!model) throw new Decline('FETCH_FAILED', 'the economy has no such model registered');
    const windowLeftMs = (job.acceptWindowEndsAt - ctx.txLatencyS - ctx.chain.now()) * 1000;
    const abort = new AbortController();
    const timer = windowLeftMs > 0 ? setTimeout(() => abort.abort(), windowLeftMs) : undefined;
    let modelPath: string;
    let inputPath: string;
    try {
      const maxBytes = ctx.maxBlobBytes();
      const [m, i] = await Promise.all([
        ctx.blobs
          .fetch(model.uri, posted.modelHash, { maxBytes, signal: abort.signal })
          .catch((err: unknown) => {
            throw new Decline(declineReasonFor(err, 'model'), (err as Error).message);
          }),
        ctx.blobs
          .fetch(posted.inputUri, posted.inputHash, { maxBytes, signal: abort.signal })
          .catch((err: unknown) => {
            throw new Decline(declineReasonFor(err, 'input'), (err as Error).message);
          }),
      ]);
      modelPath = m.path;
      inputPath = i.path;
    } finally {
      clearTimeout(timer);
    }
    entry = append(ctx, entry, 'fetched', { modelPath, inputPath });
    ctx.update(economy, id, {
      timings: { fetchMs: performance.now() - fetchStarted, runMs: null, submitMs: null },
    });

    const input = new Uint8Array(await readFile(inputPath));
    const predicted = ctx.benchmark.predictRunMs({ kind, modelHash: posted.modelHash, input });
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

    // Running it: say so inside the accept window, while it waits for a slot and runs. From here a missed deadline
    // is this node's (slashed); a job neither accepted nor answered in the window is a no-show that anyone may
    // report, which takes it away (no slash) — so a job run past the window without an accept may be lost.
    void accept(ctx, client, economy, id, job);

    ctx.update(economy, id, { step: 'queued' });
    const free = await ctx.runSlot();
    let result;
    try {
      if (leftMs() <= 0)
        throw new Decline('DEADLINE_INFEASIBLE', 'the deadline passed while the job waited for a slot');
      const generation = generationOf(kind, input);
      ctx.update(economy, id, { step: 'running', progress: 0, ...(generation ? { generation } : {}) });
      result = await ctx.engine.runJob(
        {
          kind,
          modelHash: posted.modelHash,
          model: () => readFile(modelPath).then((b) => new Uint8Array(b)),
          input,
          inputHash: posted.inputHash,
        },
        {
          timeoutMs: Math.max(1, leftMs()),
          onProgress: (p) => {
            const tokens = generation && advance(generation, p);
            ctx.update(economy, id, {
              progress: p.fraction,
              etaS: p.etaS,
              ...(tokens ? { generation: tokens } : {}),
            });
          },
        },
      );
    } finally {
      free(result?.timings.runMs);
    }
    if (predicted !== null) ctx.benchmark.reportLiveRun(predicted, result.timings.runMs);

    ctx.update(economy, id, { step: 'storing' });
    const published = await ctx.blobs.publish(result.output);
    if (published.hash.toLowerCase() !== result.outputHash.toLowerCase()) {
      throw new FlywheelError('The stored output does not hash to what the engine computed.', {
        code: 'INTERNAL',
      });
    }
    const ran = append(ctx, entry, 'ran', { outputHash: result.outputHash, outputURI: published.uri });
    ctx.update(economy, id, {
      preview: result.preview,
      progress: 1,
      etaS: 0,
      timings: {
        fetchMs: null,
        runMs: result.timings.runMs + result.timings.loadMs,
        submitMs: null,
      },
    });
    return ran;
  } catch (err) {
    if (err instanceof Decline) {
      const open = ctx.chain.now() < job.acceptWindowEndsAt - ctx.txLatencyS / 2;
      // Too late to decline without a slash: a job that is merely inconvenient is run anyway.
      if (!open && SOFT.includes(err.reason) && !force) return run(ctx, client, entry, job, true);
      await decline(ctx, client, entry, job, err);
      return null;
    }
    if (isTransient(err)) {
      // The RPC did not answer (a dropped request, a 503, a timeout): no fault of the job's. The journal stays at
      // its step and the error goes up to the job loop, which runs the job again once the chain answers.
      ctx.update(economy, id, { step: 'queued', error: `waiting for the chain: ${firstLine(err)}` });
      throw err;
    }
    fail(ctx, entry, err);
    return null;
  }
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

/** Submits the result (keyed by job: sent at most once, also across restarts) and journals the outcome. */
async function submit(
  ctx: JobContext,
  client: ActionClient,
  entry: JournalJob,
  job: ReadJobReturnType,
): Promise<void> {
  const { economy, jobId } = entry;
  const id = BigInt(jobId);
  const me = client.tx.address.toLowerCase();
  const started = performance.now();
  ctx.update(economy, id, { step: 'submitting' });
  // A job priced per token is paid for the tokens its output holds: claimed with the result.
  const tokens = await tokensToClaim(ctx.blobs, job, {
    uri: entry.fields.outputURI!,
    hash: entry.fields.outputHash!,
  });
  for (let attempt = 0; ; attempt++) {
    try {
      const outcome = await submitResult(client, {
        economy,
        jobId: id,
        outputHash: entry.fields.outputHash!,
        outputUri: entry.fields.outputURI!,
        ...(tokens === undefined ? {} : { tokens }),
        onSent: (txHash) => {
          entry = append(ctx, entry, 'submitting', { txHash });
        },
      });
      const txHash = outcome.hash ?? (await submittedTx(ctx, client, economy, id));
      if (entry.step === 'ran') entry = append(ctx, entry, 'submitting', { txHash });
      append(ctx, entry, 'submitted', {
        txHash,
        ...(outcome.receipt ? { blockNumber: Number(outcome.receipt.blockNumber) } : {}),
      });
      ctx.update(economy, id, {
        step: 'submitted',
        timings: { fetchMs: null, runMs: null, submitMs: performance.now() - started },
      });
      ctx.log.info('result submitted', { economy, jobId, txHash });
      return;
    } catch (err) {
      const now = await readJob(client, { economy, jobId: id }).catch(() => null);
      if (
        now &&
        now.provider?.toLowerCase() === me &&
        ['Submitted', 'Voting', 'Finalized', 'Rejected'].includes(now.status)
      ) {
        // It landed (an answer lost on the way back): the chain says so, the event names the transaction.
        const txHash = await submittedTx(ctx, client, economy, id);
        if (entry.step === 'ran') entry = append(ctx, entry, 'submitting', { txHash });
        append(ctx, entry, 'submitted', { txHash });
        ctx.update(economy, id, { step: 'submitted' });
        return;
      }
      if (now && !(now.status === 'Assigned' && now.provider?.toLowerCase() === me))
        return movedOn(ctx, client, entry, now);
      if (err instanceof TxFailedError || ctx.chain.now() > job.deadline + ctx.txLatencyS) {
        return fail(ctx, entry, err);
      }
      // The RPC or the wallet is away: try again while the deadline allows.
      await sleep(Math.min(200 * 2 ** attempt, 5_000));
      client = await ctx.chain.actionClient().catch(() => client);
    }
  }
}

/** Declines inside the accept window (journaled first, so a restart finishes the decline instead of the job). */
async function decline(
  ctx: JobContext,
  client: ActionClient,
  entry: JournalJob,
  job: ReadJobReturnType,
  why: Decline,
): Promise<void> {
  const { economy, jobId } = entry;
  const id = BigInt(jobId);
  const open = ctx.chain.now() < job.acceptWindowEndsAt;
  if (!open && entry.step !== 'declining') {
    // Too late to decline without a slash, and the job cannot be done (bad input, broken model): fail it.
    return fail(ctx, entry, new Error(`too late to decline (${why.reason}: ${why.details})`));
  }
  ctx.log.info('declining a job', { economy, jobId, reason: why.reason, details: why.details });
  if (entry.step !== 'declining') entry = append(ctx, entry, 'declining', { reason: why.reason });
  ctx.update(economy, id, { step: 'declining', declineReason: why.reason, error: why.details });
  try {
    const outcome = await declineJob(client, {
      economy,
      jobId: id,
      reason: why.reason,
      onSent: (txHash) => {
        entry = append(ctx, entry, 'declining', { reason: why.reason, txHash });
      },
    });
    append(ctx, entry, 'declined', { reason: why.reason, ...(outcome.hash ? { txHash: outcome.hash } : {}) });
    ctx.update(economy, id, { step: 'declined' });
  } catch (err) {
    // Most likely the accept window closed first: the job stays ours. The loop starts a new round for it, which
    // runs it when it can (over capacity, deadline) or fails it (a bad job).
    fail(ctx, entry, new Error(`${DECLINE_FAILED}: ${(err as Error).message}`));
  }
}

/** The job is no longer assigned to this provider: record why (timed out, reassigned, refunded). */
async function movedOn(
  ctx: JobContext,
  client: ActionClient,
  entry: JournalJob,
  job: ReadJobReturnType,
): Promise<void> {
  const me = client.tx.address.toLowerCase();
  if (
    job.provider?.toLowerCase() === me &&
    ['Submitted', 'Voting', 'Finalized', 'Rejected'].includes(job.status)
  ) {
    if (entry.step === 'ran' || entry.step === 'submitting') {
      return submit(ctx, client, entry, job);
    }
  }
  if (entry.step === 'declining') {
    append(ctx, entry, 'declined', { reason: entry.fields.reason! });
    ctx.update(entry.economy, BigInt(entry.jobId), { step: 'declined' });
    return;
  }
  fail(ctx, entry, new Error(`the job moved on before this node finished it (now ${job.status})`));
}

function firstLine(err: unknown): string {
  return ((err as Error)?.message ?? String(err)).split('\n')[0]!.slice(0, 500);
}

function fail(ctx: JobContext, entry: JournalJob, err: unknown): void {
  const error = firstLine(err);
  ctx.log.warn('job failed', { economy: entry.economy, jobId: entry.jobId, step: entry.step, error });
  try {
    ctx.journal.append(entry.economy, entry.jobId, 'failed', { error });
  } catch (journalErr) {
    ctx.log.warn('could not journal a failed job', { error: (journalErr as Error).message });
  }
  ctx.update(entry.economy, BigInt(entry.jobId), { step: 'failed', error });
}

function append<S extends JournalStep>(
  ctx: JobContext,
  entry: JournalJob,
  step: S,
  data: JournalStepData[S],
): JournalJob {
  return ctx.journal.append(entry.economy, entry.jobId, step, data);
}

/** The transaction that submitted a job's result, from its ResultSubmitted event. */
async function submittedTx(
  ctx: JobContext,
  client: ActionClient,
  economy: Address,
  jobId: bigint,
): Promise<Hash> {
  const [log] = await client.publicClient.getContractEvents({
    address: economy,
    abi: economyAbi,
    eventName: 'ResultSubmitted',
    args: { jobId },
    fromBlock: ctx.startBlock,
  });
  if (!log) throw new FlywheelError(`Job ${jobId} has no ResultSubmitted event.`, { code: 'NOT_FOUND' });
  return log.transactionHash;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
