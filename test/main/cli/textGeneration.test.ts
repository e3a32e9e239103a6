import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicClient, http, keccak256, type Hash, type PublicClient } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDetail, ProviderState } from '../../../src/shared/api';
import { pauseProvider } from '../../../src/main/chain/actions/pauseProvider';
import { readAccount } from '../../../src/main/chain/actions/readAccount';
import { economyAbi } from '../../../src/main/chain/artifacts';
import { formatTokenAmount } from '../../../src/main/chain/presets';
import { devnetAccount } from '../../../src/main/devnet/accounts';
import type { BookEconomy } from '../../../src/main/devnet/book';
import { payWelcomeTokens, tokenBalance, topUpNative } from '../../../src/main/devnet/fund';
import { cast } from '../../../src/main/devnet/market/cast';
import { readTextGenerationOutput, writeTextGenerationInput } from '../../../src/main/engine/llama/format';
import { makeLlamaGguf, tinyLlama } from '../../../src/main/engine/llama/randomModel';
import { anvilControl, until } from '../../helpers/chain';
import { startProviderNode, type ProviderNode } from '../../helpers/provider';
import { tempDir } from '../../helpers/tmp';
import { llamaEngine, ownJobsMarket, useDevnet } from '../devnet/helpers';
import { flywheel, jobPost } from './helpers';

const TOKEN = 10n ** 18n;
const PROMPT = 'Once upon a time';
const MAX_TOKENS = 24;
const SAMPLING = { temperature: 0.7, seed: 42 };

/**
 * A text generation from the command line to payment, every part real: `flywheel job post` on a running devnet
 * (anvil, the contracts, the devnet's keeper and validators), a provider node (createNode, its wallet, its engine with
 * llama.cpp on the backend its hardware report chose) drawn for it, the node's result re-scored by a devnet validator
 * under the `logprob` policy, finalized, and paid per token: the base plus the price of each token generated, the
 * escrow of the tokens not generated back to the requester. The devnet's simulated providers step out of the draw in
 * the genesis economy, so the node is the one drawn.
 */
describe('a text generation posted with the CLI on the devnet', () => {
  const net = useDevnet({
    prefix: 'flywheel-cli-text-',
    market: {
      // The devnet's validators re-run on this engine: re-scoring a text generation needs llama.cpp.
      engine: llamaEngine,
      options: {
        ...ownJobsMarket,
        validatorSampleRate: 1,
        validatorBudget: { jobsPerHour: 1_000, maxEngineSharePct: 100 },
      },
    },
    timeoutMs: 90_000,
  });
  const files = tempDir('flywheel-cli-text-files-');
  let node: ProviderNode;
  let pc: PublicClient;
  let genesis: BookEconomy;
  // A llama the devnet does not know: the CLI registers it, with the logprob policy a GGUF model gets.
  const modelBytes = makeLlamaGguf({
    ...tinyLlama,
    seed: 161,
    name: 'flywheel-cli-test-llama (random weights)',
  });
  const modelPath = join(files.dir, 'story.gguf');

  beforeAll(async () => {
    writeFileSync(modelPath, modelBytes);
    const { devnet, endpoint } = net;
    pc = createPublicClient({ transport: http(endpoint.rpcUrl), pollingInterval: 50 }) as PublicClient;
    genesis = devnet.book.economies.find((e) => e.role === 'genesis')!;
    for (const p of cast) await pauseProvider(await devnet.actors.get(p.role), { economy: genesis.economy });

    // The provider: a node on the devnet's data folder (where the CLI stores the model and the input), with a
    // wallet of its own paid its welcome funds, bonded in genesis and providing.
    const privateKey = generatePrivateKey();
    node = await startProviderNode({ endpoint, dataDir: net.dataDir, privateKey });
    await topUpNative(endpoint.rpcUrl, pc, node.address);
    await payWelcomeTokens(await devnet.actors.get('faucet'), [genesis], node.address);
    await node.call('provider.join', { economy: genesis.economy, bond: (200n * TOKEN).toString() });
    const started = await node.call<ProviderState>('provider.start');
    expect(started.status).toBe('providing');
  }, 90_000);

  // Runs before useDevnet's teardown (vitest runs afterAll hooks last registered first): the node uses its folder.
  afterAll(async () => {
    await node?.stop(true);
    files.cleanup();
  });

  it('is drawn by the node, run on llama.cpp, re-scored under logprob, finalized and paid per token', async () => {
    // A stop string from the text this model writes for the prompt on the node's own engine (the backend the job
    // runs on: the same seed, the same text), so generation ends early and part of the escrow comes back.
    const preview = readTextGenerationOutput(
      (
        await node.node.engine.runJob({
          kind: 'text-generation',
          modelHash: keccak256(modelBytes),
          model: modelBytes,
          input: writeTextGenerationInput({ prompt: PROMPT, maxTokens: MAX_TOKENS, ...SAMPLING }),
        })
      ).output,
    );
    const chars = [...preview.text];
    const at = chars.findIndex((c, i) => i >= 4 && c.trim() !== '' && chars.indexOf(c) === i);
    const stop = chars[at >= 0 ? at : 0]!;

    const requester = devnetAccount('cliRequester').address;
    const balances = async () => ({
      requesterTokens: await tokenBalance(pc, genesis.token, requester),
      requesterClaimable: (
        await readAccount({ publicClient: pc }, { economy: genesis.economy, account: requester })
      ).claimable,
      nodeClaimable: (
        await readAccount({ publicClient: pc }, { economy: genesis.economy, account: node.address })
      ).claimable,
    });
    const before = await balances();

    const args = (prompt: string) =>
      jobPost(
        { dataDir: net.dataDir, economy: 'genesis', model: modelPath, fee: '1' },
        '--prompt',
        prompt,
        '--max-tokens',
        String(MAX_TOKENS),
        '--temperature',
        String(SAMPLING.temperature),
        '--seed',
        String(SAMPLING.seed),
        '--stop',
        stop,
        '--per-token',
        '0.01',
        '--json',
      );
    const jobsPosted = async () =>
      (
        await pc.getContractEvents({
          address: genesis.economy,
          abi: economyAbi,
          eventName: 'JobPosted',
          fromBlock: 0n,
        })
      ).length;
    const postedBefore = await jobsPosted();

    // A prompt over the model's context is refused with the devnet running, and nothing is registered or spent.
    const tooLong = await flywheel(args(`${PROMPT}. `.repeat(40)));
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain(`is over the model's ${tinyLlama.context}-token context`);
    expect(await tokenBalance(pc, genesis.token, requester)).toBe(before.requesterTokens);
    expect(await jobsPosted()).toBe(postedBefore);
    const known = await pc.readContract({
      address: genesis.economy,
      abi: economyAbi,
      functionName: 'model',
      args: [keccak256(modelBytes)],
    });
    expect(known.found).toBe(false);

    const post = await flywheel(args(PROMPT));
    expect(post.code, post.stderr).toBe(0);
    const posted = post.json<{
      jobId: string;
      modelRegistered: boolean;
      policy: string;
      promptTokens: number;
      contextSize: number;
      escrow: string;
      stop: string[];
    }>();
    expect(posted).toMatchObject({
      modelRegistered: true,
      policy: 'logprobs within 0.05 of a re-scoring',
      textGeneration: true,
      maxTokens: MAX_TOKENS,
      contextSize: tinyLlama.context,
      temperature: SAMPLING.temperature,
      seed: SAMPLING.seed,
      stop: [stop],
      fee: '1',
      perToken: '0.01',
      escrow: '1.24',
    });
    expect(posted.promptTokens).toBeGreaterThanOrEqual(PROMPT.length / 4);
    const jobId = BigInt(posted.jobId);
    const base = TOKEN;
    const price = TOKEN / 100n;
    const escrow = base + price * BigInt(MAX_TOKENS);
    // Escrowed at once: the whole base + price × max tokens left the requester's wallet.
    expect(await tokenBalance(pc, genesis.token, requester)).toBe(before.requesterTokens - escrow);

    // The node draws it (the only provider in the draw), runs it and submits; a devnet validator re-scores it.
    const key = `${genesis.economy}:${jobId}`;
    const sampler = net.market.validators.all[0]!;
    const check = () =>
      sampler.service.journal
        .entries()
        .find((e) => e.economy === genesis.economy && e.jobId === String(jobId));
    await until('a validator re-scored the node’s result', () => check()?.fields.pass !== undefined, 60_000);
    expect(check()!.fields).toMatchObject({ pass: true, provider: node.address });
    expect(check()!.fields.policyText).toMatch(/^logprobs within 0\.05/);

    // Its challenge window passes (chain time), and the devnet's keeper finalizes it.
    const anvil = anvilControl(net.devnet.rpcUrl!);
    await until(
      'finalized',
      async () => {
        const events = await pc.getContractEvents({
          address: genesis.economy,
          abi: economyAbi,
          eventName: 'JobFinalized',
          args: { jobId },
          fromBlock: 0n,
        });
        if (events.length) return true;
        await anvil.increaseTime({ seconds: 5 });
        await anvil.mine({ blocks: 1 });
        return false;
      },
      30_000,
    );

    const events = async (name: 'ResultSubmitted' | 'JobTokensPaid' | 'JobFinalized') =>
      (
        await pc.getContractEvents({
          address: genesis.economy,
          abi: economyAbi,
          eventName: name,
          fromBlock: 0n,
        })
      ).filter((l) => (l.args as { jobId?: bigint }).jobId === jobId);
    const [submitted] = await events('ResultSubmitted');
    const { outputHash, outputURI } = (submitted as { args: { outputHash: Hash; outputURI: string } }).args;
    // The output as the node stored it (the devnet's blob store, in the data folder they share).
    const output = readTextGenerationOutput(
      new Uint8Array(readFileSync(join(net.dataDir, 'blobs', outputHash.slice(2).toLowerCase()))),
    );
    expect(outputURI).toBe(`blob:${outputHash}`);
    // The node ran the job as posted: the stop string ended it before max_tokens (the same text as this engine's).
    expect(output.finishReason).toBe('stop');
    expect(output.tokens.length).toBeLessThan(MAX_TOKENS);
    expect(preview.text.startsWith(output.text)).toBe(true);
    const tokens = BigInt(output.tokens.length);

    // Paid per token: base + price × tokens generated to the provider (less the protocol fee), the rest refunded.
    const [paid] = await events('JobTokensPaid');
    const [finalized] = await events('JobFinalized');
    const refund = price * (BigInt(MAX_TOKENS) - tokens);
    expect((paid as { args: { tokens: number; refund: bigint } }).args).toMatchObject({
      tokens: Number(tokens),
      refund,
    });
    const f = (finalized as { args: { provider: string; payout: bigint; protocolFee: bigint } }).args;
    expect(f.provider).toBe(node.address);
    expect(f.payout + f.protocolFee).toBe(base + price * tokens);
    const after = await balances();
    expect(after.requesterTokens).toBe(before.requesterTokens - escrow);
    expect(after.requesterClaimable - before.requesterClaimable).toBe(refund);
    expect(after.nodeClaimable - before.nodeClaimable).toBe(f.payout);

    // `job get` says the same: the text, the tokens, what was paid and what came back.
    const get = await flywheel(['job', 'get', posted.jobId, '--data-dir', net.dataDir, '--json']);
    expect(get.code, get.stderr).toBe(0);
    expect(get.json()).toMatchObject({
      status: 'Finalized',
      provider: node.address,
      verifiedBy: 'logprobs within 0.05 of a re-scoring',
      fee: '1',
      perToken: '0.01',
      maxTokens: MAX_TOKENS,
      escrow: '1.24',
      tokens: Number(tokens),
      paid: formatTokenAmount(base + price * tokens, 18),
      refunded: formatTokenAmount(refund, 18),
      text: output.text,
      finishReason: 'stop',
    });

    // And the node's own page of the job shows the text it generated.
    const detail = await node.call<JobDetail>('jobs.get', { key });
    expect(detail).toMatchObject({ status: 'Finalized', mine: true });
    expect(detail.preview).toMatchObject({ kind: 'text', text: output.text, tokens: output.tokens.length });
  }, 120_000);
});
