/**
 * The token count a provider claims for a job priced per token (Economy.submitResultTokens): the generated token ids
 * its text-generation output holds, at most the job's on-chain maxTokens. Validators reject a claim above the
 * output's count (verification/logprob.ts), so the count is read from the very output submitted.
 */
import { readFile } from 'node:fs/promises';
import type { Hash } from 'viem';
import type { BlobStore } from '../blobs/store';
import type { ReadJobReturnType } from '../chain/actions/readJob';
import { readTextGenerationOutput } from '../engine/llama/format';

/**
 * The tokens to claim with a result: undefined for a flat-fee job (submitted without a count), else the output's
 * token ids counted (0 for an output that is not a text generation's: the base alone is paid).
 */
export async function tokensToClaim(
  blobs: Pick<BlobStore, 'fetch'>,
  job: Pick<ReadJobReturnType, 'maxTokens'>,
  output: { uri: string; hash: Hash },
): Promise<number | undefined> {
  if (!job.maxTokens) return undefined;
  const bytes = new Uint8Array(await readFile((await blobs.fetch(output.uri, output.hash)).path));
  try {
    return Math.min(readTextGenerationOutput(bytes).tokens.length, job.maxTokens);
  } catch {
    return 0;
  }
}
