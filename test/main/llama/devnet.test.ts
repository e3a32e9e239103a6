/**
 * A text-generation job end to end on the devnet (real anvil, the real engine with llama.cpp, the project's
 * random-weight llama registered with the `logprob` policy): posted priced per token, drawn, run, submitted with its
 * token count, checked by a validator and finalized, paid for the tokens generated. On-chain it is an inference job whose input is a text-generation input, until the contracts have
 * a text-generation kind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { approveToken } from '../../../src/main/chain/actions/approveToken';
import { postJob } from '../../../src/main/chain/actions/postJob';
import { economyAbi } from '../../../src/main/chain/artifacts';
import type { MarketBlobs } from '../../../src/main/devnet/market/references';
import { LLM_POLICY } from '../../../src/main/devnet/models';
import { readTextGenerationOutput, writeTextGenerationInput } from '../../../src/main/engine/llama/format';
import { anvilControl, devClient } from '../../helpers/chain';
import { blobsIn, llamaEngine, ownJobsMarket, useDevnet } from '../devnet/helpers';

const TOKEN = 10n ** 18n;
const PRICE = TOKEN / 100n;

describe('a text-generation job on the devnet', () => {
  const net = useDevnet({
    prefix: 'flywheel-llm-devnet-',
    market: {
      engine: llamaEngine,
      options: { ...ownJobsMarket, validatorSampleRate: 1 },
    },
    timeoutMs: 60_000,
  });
  let blobs: MarketBlobs;

  beforeAll(async () => {
    blobs = (await blobsIn(net.dataDir)).blobs;
  });

  it('is drawn, run on llama.cpp, submitted, checked by the logprob policy and finalized, paid per token', async () => {
    const pc = devClient(net.endpoint.rpcUrl);
    const genesis = net.devnet.book.economies.find((e) => e.role === 'genesis')!;
    const llm = net.devnet.book.models.find((m) => m.id === 'llm')!;
    const model = await pc.readContract({
      address: genesis.economy,
      abi: economyAbi,
      functionName: 'model',
      args: [llm.hash],
    });
    expect(model.found).toBe(true);
    expect(model.policy).toMatchObject({ rule: 3, maxAbsErrorE9: LLM_POLICY.maxAbsErrorE9 });

    const input = writeTextGenerationInput({ prompt: 'Once upon a time', maxTokens: 16 });
    const { hash: inputHash, uri: inputUri } = await blobs.put(input);
    const requester = await net.devnet.actors.get('requester');
    await approveToken(requester, { token: genesis.token, spender: genesis.economy });
    const { jobId } = await postJob(requester, {
      economy: genesis.economy,
      kind: 'inference',
      modelHash: llm.hash,
      inputHash,
      inputUri,
      fee: TOKEN,
      perToken: { pricePerToken: PRICE, maxTokens: 16 },
      deadlineS: 120,
      key: 'llm-devnet-test',
    });

    const anvil = anvilControl(net.devnet.rpcUrl!);
    const finalized = async () =>
      (
        await pc.getContractEvents({
          address: genesis.economy,
          abi: economyAbi,
          eventName: 'JobFinalized',
          fromBlock: 0n,
        })
      ).some((l) => l.args.jobId === jobId);
    const end = Date.now() + 120_000;
    while (!(await finalized())) {
      if (Date.now() > end)
        throw new Error(`job ${jobId} was not finalized: ${JSON.stringify(net.market.upkeep.counts)}`);
      await new Promise((r) => setTimeout(r, 1000));
      // Chain time and blocks move on (a draw waits for a later block; windows pass in seconds).
      await anvil.increaseTime({ seconds: 3 });
      await anvil.mine({ blocks: 1 });
    }
    expect(net.market.validators.counts.checked).toBeGreaterThan(0);

    // What was submitted is the llama's continuation: 16 tokens with their logprobs and the text.
    const [submitted] = await pc.getContractEvents({
      address: genesis.economy,
      abi: economyAbi,
      eventName: 'ResultSubmitted',
      args: { jobId },
      fromBlock: 0n,
    });
    const bytes = await blobs.read(submitted!.args.outputURI!, submitted!.args.outputHash!);
    const out = readTextGenerationOutput(bytes);
    expect(out.tokens).toHaveLength(16);
    expect(out.text.length).toBeGreaterThan(0);
    // Paid per token: the tokens the output holds were claimed with it, the rest of the escrow refunded.
    const [paid] = await pc.getContractEvents({
      address: genesis.economy,
      abi: economyAbi,
      eventName: 'JobTokensPaid',
      args: { jobId },
      fromBlock: 0n,
    });
    expect(paid!.args).toMatchObject({
      tokens: out.tokens.length,
      refund: PRICE * BigInt(16 - out.tokens.length),
    });
    // The same job on this engine gives the same bytes (greedy, same machine).
    const again = await net.engine.runJob({
      kind: 'inference',
      modelHash: llm.hash,
      model: () => blobs.read(llm.uri, llm.hash),
      input,
    });
    expect(again.outputHash).toBe(submitted!.args.outputHash);
  }, 180_000);
});
