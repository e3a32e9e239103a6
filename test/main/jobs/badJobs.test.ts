import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keccak256, type Address, type Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeclineReasonName } from '../../../src/shared/decline';
import { declineReasons } from '../../../src/shared/decline';
import type { EconomySummary, JobSummary, Penalty } from '../../../src/shared/api';
import { useAnvil } from '../../helpers/anvil';
import { until } from '../../helpers/chain';
import { deployMarket, TOKEN, type Market, testWindows } from '../../helpers/market';
import { startProviderNode, tinyInput, tinyModel, type ProviderNode } from '../../helpers/provider';
import { tensorOf, writeSafetensors } from '../../../src/main/engine/safetensors';

describe(
  'bad jobs are declined inside the accept window with the right reason, and nothing is slashed',
  { timeout: 90_000 },
  () => {
    const chain = useAnvil({ chainId: 31337 });
    let market: Market;
    let p: ProviderNode;
    let economy: Address;
    let good: { hash: Hash; uri: string };

    beforeAll(async () => {
      market = await deployMarket(chain.rpcUrl, {
        params: testWindows({ acceptWindowS: 15, minDeadlineS: 30 }),
      });
      economy = market.genesis.economy;
      p = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 2, limits: { maxBlobMiB: 1 } });
      await market.fund(market.genesis, p.address, 1_000n * TOKEN);
      good = await p.put(tinyModel());
      await market.registerModel(economy, tinyModel(), good.uri);
      await p.call('provider.join', { economy, bond: (200n * TOKEN).toString() });
      await p.call('provider.start');
    }, 60_000);
    afterAll(async () => {
      await p?.stop();
      await market?.close();
    });

    async function expectDeclined(jobId: bigint, reason: DeclineReasonName): Promise<void> {
      await until(
        `job ${jobId} declined`,
        async () => {
          const job = (await p.call<JobSummary[]>('jobs.list', { mine: true })).find(
            (j) => j.jobId === String(jobId),
          );
          return job?.local?.step === 'declined' && job.status === 'Posted';
        },
        20_000,
      );
      const job = (await p.call<JobSummary[]>('jobs.list', { mine: true })).find(
        (j) => j.jobId === String(jobId),
      )!;
      expect(job.local?.declineReason).toBe(reason);
      const declined = p.node.onchain.feed
        .sync!.all()
        .find((l) => l.name === 'JobDeclined' && l.args.jobId === String(jobId));
      expect(declined?.args.reason).toBe(declineReasons[reason].code);
    }

    it('model bytes that do not hash to the job’s model hash: MODEL_HASH_MISMATCH', async () => {
      // The economy names the hash of one model and a store path that holds another.
      mkdirSync(join(p.dataDir, 'blobs', 'models'), { recursive: true });
      writeFileSync(join(p.dataDir, 'blobs', 'models', 'swapped.onnx'), tinyModel(4));
      const claimed = keccak256(tinyModel(16));
      await market.registerModel(economy, tinyModel(16), 'models/swapped.onnx');
      const input = await p.put(tinyInput(1, 16));
      const jobId = await market.post({
        economy,
        modelHash: claimed,
        inputHash: input.hash,
        inputUri: input.uri,
      });
      await expectDeclined(jobId, 'MODEL_HASH_MISMATCH');
    });

    it('input bytes that do not hash to the job’s input hash: INPUT_HASH_MISMATCH', async () => {
      writeFileSync(join(p.dataDir, 'blobs', 'models', 'input.safetensors'), tinyInput(7));
      const jobId = await market.post({
        economy,
        modelHash: good.hash,
        inputHash: keccak256(tinyInput(8)),
        inputUri: 'models/input.safetensors',
      });
      await expectDeclined(jobId, 'INPUT_HASH_MISMATCH');
    });

    it('a model that is not loadable ONNX: MODEL_INVALID', async () => {
      const broken = tinyModel().slice(0, 40);
      const stored = await p.put(broken);
      await market.registerModel(economy, broken, stored.uri);
      const input = await p.put(tinyInput(2));
      const jobId = await market.post({
        economy,
        modelHash: stored.hash,
        inputHash: input.hash,
        inputUri: input.uri,
      });
      await expectDeclined(jobId, 'MODEL_INVALID');
    });

    it('an input of the wrong shape: INPUT_INVALID', async () => {
      const input = await p.put(writeSafetensors([tensorOf('x', 'F32', [1, 5], new Float32Array(5))]));
      const jobId = await market.post({
        economy,
        modelHash: good.hash,
        inputHash: input.hash,
        inputUri: input.uri,
      });
      await expectDeclined(jobId, 'INPUT_INVALID');
    });

    it('an input over this provider’s size cap (1 MiB here): INPUT_TOO_LARGE', async () => {
      const big = writeSafetensors([tensorOf('x', 'F32', [1, 300_000], new Float32Array(300_000))]);
      writeFileSync(join(p.dataDir, 'blobs', 'models', 'big.safetensors'), big);
      const jobId = await market.post({
        economy,
        modelHash: good.hash,
        inputHash: keccak256(big),
        inputUri: 'models/big.safetensors',
      });
      await expectDeclined(jobId, 'INPUT_TOO_LARGE');
    });

    it('a URI that leaves the blob store: FETCH_FAILED', async () => {
      const jobId = await market.post({
        economy,
        modelHash: good.hash,
        inputHash: keccak256(tinyInput(3)),
        inputUri: '../../../etc/passwd',
      });
      await expectDeclined(jobId, 'FETCH_FAILED');
    });

    it('took no bond, gave no strike and recorded no penalty; a good job still runs', async () => {
      const input = await p.put(tinyInput(4));
      const jobId = await market.post({
        economy,
        modelHash: good.hash,
        inputHash: input.hash,
        inputUri: input.uri,
      });
      await until(
        'the good job finalized',
        async () =>
          (await p.call<JobSummary[]>('jobs.list', { mine: true })).some(
            (j) => j.jobId === String(jobId) && j.status === 'Finalized',
          ),
        30_000,
      );
      const m = (await p.call<EconomySummary>('economies.get', { economy: economy })).membership;
      expect(m).toMatchObject({ bond: (200n * TOKEN).toString(), strikes: 0, locked: '0' });
      expect(await p.call<Penalty[]>('penalties.list')).toEqual([]);
    });
  },
);
