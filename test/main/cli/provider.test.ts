import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  EarningsReport,
  EconomySummary,
  JobSummary,
  LifecycleResult,
  ProviderState,
} from '../../../src/shared/api';
import { confBackend, createSettingsStore } from '../../../src/main/settings/store';
import { Wallet } from '../../../src/main/wallet/wallet';
import { LogSink } from '../../../src/main/log';
import { DEV_PRIVATE_KEYS, useAnvil } from '../../helpers/anvil';
import { devAccount, until } from '../../helpers/chain';
import { deployMarket, TOKEN, type Market, testWindows } from '../../helpers/market';
import { bundleNode } from '../../helpers/nodeBundle';
import { tinyInput, tinyModel } from '../../helpers/provider';
import { tempDir } from '../../helpers/tmp';
import { LocalBlobStore } from '../../../src/main/blobs/local';

const quiet = new LogSink({ consoleLevel: 'silent' });
const PASSPHRASE = 'correct horse battery staple';

/**
 * The provider commands of `flywheel` (bundled, as a separate process each time) on a data folder whose settings
 * name a custom network: a real anvil with the contracts, a passphrase keystore opened with FLYWHEEL_PASSPHRASE.
 */
describe('flywheel provider commands', { timeout: 120_000 }, () => {
  const chain = useAnvil({ chainId: 31337 });
  const { dir, cleanup } = tempDir('flywheel-cli-');
  let market: Market;
  let cli: { dir: string; file: string };
  const address = devAccount(2).address;

  beforeAll(async () => {
    [market, cli] = await Promise.all([
      deployMarket(chain.rpcUrl, {
        params: testWindows({ acceptWindowS: 30, minDeadlineS: 60 }),
      }),
      bundleNode(join(import.meta.dirname, '..', '..', '..', 'src', 'main', 'cli', 'main.ts'), 'cli'),
    ]);
    await market.fund(market.genesis, address, 1_000n * TOKEN);
    createSettingsStore(() => confBackend(dir), quiet.logger('settings')).update({
      network: {
        kind: 'custom',
        label: 'CLI test chain',
        rpcUrl: chain.rpcUrl,
        chainId: 31337,
        factory: market.factory,
        blobStore: { kind: 'local' },
      },
    });
    const wallet = await Wallet.open({
      dir: join(dir, 'wallet'),
      payoutAddress: () => null,
      log: quiet.logger('wallet'),
      scryptCost: { n: 1024, r: 8, p: 1 },
    });
    await wallet.import({ privateKey: DEV_PRIVATE_KEYS[2], passphrase: PASSPHRASE });
  }, 120_000);
  /** Every `flywheel` process this file starts: one still running when the tests end (a failed wait) is killed. */
  const children = new Set<ChildProcess>();
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await market?.close();
    cleanup();
    if (cli) rmSync(cli.dir, { recursive: true, force: true });
  });

  /** Runs one command to its end; `until` (for `provide`) interrupts it once its output holds that. */
  function flywheel(args: string[], options: { until?: RegExp; env?: Record<string, string> } = {}) {
    return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [cli.file, ...args, '--data-dir', dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FLYWHEEL_PASSPHRASE: PASSPHRASE, ...options.env },
      });
      children.add(child);
      let out = '';
      let err = '';
      let interrupted = false;
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        // One Ctrl-C: a second one while the node stops would be the default handler's, killing it mid-stop.
        if (!interrupted && options.until?.test(out)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      });
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.once('exit', (code) => {
        children.delete(child);
        resolve({ code, out, err });
      });
    });
  }
  const json = async <T>(args: string[]): Promise<T> => {
    const r = await flywheel([...args, '--json']);
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out) as T;
  };

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
    await market.registerModel(market.genesis.economy, tinyModel(), model.uri);
    const providing = flywheel(['provide'], { until: /job 1: Finalized$/m });
    // The foreground node draws the job itself once it takes jobs.
    await until('the provider active', async () => {
      const list = await json<EconomySummary[]>(['economies']);
      return list[0]!.membership.status === 'active';
    });
    await market.post({
      economy: market.genesis.economy,
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
