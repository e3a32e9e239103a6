import type { Address } from 'viem';
import { economyAbi } from '../artifacts';
import { readJob } from './readJob';
import { eventIn, sendCall, type ActionClient, type ActionReceipt } from './send';

export interface AssignParameters {
  economy: Address;
  jobId: bigint;
  /** The job's draw block as last read (`readJob().drawBlock`): one draw per block, one key per draw. */
  drawBlock: bigint;
}

export interface AssignReturnType extends ActionReceipt {
  /**
   * What this call's draw did: `assigned` (JobAssigned, `provider` drawn), `missed` (DrawMissed: nobody free could
   * be kept, or the one drawn had left after the seed; the job stays Posted and `nextDrawBlock` seeds its next
   * draw), or `none` when nothing was sent (the job was no longer Posted, or someone else drew it first).
   */
  outcome: 'assigned' | 'missed' | 'none';
  provider: Address | null;
  nextDrawBlock: bigint | null;
}

/**
 * Draws a Posted job's provider (anyone may, from the block after its draw block). Providers' nodes call this as
 * soon as they can, which keeps the caller's choice of block small (README "The draw"). A draw that keeps nobody
 * does not revert: it re-seeds the job from the current block (`missed`) and the next call, from the next block,
 * draws from a fresh hash. A job no longer Posted, or posted again since (a new draw block), is recognised and
 * nothing is sent; `NoEligibleProvider` (nobody at all serves the kind) and `DrawNotReady` revert in simulation,
 * before anything is signed.
 *
 * @example
 * const job = await readJob(client, { economy, jobId });
 * if (job.status === 'Posted') {
 *   const { outcome } = await assign(client, { economy, jobId, drawBlock: job.drawBlock });
 * }
 */
export async function assign(client: ActionClient, params: AssignParameters): Promise<AssignReturnType> {
  const sent = await sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'assign',
    args: [params.jobId],
    key: `assign:${params.economy}:${params.jobId}:${params.drawBlock}`,
    label: `Draw a provider for job ${params.jobId}`,
    alreadyDone: async () => {
      const job = await readJob(client, { economy: params.economy, jobId: params.jobId });
      return job.status !== 'Posted' || job.drawBlock !== params.drawBlock;
    },
  });
  if (!sent.receipt) return { ...sent, outcome: 'none', provider: null, nextDrawBlock: null };
  try {
    const missed = eventIn(sent.receipt, economyAbi, params.economy, 'DrawMissed');
    return { ...sent, outcome: 'missed', provider: null, nextDrawBlock: missed.nextDrawBlock };
  } catch {
    const assigned = eventIn(sent.receipt, economyAbi, params.economy, 'JobAssigned');
    return { ...sent, outcome: 'assigned', provider: assigned.provider, nextDrawBlock: null };
  }
}
