import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  EarningsReport,
  EconomySummary,
  JobSummary,
  LifecycleResult,
  ProviderState,
} from '../../../src/shared/api';
import { LogSink } from '../../../src/main/log';
import { until } from '../../helpers/chain';
import { TOKEN } from '../../helpers/market';
import { tinyInput, tinyModel } from '../../helpers/provider';
import { LocalBlobStore } from '../../../src/main/blobs/local';
import { useBundledCli } from './helpers';

const quiet = new LogSink({ consoleLevel: 'silent' });

/**
 * The provider commands of `flywheel` (bundled, as a separate process each time) on a data folder whose settings
 * name a custom network: a real anvil with the contracts, a passphrase keystore opened with FLYWHEEL_PASSPHRASE.
 */
describe('flywheel provider commands', { timeout: 120_000 }, () => {
  const cli = useBundledCli({ prefix: 'flywheel-cli-', bundle: 'cli' });
  const { dir, flywheel, json } = cli;

  it('lists the economies of the network in the settings', async () => {
    const list = await json<EconomySummary[]>(['economies']);
    expect(list.map((e) => e.name)).toEqual(['Flywheel']);
    const text = await flywheel(['economies']);
    expect(text.out).toMatch(/^ECONOMY\s+SYMBOL\s+ADDRESS/);
    expect(text.out).toContain('FLY');
  });

  it('joins by name with a bond in tokens, refusing a bad amount with a clear message', async () => {
    const bad = await flywheel(['join', 'genesis', '--bond', 'lots']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--bond must be a number of tokens');
    const joined = await json<LifecycleResult>(['join', 'genesis', '--bond', '150']);
    expect(joined.membership).toMatchObject({ status: 'active', bond: (150n * TOKEN).toString() });
  });

  it('provides in the foreground, then shows the jobs and the earnings, and withdraws', async () => {
    const store = new LocalBlobStore(join(dir, 'blobs'), quiet.logger('blobs'));
    const model = await store.put(tinyModel());
    const input = await store.put(tinyInput(1));
    await cli.market.registerModel(cli.market.genesis.economy, tinyModel(), model.uri);
    const providing = flywheel(['provide'], { until: /job 1: Finalized$/m });
    // The foreground node draws the job itself once it takes jobs.
    await until('the provider active', async () => {
      const list = await json<EconomySummary[]>(['economies']);
      return list[0]!.membership.status === 'active';
    });
    await cli.market.post({
      economy: cli.market.genesis.economy,
      modelHash: model.hash,
      inputHash: input.hash,
      inputUri: input.uri,
    });
    const run = await providing;
    expect(run.code, run.err).toBe(0);
    expect(run.out.split('\n')[0]).toMatch(/^providing; serving 1 economies; slots 0\/2$/);
    expect(run.err).toContain('Taking jobs here; Ctrl-C stops this process');
    expect(run.out).toMatch(/Flywheel job 1: Finalized$/m);

    const jobs = await json<JobSummary[]>(['jobs']);
    expect(jobs).toMatchObject([{ jobId: '1', status: 'Finalized', mine: true }]);
    const earnings = await json<EarningsReport>(['earnings']);
    const genesis = earnings.economies[0]!;
    // Claimable: the fee less 5 %, and the emission accrued to the active bond (credited or still pending).
    const emission = earnings.history
      .filter((h) => h.kind === 'emission')
      .reduce((sum, h) => sum + BigInt(h.amount), BigInt(genesis.pendingEmission));
    expect(emission).toBeGreaterThan(0n);
    expect(BigInt(genesis.claimable) - emission).toBe((2n * TOKEN * 95n) / 100n);
    // A custom network has no token price set: the fee-aware rule cannot call it worth the gas, so only --force sends.
    const held = await json<{ quotes: { advice: string }[]; txs: unknown[] }>(['withdraw', 'all']);
    expect(held.txs).toEqual([]);
    expect(held.quotes[0]!.advice).toMatch(/^No FLY price is set for this network/);
    const out = await json<{ txs: { amount: string }[] }>(['withdraw', 'all', '--force']);
    // Everything claimable at the withdrawal's block: the fee and the emission accrued until then.
    expect(out.txs).toHaveLength(1);
    expect(BigInt(out.txs[0]!.amount)).toBeGreaterThanOrEqual(BigInt(genesis.claimable));
  });

  it('stops (paused on-chain) and exits with the unbonding shown', async () => {
    const stopped = await json<ProviderState>(['stop']);
    expect(stopped.status).toBe('stopped');
    expect((await json<EconomySummary[]>(['economies']))[0]!.membership.status).toBe('paused');
    const left = await flywheel(['exit', 'FLY']);
    expect(left.code, left.err).toBe(0);
    expect(left.out).toMatch(/status\s+exiting/);
    expect(left.out).toMatch(/unbonds\s+\d{4}-/);
  });

  it('says what to do when the wallet cannot be opened', async () => {
    const r = await flywheel(['stop'], { env: { FLYWHEEL_PASSPHRASE: '' } });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /The wallet is locked\.\nPut its passphrase in the environment variable FLYWHEEL_PASSPHRASE/,
    );
  });
});
