import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptJob } from '../../../src/main/chain/actions/acceptJob';
import { readJob } from '../../../src/main/chain/actions/readJob';
import { readProvider } from '../../../src/main/chain/actions/readProvider';
import { reportTimeout } from '../../../src/main/chain/actions/reportTimeout';
import { planTopUp, TopUpRecord } from '../../../src/main/provider/autoTopUp';
import type { AutoTopUpNotice, ProviderState } from '../../../src/shared/api';
import { useAnvil } from '../../helpers/anvil';
import { anvilControl, until } from '../../helpers/chain';
import { actor, deployMarket, TOKEN, testWindows, type Market } from '../../helpers/market';
import { memoryKeyProtector } from '../../helpers/memoryKeyProtector';
import { startProviderNode, tinyInput, tinyModel, type ProviderNode } from '../../helpers/provider';
import { tempDir } from '../../helpers/tmp';

/**
 * "A bond under the minimum is loud": a timeout slash takes the bond under the economy's minimum (100 FLY
 * here; the job's collateral, 5 FLY, is slashed). With auto top-up off the node says "not drawable: bond 95 FLY <
 * 100 minimum — add 5 FLY" and offers the top-up; turned on with too small a cap it adds nothing and says why; with
 * room in the cap it adds exactly the shortfall from the wallet and the provider is drawable again.
 */
describe(
  'a slash under the minimum bond, then auto top-up, real anvil and a real node',
  { timeout: 120_000 },
  () => {
    const chain = useAnvil({ chainId: 31337 });
    const dir = tempDir('flywheel-topup-');
    const protector = memoryKeyProtector();
    let market: Market;
    let p: ProviderNode;
    const notices: AutoTopUpNotice[] = [];

    beforeAll(async () => {
      market = await deployMarket(chain.rpcUrl, {
        params: testWindows({ acceptWindowS: 10, minDeadlineS: 20 }),
      });
      p = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 3, dataDir: dir.dir, protector });
      await market.fund(market.genesis, p.address, 1_000n * TOKEN);
    }, 60_000);
    afterAll(async () => {
      await p?.stop(true);
      await market?.close();
      dir.cleanup();
    });

    const economy = () => market.genesis.economy;
    const standing = () =>
      readProvider(market.requester, { economy: economy(), account: getAddress(p.address) });
    const state = () => p.call<ProviderState>('provider.get');

    it('a timeout slash drops the bond under the minimum: not drawable, said with the top-up, not serving', async () => {
      const model = await p.put(tinyModel());
      const input = await p.put(tinyInput(1));
      await market.registerModel(economy(), tinyModel(), model.uri);
      await p.call('provider.join', { economy: economy(), bond: (100n * TOKEN).toString() });
      await p.call('provider.start');
      await until('active on-chain', async () => (await standing()).status === 'Active', 20_000);

      // The node goes away without pausing (its key gone first, as after a kill -9); the same key accepts a job
      // drawn to it and lets its deadline pass: a timeout, slashed.
      await p.node.wallet.lock();
      await p.stop(true);
      const { jobId, drawn } = await market.postDrawn({
        economy: economy(),
        modelHash: model.hash,
        inputHash: input.hash,
        inputUri: input.uri,
        deadlineS: 20,
      });
      expect(drawn).toBe(true);
      const same = await actor(chain.rpcUrl, 3);
      try {
        const job = await readJob(same, { economy: economy(), jobId });
        await acceptJob(same, { economy: economy(), jobId, assignedAt: job.assignedAt });
        await anvilControl(chain.rpcUrl).increaseTime({ seconds: 21 });
        await anvilControl(chain.rpcUrl).mine({ blocks: 1 });
        await reportTimeout(market.requester, { economy: economy(), jobId, deadline: BigInt(job.deadline) });
      } finally {
        await same.close();
      }
      const slashed = await standing();
      expect({ status: slashed.status, bond: slashed.bond, strikes: slashed.strikes }).toEqual({
        status: 'Active',
        bond: 95n * TOKEN,
        strikes: 1,
      });

      // Back, auto top-up off (the default): loud, with the top-up that fixes it, never "providing".
      p = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 3, dataDir: dir.dir, protector });
      p.node.events.subscribe(
        (m) => m.name === 'provider.autoTopUp' && notices.push(m.payload as AutoTopUpNotice),
      );
      expect(p.node.settings.get().autoTopUp.enabled).toBe(false);
      await until(
        'the bond under the minimum in provider.get',
        async () => !!(await state()).notDrawable?.length,
      );
      const s = await state();
      expect(s.notDrawable).toEqual([
        {
          economy: economy(),
          name: 'Flywheel',
          reason: 'not drawable: bond 95 FLY < 100 minimum — add 5 FLY',
          topUp: (5n * TOKEN).toString(),
        },
      ]);
      expect(s.status).toBe('held');
      expect(s.reason).toBe('Not drawable in Flywheel: bond 95 FLY < 100 minimum — add 5 FLY');
      expect(s.serving).toEqual([]);
      expect(s.autoTopUp).toBeUndefined();
      expect((await standing()).bond).toBe(95n * TOKEN);
    });

    it('auto top-up on with a cap too small for the shortfall adds nothing and says why, once', async () => {
      p.node.settings.update({ autoTopUp: { enabled: true, cap: '3' } });
      await until('the refusal', async () => notices.length >= 1);
      const text =
        'Auto top-up could not restore the bond in Flywheel (bond 95 FLY < 100 minimum): it needs 5 FLY but the cap leaves 3 FLY (0 FLY of 3 FLY added so far).';
      expect(notices[0]).toMatchObject({ economy: economy(), outcome: 'skipped', amount: null, text });
      await p.node.onchain.provider.reconcile();
      expect(notices).toHaveLength(1); // said once, not every reconcile
      expect((await state()).autoTopUp).toEqual([{ economy: economy(), name: 'Flywheel', added: '0', text }]);
      expect((await standing()).bond).toBe(95n * TOKEN);
      expect((await state()).notDrawable).toHaveLength(1);
    });

    it('with room in the cap it adds exactly the shortfall from the wallet: drawable and providing again', async () => {
      const wallet = async () =>
        (
          await p.call<{ membership: { walletBalance: string | null } }>('economies.get', {
            economy: economy(),
          })
        ).membership.walletBalance;
      const before = BigInt((await wallet()) ?? '0');
      p.node.settings.update({ autoTopUp: { cap: '20' } });
      await until('the bond restored', async () => (await standing()).bond === 100n * TOKEN, 20_000);
      await until('the notice', async () => notices.some((n) => n.outcome === 'added'));
      const text =
        'Added 5 FLY to the bond in Flywheel (bond 95 FLY < 100 minimum) from the wallet: 5 FLY of the 20 FLY cap used.';
      expect(notices.at(-1)).toMatchObject({ outcome: 'added', amount: (5n * TOKEN).toString(), text });
      expect(BigInt((await wallet()) ?? '0')).toBe(before - 5n * TOKEN);
      await until('drawable again', async () => !(await state()).notDrawable);
      const s = await state();
      expect(s.status).toBe('providing');
      expect(s.serving).toEqual([economy()]);
      expect(s.autoTopUp).toEqual([
        { economy: economy(), name: 'Flywheel', added: (5n * TOKEN).toString(), text },
      ]);
      // The total is kept for the cap across restarts.
      const record = JSON.parse(readFileSync(join(dir.dir, 'provider', 'topups.json'), 'utf8')) as {
        added: Record<string, string>;
      };
      expect(record.added).toEqual({ [`31337:${economy().toLowerCase()}`]: (5n * TOKEN).toString() });
      // Nothing more is added while the bond is whole.
      await p.node.onchain.provider.reconcile();
      expect((await standing()).bond).toBe(100n * TOKEN);
      expect(notices.filter((n) => n.outcome === 'added')).toHaveLength(1);
      // After a restart the record still says what was added against the cap.
      await p.stop(true);
      p = await startProviderNode({ endpoint: market.endpoint(), keyIndex: 3, dataDir: dir.dir, protector });
      await until('the record in provider.get', async () => !!(await state()).autoTopUp);
      expect((await state()).autoTopUp).toEqual([
        {
          economy: economy(),
          name: 'Flywheel',
          added: (5n * TOKEN).toString(),
          text: '5 FLY added so far (cap 20 FLY).',
        },
      ]);
    });
  },
);

describe('auto top-up: the plan and the record', () => {
  const token = { symbol: 'LITE', decimals: 18 };
  const T = TOKEN;

  it('adds exactly the shortfall, never past the cap or the balance, nothing while the bond is whole', () => {
    const base = { bond: 45n * T, minBond: 50n * T, cap: 20n * T, added: 0n, balance: 100n * T, token };
    expect(planTopUp(base)).toEqual({ amount: 5n * T });
    expect(planTopUp({ ...base, bond: 50n * T })).toBeNull();
    expect(planTopUp({ ...base, added: 16n * T })).toEqual({
      skip: 'needs 5 LITE but the cap leaves 4 LITE (16 LITE of 20 LITE added so far)',
    });
    expect(planTopUp({ ...base, added: 15n * T })).toEqual({ amount: 5n * T });
    // A cap lowered under what was already added leaves nothing, not a negative.
    expect(planTopUp({ ...base, cap: 10n * T, added: 15n * T })).toEqual({
      skip: 'needs 5 LITE but the cap leaves 0 LITE (15 LITE of 10 LITE added so far)',
    });
    expect(planTopUp({ ...base, balance: 4n * T })).toEqual({
      skip: 'needs 5 LITE but the wallet holds 4 LITE',
    });
  });

  it('keeps each economy’s total across restarts, per chain, and reads a damaged file as nothing added', () => {
    const t = tempDir('flywheel-topup-record-');
    try {
      const file = join(t.dir, 'provider', 'topups.json');
      const e = '0x00000000000000000000000000000000000000Aa' as const;
      const r = new TopUpRecord(file);
      r.add(31337, e, 5n);
      r.add(31337, e, 7n);
      r.add(1, e, 1n);
      expect(new TopUpRecord(file).added(31337, e)).toBe(12n);
      expect(new TopUpRecord(file).added(1, e)).toBe(1n);
      r.add(31337, e, -7n); // a send that failed is taken back
      expect(new TopUpRecord(file).added(31337, e)).toBe(5n);
      expect(existsSync(file)).toBe(true);
      writeFileSync(file, '{ nope');
      expect(new TopUpRecord(file).added(31337, e)).toBe(0n);
    } finally {
      t.cleanup();
    }
  });
});
