import { zeroAddress, type Address } from 'viem';
import type { JobKind } from '#shared/api/jobs';
import { economyAbi } from '../artifacts';
import { jobKindName, jobStatusName, type ChainJobStatus } from '../enums';
import type { ActionClient } from './send';

export interface ReadJobParameters {
  economy: Address;
  jobId: bigint;
}

/** A job's on-chain state (`job(jobId)`); its hashes and URIs are in its events (see readJobPosted). */
export interface ReadJobReturnType {
  status: ChainJobStatus;
  kind: JobKind;
  requester: Address;
  /** null unless Assigned or later. */
  provider: Address | null;
  fee: bigint;
  collateral: bigint;
  deadlineS: number;
  declines: number;
  /** Assigned: whether its provider accepted it (from then on a missed deadline is slashed; before, a no-show). */
  accepted: boolean;
  /** Posted: the block whose hash seeds the next draw. */
  drawBlock: bigint;
  /** Unix seconds (0 when not in that phase). */
  assignedAt: number;
  acceptWindowEndsAt: number;
  deadline: number;
  submittedAt: number;
  challengeWindowEndsAt: number;
  /**
   * Priced per token: the price of a token and the most it may produce (0 and 0 for a flat fee; else `fee` is the
   * whole escrow), and the tokens its result claims (0 until submitted).
   */
  pricePerToken: bigint;
  maxTokens: number;
  tokens: number;
}

/**
 * Reads one job's state; a job id that was never posted reads as status `None`.
 *
 * @example
 * const job = await readJob(client, { economy, jobId: 7n });
 * if (job.status === 'Assigned' && job.provider === me) …
 */
export async function readJob(
  client: Pick<ActionClient, 'publicClient'>,
  params: ReadJobParameters,
): Promise<ReadJobReturnType> {
  const j = await client.publicClient.readContract({
    address: params.economy,
    abi: economyAbi,
    functionName: 'job',
    args: [params.jobId],
  });
  return {
    status: jobStatusName(j.status),
    kind: jobKindName(j.kind),
    requester: j.requester,
    provider: j.provider === zeroAddress ? null : j.provider,
    fee: j.fee,
    collateral: j.collateral,
    deadlineS: j.deadlineS,
    declines: j.declines,
    accepted: j.accepted,
    drawBlock: j.drawBlock,
    assignedAt: Number(j.assignedAt),
    acceptWindowEndsAt: Number(j.acceptWindowEndsAt),
    deadline: Number(j.deadline),
    submittedAt: Number(j.submittedAt),
    challengeWindowEndsAt: Number(j.challengeWindowEndsAt),
    pricePerToken: j.pricePerToken,
    maxTokens: j.maxTokens,
    tokens: j.tokens,
  };
}
