import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  EarningsReport,
  EconomyEarnings,
  EconomyEstimate,
  EconomySummary,
  JobDetail,
  JobSummary,
  LifecycleResult,
  ProviderState,
  WithdrawQuote,
} from '../../../src/shared/api';
import { economyAbi, economyTokenAbi } from '../../../src/main/chain/artifacts';
import { buildStakeSnapshot } from '../../../src/main/chain/forkSnapshot';
import { useAnvil } from '../../helpers/anvil';
import { anvilControl, until } from '../../helpers/chain';
import { deployMarket, TOKEN, type Market, testWindows } from '../../helpers/market';
import { startProviderNode, tinyInput, tinyModel, type ProviderNode } from '../../helpers/provider';

/** Short windows so a job's whole life fits a test: accept 10 s, deadline ≥ 20 s, challenge 2 s, unbonding 10 s. */
const params = testWindows({ acceptWindowS: 10, minDeadlineS: 20 });

describe(
  'provider lifecycle on the genesis economy and a fork at once, real anvil, contracts and engine',
  { timeout: 90_000 },
  () => {
    const chain = useAnvil({ chainId: 31337 });
    let market: Market;
    let p: ProviderNode;
    let fork: Address;
    let forkToken: Address;
    let modelHash: `0x${string}`;
    let modelUri: string;

    beforeAll(async () => {
      market = await deployMarket(chain.rpcUrl, { params });
      p = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 2 });
      await market.fund(market.genesis, p.address, 1_000n * TOKEN);
      ({ hash: modelHash, uri: modelUri } = await p.put(tinyModel()));
      await market.registerModel(market.genesis.economy, tinyModel(), modelUri);
    }, 60_000);
    afterAll(async () => {
      await p?.stop();
      await market?.close();
    });

    async function post(economy: Address, seed: number): Promise<bigint> {
      const input = await p.put(tinyInput(seed));
      return market.post({ economy, modelHash, inputHash: input.hash, inputUri: input.uri, deadlineS: 30 });
    }

    it('joins the genesis economy with a bond, its job kinds and capacity (no score: the draw weighs bond)', async () => {
      const before = await p.call<ProviderState>('provider.get');
      expect(before.status).toBe('stopped');
      const joined = await p.call<LifecycleResult>('provider.join', {
        economy: market.genesis.economy,
        bond: (200n * TOKEN).toString(),
      });
      expect(joined.membership.bond).toBe((200n * TOKEN).toString());
      // The switch is off: the node pauses the fresh registration on-chain at its next reconcile (maybe already).
      expect(['active', 'paused']).toContain(joined.membership.status);
      // Only an active bond earns emission.
      expect(joined.membership.stake).toBe(
        joined.membership.status === 'active' ? joined.membership.bond : '0',
      );
      expect(joined.txs.map((t) => t.label)).toContain('Register as a provider');
    });

    it('claims the genesis allocation of a fork with a stake snapshot and joins the fork with it', async () => {
      const snapshot = await buildStakeSnapshot(market.requester.publicClient, {
        economy: market.genesis.economy,
        fromBlock: market.startBlock,
      });
      const created = await market.fork({
        name: 'Flywheel Turbo',
        symbol: 'FLYT',
        overrides: { protocolFeeBps: 300 },
        snapshot: { root: snapshot.root, block: snapshot.block },
      });
      fork = created.economy;
      forkToken = created.token;
      await until('the fork in the event copy', async () => {
        await p.node.onchain.feed.refresh();
        return p.node.onchain.feed.sync!.economies().includes(fork);
      });
      const list = await p.call<EconomySummary[]>('economies.list');
      const summary = list.find((e) => e.economy === fork)!;
      expect(summary).toMatchObject({ parent: market.genesis.economy, depth: 1, name: 'Flywheel Turbo' });
      expect(summary.membership.forkAllocation).toEqual({
        amount: (200n * TOKEN).toString(),
        claimed: false,
      });

      const claimed = await p.call<LifecycleResult>('provider.claimForkAllocation', { economy: fork });
      expect(claimed.membership.forkAllocation).toEqual({ amount: (200n * TOKEN).toString(), claimed: true });
      expect(claimed.membership.walletBalance).toBe((200n * TOKEN).toString());
      const joined = await p.call<LifecycleResult>('provider.join', {
        economy: fork,
        bond: (150n * TOKEN).toString(),
      });
      // Registered and in the draw; with the switch off the node pauses it on-chain at its next reconcile, which
      // may already have run when the membership is read back.
      expect(['active', 'paused']).toContain(joined.membership.status);
      expect(joined.membership.bond).toBe((150n * TOKEN).toString());
    });

    it('estimates earnings and risk from the benchmark, the draw share and the economy’s job rate', async () => {
      const estimate = await p.call<EconomyEstimate>('economies.estimate', {
        economy: market.genesis.economy,
      });
      expect(estimate.bond).toBe((100n * TOKEN).toString());
      expect(estimate.deadlineMissProbability).toBeGreaterThan(0);
      expect(estimate.deadlineMissProbability).toBeLessThan(0.1);
      expect(estimate.basis).toMatch(/would be drawn for this bond/);
      // Emission goes to active stake alone: this bond against the active stake (none active now: all of it).
      expect(BigInt(estimate.expectedEarningsPerHour)).toBe(
        BigInt(estimate.expectedFeesPerHour) + BigInt(estimate.expectedEmissionPerHour),
      );
      expect(estimate.emissionShare).toBeGreaterThan(0);
      // A day's fees and new tokens, apart, with their ranges; the posting rate is the economy's own figure.
      expect(estimate.horizonH).toBe(24);
      expect(BigInt(estimate.emissionOverHorizon.low)).toBeLessThanOrEqual(
        BigInt(estimate.emissionOverHorizon.expected),
      );
      const summary = await p.call<EconomySummary>('economies.get', { economy: market.genesis.economy });
      expect(estimate.postedPerHour).toBe(summary.stats.jobsPerHour);
    });

    it('runs jobs in both economies to finalized, credits them and withdraws what they paid', async () => {
      const started = await p.call<ProviderState>('provider.start');
      expect(started.status).toBe('providing');
      expect(started.serving.sort()).toEqual([market.genesis.economy, fork].sort());
      const jobs: [Address, bigint][] = [];
      for (let i = 0; i < 3; i++) {
        jobs.push([market.genesis.economy, await post(market.genesis.economy, i)]);
        jobs.push([fork, await post(fork, 10 + i)]);
      }
      await until(
        'every job finalized',
        async () => {
          const mine = await p.call<JobSummary[]>('jobs.list', { mine: true });
          return jobs.every(([e, id]) =>
            mine.some((j) => j.economy === e && j.jobId === String(id) && j.status === 'Finalized'),
          );
        },
        60_000,
      );
      // Answered inside their accept window, they needed no acceptJob (the accept waits for the window's last safe
      // moment, 6 s of 10 here, and is dropped once the job is answered): ~37k gas saved a job.
      const pc = market.requester.publicClient;
      const accepted = (
        await Promise.all(
          [market.genesis.economy, fork].map((address) =>
            pc.getContractEvents({ address, abi: economyAbi, eventName: 'JobAccepted', fromBlock: 0n }),
          ),
        )
      ).flat();
      console.log(`lifecycle: ${accepted.length} of ${jobs.length} quick jobs accepted before their answer`);
      expect(accepted.length).toBeLessThan(jobs.length);
      const detail = await p.call<JobDetail>('jobs.get', { key: `${fork}:${jobs[1]![1]}` });
      expect(detail).toMatchObject({ status: 'Finalized', mine: true, provider: p.address });
      expect(detail.outputHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(detail.preview).toMatchObject({ kind: 'tensors' });
      expect(detail.timeline.map((t) => t.label)).toEqual(
        expect.arrayContaining([
          'Posted',
          'Assigned',
          'Result submitted',
          'Finalized',
          'This node: submitted',
        ]),
      );

      await p.node.onchain.feed.refresh();
      const report = await p.call<EarningsReport>('earnings.get');
      const fee = 2n * TOKEN;
      const genesis = report.economies.find((e) => e.economy === market.genesis.economy)!;
      const forked = report.economies.find((e) => e.economy === fork)!;
      // Claimable = the fees + the emission accrued to the active bond: credited (at each pause, resume or bond
      // change) or still accruing (pending).
      const emission = (e: EconomyEarnings) =>
        report.history
          .filter((h) => h.kind === 'emission' && h.economy === e.economy)
          .reduce((sum, h) => sum + BigInt(h.amount), BigInt(e.pendingEmission));
      expect(emission(genesis)).toBeGreaterThan(0n);
      expect(BigInt(genesis.claimable) - emission(genesis)).toBe((3n * fee * 95n) / 100n);
      expect(BigInt(forked.claimable) - emission(forked)).toBe((3n * fee * 97n) / 100n);
      expect(BigInt(forked.lifetime)).toBe((3n * fee * 97n) / 100n + 200n * TOKEN + emission(forked));
      expect(forked.forfeited).toBe('0');
      expect(report.history.filter((h) => h.kind === 'fee')).toHaveLength(6);
      expect(report.totals).toHaveLength(2);

      const quotes = await p.call<WithdrawQuote[]>('earnings.quote', { economy: 'all' });
      expect(quotes).toHaveLength(2);
      expect(quotes.every((q) => q.worthIt)).toBe(true);
      expect(quotes[0]!.advice).toMatch(/^Withdraw: .* devnet's assumed 0\.001 ETH per token/);
      const balance = () =>
        market.requester.publicClient.readContract({
          address: forkToken,
          abi: economyTokenAbi,
          functionName: 'balanceOf',
          args: [p.address],
        });
      // Each quote says what is settled and what is accruing emission, claimed first by the withdrawal.
      for (const q of quotes) {
        expect(BigInt(q.settled!) + BigInt(q.accruedEmission!)).toBe(BigInt(q.amount));
        expect(BigInt(q.emissionPerSecond!)).toBeGreaterThan(0n);
      }
      const toasts: string[] = [];
      let lastPushed: EarningsReport | null = null;
      const off = p.node.events.subscribe((m) => {
        if (m.name === 'node.notification') toasts.push((m.payload as { body: string }).body);
        if (m.name === 'earnings.changed') lastPushed = m.payload as EarningsReport;
      });
      const before = await balance();
      const out = await p.call<{ txs: { economy: Address; amount: string }[] }>('earnings.withdraw', {
        economy: 'all',
      });
      expect(out.txs).toHaveLength(2);
      // The cards have the new balances by the time the call answers, not after the usual debounce.
      const pushedFork = (lastPushed as EarningsReport | null)?.economies.find((e) => e.economy === fork);
      expect(pushedFork?.withdrawn).toBe(out.txs.find((t) => t.economy === fork)!.amount);
      // The withdrawal settles the emission accrued up to its block and pays it with the fees.
      const paid = BigInt(out.txs.find((t) => t.economy === fork)!.amount);
      expect(paid).toBeGreaterThanOrEqual(BigInt(forked.claimable));
      expect((await balance()) - before).toBe(paid);
      // The toast says the amount as the cards do: at most 4 decimals, not 18.
      off();
      expect(toasts).toHaveLength(2);
      for (const body of toasts) expect(body).toMatch(/^[\d,]+(\.\d{1,4})? [A-Z]+ sent to 0x/);
      await p.node.onchain.feed.refresh();
      const after = await p.call<EarningsReport>('earnings.get');
      const forkAfter = after.economies.find((e) => e.economy === fork)!;
      expect(forkAfter.withdrawn).toBe(paid.toString());
      // All that is claimable again is emission accrued since the withdrawal.
      expect(forkAfter.claimable).toBe(forkAfter.pendingEmission);
    });

    it('stops: pauses on-chain, and an assignment that comes before the pause lands is declined without a slash', async () => {
      // The switch goes off while the node cannot reach the chain, so the pause cannot be sent yet…
      await p.node.onchain.chain.disconnect();
      expect((await p.call<ProviderState>('provider.stop')).status).toBe('stopped');
      // …and meanwhile a job is drawn to this provider, still active on-chain.
      const jobId = await post(market.genesis.economy, 99);
      await market.assign(market.genesis.economy, jobId);
      await p.node.onchain.chain.connect(market.endpoint());
      await until(
        'the decline',
        async () => {
          const job = (await p.call<JobSummary[]>('jobs.list', { mine: true })).find(
            (j) => j.jobId === String(jobId),
          );
          return job?.local?.step === 'declined' && job.status !== 'Assigned';
        },
        20_000,
      );
      const job = (await p.call<JobSummary[]>('jobs.list', { mine: true })).find(
        (j) => j.jobId === String(jobId),
      )!;
      expect(job.local?.declineReason).toBe('OVER_CAPACITY');
      await until('paused on-chain', async () => {
        const list = await p.call<EconomySummary[]>('economies.list');
        return list.every((e) => e.membership.status === 'paused');
      });
      const m = (await p.call<EconomySummary>('economies.get', { economy: market.genesis.economy }))
        .membership;
      expect(m.strikes).toBe(0);
      expect(m.bond).toBe((200n * TOKEN).toString());
    });

    it('exits with an unbonding countdown, then withdraws the bond', async () => {
      const exited = await p.call<LifecycleResult>('provider.exit', { economy: fork });
      expect(exited.membership.status).toBe('exiting');
      expect(exited.membership.unbondingEndsAt).toBeGreaterThan(Date.now() / 1000);
      await expect(p.call('provider.withdrawBond', { economy: fork })).rejects.toMatchObject({
        code: 'TX_FAILED',
        shortMessage: expect.stringMatching(
          /^The bond is still unbonding until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\.$/,
        ),
        details: expect.stringMatching(/StillUnbonding/),
      });
      const anvil = anvilControl(chain.rpcUrl);
      await anvil.increaseTime({ seconds: 11 });
      await anvil.mine({ blocks: 1 });
      const out = await p.call<LifecycleResult>('provider.withdrawBond', { economy: fork });
      expect(out.membership).toMatchObject({ status: 'exited', bond: '0' });
    });
  },
);
