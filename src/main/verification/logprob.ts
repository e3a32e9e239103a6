/**
 * The `logprob` policy applied to a language model's output against a validator's re-scoring of it (teacher forcing:
 * the prompt and the claimed tokens go through the model in one prefill pass, engine.rescore). Following TOPLOC's
 * idea that a validator's prefill reproduces what the provider computed within a tolerance that hardware
 * differences fit in, a claimed output passes when, at every generated position:
 *
 * 1. the claimed token is among the validator's LOGPROB_TOP_K most likely tokens (sampled jobs draw among the top
 *    20, llama/format.ts SAMPLE_TOP_K: the rest is room for near-ties reordered by other hardware);
 * 2. the claimed logprob is within the policy's `maxAbsErrorE9`·1e-9 of the re-scored one;
 * 3. for a greedy job (temperature 0), the claimed token is the validator's most likely one, or trails it by at
 *    most LOGPROB_TIE_EPSILON (a logprob gap is the logit gap: the two are near-tied and other hardware may order
 *    them the other way);
 * 4. for a sampled job, the claimed token is the one the job's seed draws from the validator's distribution: the
 *    validator replays the sampler (engine/llama/sampling.ts) and the draw falls at most LOGPROB_SAMPLE_GAP (of
 *    probability mass) outside the token's share. Without this, a provider could sample from a cheaper model and
 *    then claim the right logprobs from one prefill of the real one.
 *
 * A claim that could not be re-scored at all (not a text-generation output, more tokens than max_tokens, a token
 * outside the vocabulary, a text that is not its tokens') fails with that reason, and so does a job priced per token
 * whose result claims on-chain more tokens than its output holds (Economy.submitResultTokens: the job pays for the
 * count claimed). Claiming fewer only costs the provider, so it is not held against it.
 *
 * Calibrated on this CPU with the project's random-weight llama (test/main/llama/verification.test.ts): outputs
 * generated token by token with 1 and 2 threads, re-scored in one prefill with batches of 512 and of 7 tokens and
 * 1 and 2 threads. Single-token decoding and batched prefill order the sums differently (and round through the F16
 * KV cache differently), so the same token's logprob moved by up to 4.4e-3 within 64 tokens and 1.2e-2 within 480;
 * one greedy token in 480 was the validator's 2nd choice (a near-tie); sampled tokens ranked at most 20th (the
 * sampler's top 20). Hence a tolerance of 0.05 (4× the largest seen), ε = 0.1 (two tokens each off by up to the
 * tolerance may swap places) and k = 32. Replaying the sampler on 3,600 honest sampled tokens (T 0.5, 1, 1.5) put
 * the draw at most 1.0e-4 outside the claimed token's share; another seed's tokens claimed under this seed were off
 * by more than 0.01 at 27–85 % of positions. Hence 0.01. CUDA or Vulkan against the CPU were not measured (no GPU
 * here).
 */
import type { Hash } from '#shared/api/define';
import type { Rescoring, TextGenerationOutput } from '../engine/llama/format';
import { summarize } from './words';
import {
  checkPolicy,
  thresholds,
  VerificationError,
  type FailurePoint,
  type Figures,
  type Verdict,
  type VerificationPolicy,
  noFigures,
} from './policy';

/** The rank (0-based) a claimed token may have in the validator's distribution: within the top 32. */
export const LOGPROB_TOP_K = 32;
/** How far (in logprob, which is logit) a greedy job's token may trail the validator's argmax. */
export const LOGPROB_TIE_EPSILON = 0.1;
/** How far (probability mass) a sampled job's seeded draw may fall outside the claimed token's share. */
export const LOGPROB_SAMPLE_GAP = 0.01;
/** The tolerance on each token's logprob that models registered with `logprob` should use (`--policy logprob`). */
export const LOGPROB_TOLERANCE = 0.05;

/** Applies a `logprob` policy to a claimed output against its re-scoring. */
export function compareRescored(
  policy: VerificationPolicy,
  claimed: Pick<TextGenerationOutput, 'tokens' | 'logprobs'> & {
    /** The token count the result claims on-chain (a job priced per token is paid for it). */
    claimedTokens?: number;
  },
  rescoring: Rescoring,
  hashes: { submittedHash: Hash; referenceHash: Hash },
): Verdict {
  checkPolicy(policy);
  if (policy.rule !== 'logprob')
    throw new VerificationError(`a ${policy.rule} policy does not judge re-scorings`);
  const bound = thresholds(policy).maxAbsError;
  const figures: Figures = noFigures();
  const finish = (first: FailurePoint | null): Verdict => {
    const v = { pass: first === null, policy, ...hashes, figures, firstFailure: first };
    return { ...v, summary: summarize(v) };
  };
  const whole = (reason: string): FailurePoint => ({
    tensor: null,
    index: null,
    at: null,
    submitted: null,
    reference: null,
    reason,
  });
  if (rescoring.problem !== undefined) return finish(whole(rescoring.problem));
  const n = claimed.tokens.length;
  if (n !== claimed.logprobs.length)
    return finish(whole(`${n} tokens were claimed with ${claimed.logprobs.length} logprobs`));
  if (claimed.claimedTokens !== undefined && claimed.claimedTokens > n)
    return finish(
      whole(`the result claims ${claimed.claimedTokens} tokens on-chain and its output holds ${n}`),
    );
  if (rescoring.tokens.length !== n || rescoring.tokens.some((t, i) => t !== claimed.tokens[i])) {
    // The validator re-scores the claimed tokens themselves, so this is a re-scoring of another claim.
    throw new VerificationError('the re-scoring is not of these tokens');
  }
  figures.compared = n;
  let maxAbs = 0;
  let first: FailurePoint | null = null;
  const fail = (i: number, submitted: number | string, reference: number | string, reason: string) => {
    figures.failed++;
    first ??= { tensor: null, index: i, at: [i], submitted, reference, reason };
  };
  for (let i = 0; i < n; i++) {
    const c = claimed.logprobs[i]!;
    const r = rescoring.logprobs[i]!;
    const rank = rescoring.ranks[i]!;
    const gapToTop = rescoring.topLogprobs[i]! - r;
    const delta = Number.isFinite(c) && Number.isFinite(r) ? Math.abs(c - r) : Infinity;
    if (delta > maxAbs) maxAbs = delta;
    if (rank >= LOGPROB_TOP_K) {
      fail(
        i,
        `rank ${rank + 1}`,
        `top ${LOGPROB_TOP_K}`,
        `token ${i} ranks ${ordinal(rank + 1)} in the re-scoring, outside the top ${LOGPROB_TOP_K}`,
      );
    } else if (rescoring.greedy && rank > 0 && gapToTop > LOGPROB_TIE_EPSILON) {
      fail(
        i,
        `rank ${rank + 1}`,
        'rank 1',
        `token ${i} of a greedy job is not the most likely one: it trails it by ${gapToTop.toPrecision(3)} > ε ${LOGPROB_TIE_EPSILON}`,
      );
    } else if (
      !rescoring.greedy &&
      rescoring.sampleGaps &&
      !(rescoring.sampleGaps[i]! <= LOGPROB_SAMPLE_GAP)
    ) {
      fail(
        i,
        `draw off by ${rescoring.sampleGaps[i]!.toPrecision(3)}`,
        `≤ ${LOGPROB_SAMPLE_GAP}`,
        `token ${i} is not what the job's seed draws from the re-scored distribution: the draw falls ` +
          `${rescoring.sampleGaps[i]!.toPrecision(3)} outside its share (> ${LOGPROB_SAMPLE_GAP})`,
      );
    } else if (!(delta <= bound)) {
      fail(i, c, r, `token ${i}’s logprob is off by ${delta}`);
    }
  }
  figures.maxAbsError = maxAbs;
  return finish(first);
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}
