import { describe, expect, it } from 'vitest';
import type { ValidatorLifecycleResult, ValidatorRisk, ValidatorState } from '../../../src/shared/api';
import { TOKEN } from '../../helpers/market';
import { useBundledCli } from './helpers';

/** `flywheel validate …` (bundled, a process per command) on a data folder whose settings name a real anvil. */
describe('flywheel validate', { timeout: 120_000 }, () => {
  const cli = useBundledCli({ prefix: 'flywheel-cli-validate-', bundle: 'cli-validate' });
  const flywheel = (args: string[]) => cli.flywheel(['validate', ...args]);
  const json = <T>(args: string[]) => cli.json<T>(['validate', ...args]);

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
