import type { Address, Hash } from 'viem';
import type { JobKind } from '#shared/api/jobs';
import { FlywheelError } from '#shared/errors';
import { refuseMetadataUri } from '../../blobs/uri';
import { economyAbi } from '../artifacts';
import { eventIn, sendCall, type ActionClient } from './send';

/** A job kind as the contracts number it (`kind` of `postJob`, bit `1 << kind` of a provider's kinds). */
export const jobKindCode: Record<JobKind, number> = { inference: 0, 'fine-tune': 1 };

export interface PostJobParameters {
  economy: Address;
  kind: JobKind;
  /** keccak256 of the model bytes; the economy (or an ancestor before the fork) must have it registered. */
  modelHash: Hash;
  /** keccak256 of the input safetensors bytes, and where a provider fetches them. */
  inputHash: Hash;
  inputUri: string;
  /**
   * Fee in token base units, at least the economy's `minFee`, escrowed from the requester (who must have approved
   * the economy for it).
   */
  fee: bigint;
  /**
   * Prices the job per token (text generation): `fee` is then the base, paid whatever the length, and the economy
   * escrows fee + pricePerToken × maxTokens; finalize pays the base plus the tokens the result claims and refunds the
   * rest to the requester. maxTokens is the input's `max_tokens`.
   */
  perToken?: { pricePerToken: bigint; maxTokens: number };
  /** Seconds from assignment to the deadline (at least the economy's `minDeadlineS`). */
  deadlineS: number;
  /**
   * Names this post so a retry (or a restart) never posts it twice, e.g. `postJob:<economy>:<request id>`. Two
   * different jobs need two different keys.
   */
  key: string;
}

export interface PostJobReturnType {
  jobId: bigint;
  hash: Hash;
  block: bigint;
}

/**
 * Posts a job: escrows its fee (priced per token: fee + pricePerToken × maxTokens) and records model, input and
 * deadline (the job is Posted; `assign` draws its provider from the next block).
 *
 * @example
 * const { jobId } = await postJob(client, { economy, kind: 'inference', modelHash, inputHash, inputUri,
 *   fee: 10n ** 18n, deadlineS: 60, key: `postJob:${economy}:${requestId}` });
 */
export async function postJob(client: ActionClient, params: PostJobParameters): Promise<PostJobReturnType> {
  // No provider would fetch it, and none should be asked to: refused before the fee is escrowed.
  refuseMetadataUri(params.inputUri);
  const kind = jobKindCode[params.kind];
  const { modelHash, inputHash, inputUri, fee, deadlineS, perToken } = params;
  const common = { client, abi: economyAbi, address: params.economy, key: params.key };
  const label = `Post a ${params.kind} job`;
  const { receipt, hash } = perToken
    ? await sendCall({
        ...common,
        functionName: 'postJobPerToken',
        args: [
          kind,
          modelHash,
          inputHash,
          inputUri,
          fee,
          perToken.pricePerToken,
          perToken.maxTokens,
          deadlineS,
        ],
        label,
      })
    : await sendCall({
        ...common,
        functionName: 'postJob',
        args: [kind, modelHash, inputHash, inputUri, fee, deadlineS],
        label,
      });
  if (!receipt || !hash) {
    throw new FlywheelError('The job was posted earlier under this key; its receipt is gone.', {
      code: 'CONFLICT',
      details: params.key,
    });
  }
  const args = eventIn(receipt, economyAbi, params.economy, 'JobPosted');
  return { jobId: args.jobId, hash, block: receipt.blockNumber };
}
