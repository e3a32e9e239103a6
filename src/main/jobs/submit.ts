import type { Address, Hash } from 'viem';
import { FlywheelError } from '#shared/errors';
import { economyAbi } from '../chain/artifacts';
import { readJob, type ReadJobReturnType } from '../chain/actions/readJob';
import type { ActionClient } from '../chain/actions/send';
import { submitResult } from '../chain/actions/submitResult';
import { TxFailedError } from '../chain/tx/errors';
import type { JobContext } from './context';
import type { JournalJob } from './journal';
import { append, fail, type JobOutcome } from './steps';
import { tokensToClaim } from './tokens';

/** Chain states of a job whose result is in. */
const LANDED = ['Submitted', 'Voting', 'Finalized', 'Rejected'];

/**
 * Submits the result journaled at `ran` (keyed by job: sent at most once, also across restarts) and journals the
 * outcome; while the RPC or the wallet is away it tries again as long as the deadline allows.
 */
export async function submit(
  ctx: JobContext,
  client: ActionClient,
  entry: JournalJob,
  job: ReadJobReturnType,
): Promise<JobOutcome> {
  const { economy, jobId } = entry;
  const id = BigInt(jobId);
  const me = client.tx.address.toLowerCase();
  const started = performance.now();
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
      ctx.local.update(economy, id, {
        timings: { fetchMs: null, runMs: null, submitMs: performance.now() - started },
      });
      append(ctx, entry, 'submitted', {
        txHash,
        ...(outcome.receipt ? { blockNumber: Number(outcome.receipt.blockNumber) } : {}),
      });
      ctx.log.info('result submitted', { economy, jobId, txHash });
      return 'submitted';
    } catch (err) {
      const now = await readJob(client, { economy, jobId: id }).catch(() => null);
      if (now && now.provider?.toLowerCase() === me && LANDED.includes(now.status)) {
        // It landed (an answer lost on the way back): the chain says so, the event names the transaction.
        const txHash = await submittedTx(ctx, client, economy, id);
        if (entry.step === 'ran') entry = append(ctx, entry, 'submitting', { txHash });
        append(ctx, entry, 'submitted', { txHash });
        return 'submitted';
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

/** The job is no longer assigned to this provider: record why (timed out, reassigned, refunded). */
export async function movedOn(
  ctx: JobContext,
  client: ActionClient,
  entry: JournalJob,
  job: ReadJobReturnType,
): Promise<JobOutcome> {
  const me = client.tx.address.toLowerCase();
  if (job.provider?.toLowerCase() === me && LANDED.includes(job.status)) {
    if (entry.step === 'ran' || entry.step === 'submitting') {
      return submit(ctx, client, entry, job);
    }
  }
  if (entry.step === 'declining') {
    append(ctx, entry, 'declined', { reason: entry.fields.reason! });
    return 'declined';
  }
  return fail(ctx, entry, new Error(`the job moved on before this node finished it (now ${job.status})`));
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
