import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidatorLifecycleResult, ValidatorRisk, ValidatorState } from '../../../src/shared/api';
import { confBackend, createSettingsStore } from '../../../src/main/settings/store';
import { Wallet } from '../../../src/main/wallet/wallet';
import { LogSink } from '../../../src/main/log';
import { DEV_PRIVATE_KEYS, useAnvil } from '../../helpers/anvil';
import { devAccount } from '../../helpers/chain';
import { deployMarket, TOKEN, type Market, testWindows } from '../../helpers/market';
import { bundleNode } from '../../helpers/nodeBundle';
import { tempDir } from '../../helpers/tmp';

const quiet = new LogSink({ consoleLevel: 'silent' });
const PASSPHRASE = 'correct horse battery staple';

/** `flywheel validate …` (bundled, a process per command) on a data folder whose settings name a real anvil. */
describe('flywheel validate', { timeout: 120_000 }, () => {
  const chain = useAnvil({ chainId: 31337 });
  const { dir, cleanup } = tempDir('flywheel-cli-validate-');
  let market: Market;
  let cli: { dir: string; file: string };
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    [market, cli] = await Promise.all([
      deployMarket(chain.rpcUrl, { params: testWindows({ acceptWindowS: 30, minDeadlineS: 60 }) }),
      bundleNode(
        join(import.meta.dirname, '..', '..', '..', 'src', 'main', 'cli', 'main.ts'),
        'cli-validate',
      ),
    ]);
    await market.fund(market.genesis, devAccount(2).address, 1_000n * TOKEN);
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
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await market?.close();
    cleanup();
    if (cli) rmSync(cli.dir, { recursive: true, force: true });
  });

  function flywheel(args: string[]) {
    return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [cli.file, 'validate', ...args, '--data-dir', dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FLYWHEEL_PASSPHRASE: PASSPHRASE },
      });
      children.add(child);
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
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

  it('says the risk before bonding, in figures and words', async () => {
    const risk = await json<ValidatorRisk>(['risk', 'genesis', '--bond', '200']);
    expect(risk.wrongVoteCost).toBe((20n * TOKEN).toString()); // 10 % of 200
    const text = await flywheel(['risk', 'genesis']);
    expect(text.out).toContain('A vote against the outcome costs 10 % of the vote');
    expect(text.out).toContain('A challenge the vote upholds costs the challenge bond: 10 FLY');
  });

  it('bonds, refuses a bond under the minimum with the figures, configures and turns checking on', async () => {
    const low = await flywheel(['join', 'genesis', '5']);
    expect(low.code).toBe(1);
    expect(low.err).toContain('at least the economy’s minimum validator bond');
    const joined = await json<ValidatorLifecycleResult>(['join', 'genesis', '150']);
    expect(joined.economy).toMatchObject({ standing: 'active', bond: (150n * TOKEN).toString() });
    expect(joined.txs.map((t) => t.label)).toContain('Bond as a validator');
    const configured = await json<ValidatorState>([
      'config',
      '--sample-rate',
      '0.5',
      '--jobs-per-hour',
      '30',
    ]);
    expect(configured.config).toMatchObject({ sampleRate: 0.5, jobsPerHour: 30, maxEngineSharePct: 10 });
    const bad = await flywheel(['config', '--sample-rate', '2']);
    expect(bad.code).toBe(1);
    const started = await json<ValidatorState>(['start']);
    expect(started.on).toBe(true);
    // The CLI runs no checks itself (only `validate run` does): it says so.
    expect(started.reason).toContain('not in this command');
    const status = await flywheel(['status']);
    expect(status.out).toMatch(/Flywheel: active, bond 150 FLY \(locked 0 FLY\)/);
    const exited = await json<ValidatorLifecycleResult>(['exit', 'genesis']);
    expect(exited.economy.standing).toBe('exiting');
    const early = await flywheel(['withdraw', 'genesis']);
    expect(early.code).toBe(1);
    expect(early.err).toContain('unbonding until');
  });
});
