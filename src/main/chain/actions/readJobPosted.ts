import type { Address, Hash } from 'viem';
import type { JobKind } from '#shared/api/jobs';
import { FlywheelError } from '#shared/errors';
import { economyAbi } from '../artifacts';
import { jobKindName } from '../enums';
import type { ActionClient } from './send';

export interface ReadJobPostedParameters {
  economy: Address;
  jobId: bigint;
  /** First block to search (the economy's creation block is enough; default 0). */
  fromBlock?: bigint;
}

/** What a job asks for, as its `JobPosted` event recorded it (storage keeps only what the contract decides on). */
export interface ReadJobPostedReturnType {
  jobId: bigint;
  requester: Address;
  kind: JobKind;
  modelHash: Hash;
  inputHash: Hash;
  inputUri: string;
  fee: bigint;
  deadlineS: number;
  block: bigint;
  txHash: Hash;
}

/**
 * Finds a job's `JobPosted` event by its indexed id; NOT_FOUND when the chain has none (a wrong id, or the RPC
 * keeps no logs that old).
 *
 * @example
 * const { modelHash, inputUri } = await readJobPosted(client, { economy, jobId: 7n });
 */
export async function readJobPosted(
  client: Pick<ActionClient, 'publicClient'>,
  params: ReadJobPostedParameters,
): Promise<ReadJobPostedReturnType> {
  const logs = await client.publicClient.getContractEvents({
    address: params.economy,
    abi: economyAbi,
    eventName: 'JobPosted',
    args: { jobId: params.jobId },
    fromBlock: params.fromBlock ?? 0n,
    toBlock: 'latest',
  });
  const log = logs.at(-1);
  if (!log) {
    throw new FlywheelError(`Job ${params.jobId} has no JobPosted event in this economy.`, {
      code: 'NOT_FOUND',
      details: `economy ${params.economy}`,
    });
  }
  const a = log.args;
  return {
    jobId: a.jobId!,
    requester: a.requester!,
    kind: jobKindName(a.kind!),
    modelHash: a.modelHash!,
    inputHash: a.inputHash!,
    inputUri: a.inputURI!,
    fee: a.fee!,
    deadlineS: a.deadlineS!,
    block: log.blockNumber,
    txHash: log.transactionHash,
  };
}
