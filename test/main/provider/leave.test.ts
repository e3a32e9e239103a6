import { getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProvider } from '../../../src/main/chain/actions/readProvider';
import { readJob } from '../../../src/main/chain/actions/readJob';
import { reportTimeout } from '../../../src/main/chain/actions/reportTimeout';
import type { ProviderState } from '../../../src/shared/api';
import { DEV_PRIVATE_KEYS, useAnvil } from '../../helpers/anvil';
import { until } from '../../helpers/chain';
import { deployMarket, TOKEN, testWindows, type Market } from '../../helpers/market';
import { startProviderNode, tinyInput, tinyModel, type ProviderNode } from '../../helpers/provider';
import { tempDir } from '../../helpers/tmp';

/** Short windows: a job nobody accepts is a no-show after 10 s. */
const params = testWindows({ acceptWindowS: 10, minDeadlineS: 20 });
const PASSPHRASE = 'correct horse battery staple';

/**
 * "Leave cleanly": an orderly stop pauses on-chain before the key is gone, and the next start resumes by
 * itself once the wallet is usable. A restart with the wallet locked costs nothing: the provider stays paused.
 */
describe(
  'the provider leaves cleanly and comes back, real anvil and real nodes',
  { timeout: 120_000 },
  () => {
    const chain = useAnvil({ chainId: 31337 });
    const dir = tempDir('flywheel-leave-');
    let market: Market;
    let p: ProviderNode;

    beforeAll(async () => {
      market = await deployMarket(chain.rpcUrl, { params });
      p = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 3, dataDir: dir.dir });
      // A passphrase keystore, as the headless shell has: every restart comes back locked.
      await p.node.wallet.import({ privateKey: DEV_PRIVATE_KEYS[3], passphrase: PASSPHRASE, replace: true });
      await p.node.wallet.unlock(PASSPHRASE);
      await market.fund(market.genesis, p.address, 1_000n * TOKEN);
      await p.call('provider.join', { economy: market.genesis.economy, bond: (200n * TOKEN).toString() });
      await p.call('provider.start');
      await until('active on-chain', async () => (await standing()).status === 'Active', 20_000);
    }, 60_000);
    afterAll(async () => {
      await p?.stop(true);
      await market?.close();
      dir.cleanup();
    });

    const standing = () =>
      readProvider(market.requester, { economy: market.genesis.economy, account: getAddress(p.address) });

    async function restart(): Promise<void> {
      p = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 3, dataDir: dir.dir });
      expect(p.node.wallet.info().locked).toBe(true);
    }

    it('an orderly stop leaves the provider paused on-chain; a start with the wallet unlocked resumes it (3 times)', async () => {
      for (let round = 0; round < 3; round++) {
        await p.stop(true);
        expect((await standing()).status).toBe('Paused');
        await restart();
        await p.call('wallet.unlock', { passphrase: PASSPHRASE });
        await until('resumed on-chain', async () => (await standing()).status === 'Active', 20_000);
      }
      const s = await standing();
      expect(s.bond).toBe(200n * TOKEN);
      expect(s.strikes).toBe(0);
    });

    it('locking the wallet pauses on-chain first; unlocking resumes', async () => {
      await p.call('wallet.lock');
      expect((await standing()).status).toBe('Paused');
      await p.call('wallet.unlock', { passphrase: PASSPHRASE });
      await until('resumed on-chain', async () => (await standing()).status === 'Active', 20_000);
    });

    it('a restart that stays locked past an accept window costs nothing: paused, no job drawn, no slash', async () => {
      await p.stop(true);
      await restart();
      const { hash: modelHash, uri } = await p.put(tinyModel());
      await market.registerModel(market.genesis.economy, tinyModel(), uri);
      const input = await p.put(tinyInput(1));
      const { drawn } = await market.postDrawn({
        economy: market.genesis.economy,
        modelHash,
        inputHash: input.hash,
        inputUri: input.uri,
        deadlineS: 30,
      });
      expect(drawn).toBe(false); // nobody drawable: the only provider is paused
      await new Promise((r) => setTimeout(r, 11_000)); // past the accept window, still locked
      let s = await standing();
      expect(s.status).toBe('Paused');
      expect(s.bond).toBe(200n * TOKEN);
      expect(s.strikes).toBe(0);
      await p.call('wallet.unlock', { passphrase: PASSPHRASE });
      await until('resumed on-chain', async () => (await standing()).status === 'Active', 20_000);
      s = await standing();
      expect(s.bond).toBe(200n * TOKEN);
      expect(s.strikes).toBe(0);
    });

    it('a key gone without an orderly stop: jobs drawn meanwhile end as no-shows, unslashed, and the pause after 3 is loud', async () => {
      // The key vanishes with the provider active (as after a kill -9 and a locked restart): no pause is sent.
      await p.node.wallet.lock();
      expect((await standing()).status).toBe('Active');
      const { hash: modelHash } = await p.put(tinyModel());
      const jobs: bigint[] = [];
      for (let i = 0; i < 3; i++) {
        const input = await p.put(tinyInput(10 + i));
        const posted = await market.postDrawn({
          economy: market.genesis.economy,
          modelHash,
          inputHash: input.hash,
          inputUri: input.uri,
          deadlineS: 30,
        });
        expect(posted.drawn).toBe(true);
        jobs.push(posted.jobId);
      }
      await new Promise((r) => setTimeout(r, 11_000)); // past every accept window
      for (const jobId of jobs) {
        const job = await readJob(market.requester, { economy: market.genesis.economy, jobId });
        expect(job.accepted).toBe(false);
        await reportTimeout(market.requester, {
          economy: market.genesis.economy,
          jobId,
          deadline: BigInt(job.deadline),
        });
      }
      const s = await standing();
      expect({ status: s.status, noShows: s.noShows, strikes: s.strikes, bond: s.bond }).toEqual({
        status: 'Paused',
        noShows: 3,
        strikes: 0,
        bond: 200n * TOKEN,
      });
      // The node says it, not only "wallet locked".
      await until(
        'the no-show pause in provider.get',
        async () => !!(await p.call<ProviderState>('provider.get')).notDrawable?.length,
        10_000,
      );
      const state = await p.call<ProviderState>('provider.get');
      expect(state.notDrawable).toEqual([
        expect.objectContaining({ reason: 'paused on-chain after 3 no-shows', topUp: null }),
      ]);
      expect(state.serving).toEqual([]);
      // Unlocked, it resumes by itself (the no-show count starts again).
      await p.call('wallet.unlock', { passphrase: PASSPHRASE });
      await until('resumed on-chain', async () => (await standing()).status === 'Active', 20_000);
      expect((await standing()).noShows).toBe(0);
    });
  },
);
