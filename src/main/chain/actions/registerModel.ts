import type { Address, Hash } from 'viem';
import type { JobKind, VerificationPolicy } from '#shared/api/jobs';
import { verificationRules } from '#shared/policy';
import { refuseMetadataUri } from '../../blobs/uri';
import { economyAbi } from '../artifacts';
import { jobKindCode } from './postJob';
import { sendCall, type ActionClient, type ActionReceipt } from './send';

export interface RegisterModelParameters {
  economy: Address;
  /** keccak256 of the ONNX file's bytes. */
  modelHash: Hash;
  /** Where providers fetch it (`blob:0x…`, `https://…`, `ipfs://…`). */
  uri: string;
  kind: JobKind;
  /** How validators judge its results (resources/models.json gives the reference models'). */
  policy: VerificationPolicy;
}

export type RegisterModelReturnType = ActionReceipt;

/**
 * Registers a model in an economy by content hash and URI with its verification policy (the economy's admin only).
 * Forks created after this block inherit it, policy included. A model this economy already has (its own or
 * inherited) is recognised and nothing is sent.
 *
 * @example
 * await registerModel(adminClient, { economy, modelHash, uri: `blob:${modelHash}`, kind: 'inference',
 *   policy: { rule: 'argmax', maxAbsErrorE9: 0, maxRelErrorE9: 0, minAgreementBps: 9_900 } });
 */
export async function registerModel(
  client: ActionClient,
  params: RegisterModelParameters,
): Promise<RegisterModelReturnType> {
  // A model URI at a metadata or link-local address is refused on every network, before anything is sent.
  refuseMetadataUri(params.uri);
  return sendCall({
    client,
    abi: economyAbi,
    address: params.economy,
    functionName: 'registerModel',
    args: [
      params.modelHash,
      params.uri,
      jobKindCode[params.kind],
      {
        rule: verificationRules.indexOf(params.policy.rule),
        maxAbsErrorE9: params.policy.maxAbsErrorE9,
        maxRelErrorE9: params.policy.maxRelErrorE9,
        minAgreementBps: params.policy.minAgreementBps,
      },
    ],
    key: `registerModel:${params.economy}:${params.modelHash}`,
    label: `Register model ${params.modelHash.slice(0, 10)}…`,
    alreadyDone: async () => {
      const m = await client.publicClient.readContract({
        address: params.economy,
        abi: economyAbi,
        functionName: 'model',
        args: [params.modelHash],
      });
      return m.found;
    },
  });
}
