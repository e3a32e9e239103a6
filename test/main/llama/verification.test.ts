/**
 * The `logprob` policy against real re-scorings: outputs generated on one configuration (1 thread, token by token)
 * and re-scored on another (2 threads, prefill in batches of 7), as two machines would. Honest outputs pass; a
 * tampered token, a swapped continuation, an inflated logprob and malformed claims fail, each with its reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyOf } from '../../../src/shared/policy';
import { cpuDevice, createEngine } from '../../../src/main/engine/engine';
import {
  readRescoring,
  readTextGenerationOutput,
  writeTextGenerationInput,
  writeTextGenerationOutput,
  type TextGenerationOutput,
} from '../../../src/main/engine/llama/format';
import { cachedLlamaGguf, tinyLlama } from '../../../src/main/engine/llama/randomModel';
import { withLanguageModels } from '../../../src/main/engine/llama/runtime';
import { compareOutputs } from '../../../src/main/verification/policy';
import {
  compareRescored,
  LOGPROB_SAMPLE_GAP,
  LOGPROB_TIE_EPSILON,
  LOGPROB_TOLERANCE,
  LOGPROB_TOP_K,
} from '../../../src/main/verification/logprob';
import { keccak256, quietLog } from '../engine/helpers';

const dir = mkdtempSync(join(tmpdir(), 'flywheel-llama-verify-'));
const { bytes: model, path: modelPath } = cachedLlamaGguf(tinyLlama, dir);
const policy = policyOf({ rule: 'logprob', maxAbsErrorE9: LOGPROB_TOLERANCE * 1e9 });
const provider = withLanguageModels(createEngine({ devices: [cpuDevice(1)], log: quietLog }), {
  log: quietLog,
  modelDir: join(dir, 'models'),
});
const validator = withLanguageModels(createEngine({ devices: [cpuDevice(2)], log: quietLog }), {
  log: quietLog,
  modelDir: join(dir, 'models'),
  limits: { batchSize: 7 },
});
let llama: Llama;
let tokenizer: LlamaModel;
beforeAll(async () => {
  llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  tokenizer = await llama.loadModel({ modelPath });
});
afterAll(async () => {
  await Promise.all([provider.close(), validator.close()]);
  await tokenizer?.dispose();
  await llama?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const job = (prompt: string, temperature = 0, maxTokens = 128) => ({
  kind: 'text-generation' as const,
  modelHash: keccak256(model),
  model,
  input: writeTextGenerationInput({ prompt, maxTokens, temperature, seed: 7 }),
});
type Job = ReturnType<typeof job>;

async function generate(j: Job): Promise<TextGenerationOutput> {
  return readTextGenerationOutput((await provider.runJob(j)).output);
}

/** What a validator decides about `claim` for job `j`: its re-scoring, then the policy. */
async function judge(j: Job, claim: TextGenerationOutput | Uint8Array) {
  const submitted = claim instanceof Uint8Array ? claim : writeTextGenerationOutput(claim);
  const reference = await validator.rescore(j, submitted);
  return { verdict: compareOutputs(policy, { bytes: submitted }, { bytes: reference.output }), reference };
}

/** A claim with token `at` replaced, its text made consistent (a careful cheat). */
function replaced(out: TextGenerationOutput, at: number, token: number): TextGenerationOutput {
  const tokens = out.tokens.map((t, i) => (i === at ? token : t));
  return { ...out, tokens, text: tokenizer.detokenize(tokens as Token[]) };
}

// Whole generations on two busy CI cores: minutes, not the default 30 s (a timed-out generation keeps its
// native threads busy into the next test).
describe('the logprob policy on re-scorings from another configuration', { timeout: 180_000 }, () => {
  it('accepts honest greedy and sampled outputs; the differences it measures are well inside the tolerance', async () => {
    const figures: number[] = [];
    for (const [prompt, temperature] of [
      ['Once upon a time', 0],
      ['The quick brown fox', 0],
      ['Once upon a time', 1],
      ['In the beginning', 0.7],
    ] as const) {
      const j = job(prompt, temperature);
      const { verdict, reference } = await judge(j, await generate(j));
      expect(verdict.summary).toMatch(/over 128 tokens/);
      expect(verdict.pass).toBe(true);
      figures.push(verdict.figures.maxAbsError!);
      const ranks = readRescoring(reference.output).ranks;
      if (temperature === 0) expect(ranks.filter((r) => r > 0).length).toBeLessThanOrEqual(1);
      else {
        expect(Math.max(...ranks)).toBeGreaterThan(0); // sampling does pick tokens other than the argmax
        // The validator's replay of the seeded sampler lands each draw in the claimed token's share.
        expect(Math.max(...readRescoring(reference.output).sampleGaps!)).toBeLessThan(
          LOGPROB_SAMPLE_GAP / 10,
        );
      }
    }
    // Calibration (see src/main/verification/logprob.ts): batch-vs-token-by-token differences are ~1e-3 here.
    expect(Math.max(...figures)).toBeGreaterThan(0);
    expect(Math.max(...figures)).toBeLessThan(LOGPROB_TOLERANCE / 2);
  });

  it('rejects a tampered token in a greedy output, at that token, even with its text made to match', async () => {
    const j = job('Once upon a time', 0, 48);
    const honest = await generate(j);
    const other = honest.tokens[20] === 300 ? 301 : 300;
    const { verdict } = await judge(j, replaced(honest, 20, other));
    expect(verdict.pass).toBe(false);
    expect(verdict.firstFailure).toMatchObject({ index: 20 });
    expect(verdict.summary).toMatch(/token 20 (of a greedy job is not the most likely one|ranks)/);
  });

  it('rejects a continuation of another prompt, and an inflated logprob', async () => {
    const j = job('Once upon a time', 0, 48);
    const swapped = await generate(job('The quick brown fox', 0, 48));
    const { verdict } = await judge(j, swapped);
    expect(verdict.pass).toBe(false);
    expect(verdict.figures.failed).toBeGreaterThan(10);
    const honest = await generate(j);
    const inflated = { ...honest, logprobs: honest.logprobs.map((l, i) => (i === 5 ? l + 0.2 : l)) };
    const second = (await judge(j, inflated)).verdict;
    expect(second.pass).toBe(false);
    expect(second.firstFailure).toMatchObject({ index: 5 });
    expect(second.summary).toMatch(/max \|Δ logprob\| 0\.2\d* > 0\.05/);
  });

  it('judges by the job: a sampled job’s lower-ranked tokens pass, the same tokens claimed for a greedy job fail', async () => {
    const j = job('In the beginning', 1, 32);
    const honest = await generate(j);
    const { verdict, reference } = await judge(j, honest);
    expect(verdict.pass).toBe(true);
    expect(readRescoring(reference.output).ranks.some((r) => r > 0)).toBe(true);
    const greedy = (await judge(job('In the beginning', 0, 32), honest)).verdict;
    expect(greedy.pass).toBe(false);
    expect(greedy.summary).toMatch(/greedy job is not the most likely one|ranks/);
  });

  it('rejects a sampled output the job’s seed would not have drawn (another seed’s tokens, with true logprobs)', async () => {
    const j = job('Once upon a time', 1, 64);
    const otherSeed = {
      ...j,
      input: writeTextGenerationInput({ prompt: 'Once upon a time', maxTokens: 64, temperature: 1, seed: 8 }),
    };
    const { verdict, reference } = await judge(j, await generate(otherSeed));
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toMatch(/is not what the job's seed draws from the re-scored distribution/);
    // Its logprobs are the model's own: only the replay of the draws tells it from an honest output.
    expect(verdict.figures.maxAbsError).toBeLessThan(LOGPROB_TOLERANCE);
    expect(Math.max(...readRescoring(reference.output).sampleGaps!)).toBeGreaterThan(0.01);
  });

  it('fails claims that cannot be right whatever the logprobs: too long, text not theirs, not an output', async () => {
    const j = job('Once upon a time', 0, 16);
    const honest = await generate(j);
    const long = { ...honest, tokens: [...honest.tokens, 300], logprobs: [...honest.logprobs, -1] };
    expect((await judge(j, long)).verdict.summary).toMatch(/claims 17 tokens, the job allows 16/);
    expect((await judge(j, { ...honest, text: 'something else' })).verdict.summary).toMatch(
      /text is not its tokens’ text/,
    );
    expect((await judge(j, new Uint8Array([1, 2, 3]))).verdict.pass).toBe(false);
    const short = { ...honest, tokens: honest.tokens.slice(0, 4), logprobs: honest.logprobs.slice(0, 4) };
    expect(
      (await judge(j, { ...short, text: tokenizer.detokenize(short.tokens as Token[]) })).verdict.summary,
    ).toMatch(/says length with 4 of 16 tokens/);
  });
});

describe('the logprob rules on their own', () => {
  const hashes = { submittedHash: `0x${'1'.repeat(64)}`, referenceHash: `0x${'2'.repeat(64)}` } as const;
  const claim = { tokens: [300, 301, 302], logprobs: [-0.5, -1.2, -0.3] };
  const rescoring = (ranks: number[], topLogprobs: number[], greedy: boolean) => ({
    tokens: claim.tokens,
    logprobs: claim.logprobs.map((l) => l + 0.001),
    ranks,
    topLogprobs,
    greedy,
  });

  it('lets a greedy job’s near-tie through within ε only, and no token outside the top k', () => {
    const tie = rescoring([0, 1, 0], [-0.499, -1.2 + LOGPROB_TIE_EPSILON / 2, -0.299], true);
    expect(compareRescored(policy, claim, tie, hashes).pass).toBe(true);
    const wide = rescoring([0, 1, 0], [-0.499, -1.2 + 3 * LOGPROB_TIE_EPSILON, -0.299], true);
    expect(compareRescored(policy, claim, wide, hashes)).toMatchObject({
      pass: false,
      firstFailure: { index: 1, submitted: 'rank 2', reference: 'rank 1' },
    });
    const sampled = rescoring([0, 5, LOGPROB_TOP_K], [-0.3, -0.2, -0.1], false);
    const verdict = compareRescored(policy, claim, sampled, hashes);
    expect(verdict.firstFailure).toMatchObject({ index: 2 });
    expect(verdict.summary).toBe(`token 2 ranks 33rd in the re-scoring, outside the top ${LOGPROB_TOP_K}`);
  });

  it('fails a claim the re-scoring found a problem with, and cannot judge a re-scoring of other tokens', () => {
    const problem = {
      ...rescoring([], [], true),
      tokens: [],
      logprobs: [],
      problem: 'the output claims no tokens',
    };
    expect(compareRescored(policy, claim, problem, hashes)).toMatchObject({
      pass: false,
      summary: 'the output claims no tokens',
    });
    const other = { ...rescoring([0, 0, 0], [0, 0, 0], true), tokens: [1, 2, 3] };
    expect(() => compareRescored(policy, claim, other, hashes)).toThrow(/not of these tokens/);
  });

  it('fails a job priced per token whose result claims on-chain more tokens than its output holds', () => {
    const honest = rescoring([0, 0, 0], [-0.499, -1.199, -0.299], true);
    expect(compareRescored(policy, { ...claim, claimedTokens: 3 }, honest, hashes).pass).toBe(true);
    // Claiming fewer only costs the provider (the job pays for what is claimed).
    expect(compareRescored(policy, { ...claim, claimedTokens: 2 }, honest, hashes).pass).toBe(true);
    expect(compareRescored(policy, { ...claim, claimedTokens: 24 }, honest, hashes)).toMatchObject({
      pass: false,
      summary: 'the result claims 24 tokens on-chain and its output holds 3',
    });
  });
});
