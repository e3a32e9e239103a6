import type { Address, Hash } from 'viem';
import type { JobKind, VerificationPolicy } from '#shared/api/jobs';
import { verificationRules } from '#shared/policy';
import { economyAbi } from '../artifacts';
import { jobKindName } from '../enums';
import type { ActionClient } from './send';

export interface ReadModelParameters {
  economy: Address;
  modelHash: Hash;
}

/** A model as an economy sees it: registered there or inherited from an ancestor before the fork. */
export type ReadModelReturnType = {
  kind: JobKind;
  /** Where providers fetch the bytes (`blob:`, `ipfs://`, `https://`, a store path). */
  uri: string;
  registeredIn: Address;
  registeredBlock: bigint;
  /** How validators judge its results (registered with it, inherited with it). */
  policy: VerificationPolicy;
} | null;

/**
 * Looks a model up by content hash; null when the economy cannot see it.
 *
 * @example
 * const model = await readModel(client, { economy, modelHash });
 */
export async function readModel(
  client: Pick<ActionClient, 'publicClient'>,
  params: ReadModelParameters,
): Promise<ReadModelReturnType> {
  const m = await client.publicClient.readContract({
    address: params.economy,
    abi: economyAbi,
    functionName: 'model',
    args: [params.modelHash],
  });
  if (!m.found) return null;
  return {
    kind: jobKindName(m.kind),
    uri: m.uri,
    registeredIn: m.registeredIn,
    registeredBlock: BigInt(m.registeredBlock),
    policy: {
      rule: verificationRules[m.policy.rule] ?? 'exact',
      maxAbsErrorE9: m.policy.maxAbsErrorE9,
      maxRelErrorE9: m.policy.maxRelErrorE9,
      minAgreementBps: m.policy.minAgreementBps,
    },
  };
}
