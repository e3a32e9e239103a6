import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/tmp';
import { flywheel } from './helpers';

/** `flywheel status`, `hardware` and per-command help, as their own processes, as a user runs them. */
describe('flywheel status and hardware', { timeout: 120_000 }, () => {
  const { dir, cleanup } = tempDir('flywheel-status-');
  afterAll(cleanup);

  it('prints each command’s own help', async () => {
    const status = await flywheel(['status', '--help']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Usage: flywheel status \[--json\]/);
    expect(status.stdout).not.toContain('Commands:');
    const hardware = await flywheel(['hardware', '-h']);
    expect(hardware.stdout).toMatch(/^Usage: flywheel hardware \[--json\] \[--no-probe\]/);
    const general = await flywheel(['--help']);
    expect(general.stdout).toContain('Commands:');
  });

  it('says in words that no devnet runs, with dates and durations for people and raw figures in --json', async () => {
    const human = await flywheel(['status', '--data-dir', dir]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^Connected +no: no running devnet found \(start Flywheel/m);
    expect(human.stdout).toMatch(/^Started +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(up \d+ s, pid \d+\)$/m);
    // No epoch milliseconds for people.
    expect(human.stdout).not.toMatch(/\d{13}/);
    const raw = (await flywheel(['status', '--data-dir', dir, '--json'])).json<{
      startedAt: number;
      network: { connected: boolean };
    }>();
    expect(raw.startedAt).toBeGreaterThan(1e12);
    expect(raw.network.connected).toBe(false);
  });

  it('probes the execution providers, or says they are not probed yet', async () => {
    const skipped = await flywheel(['hardware', '--no-probe', '--data-dir', dir]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toMatch(/^ {2}cpu .*: not probed yet$/m);
    const probed = await flywheel(['hardware', '--data-dir', dir]);
    expect(probed.stdout).toMatch(/^ {2}cpu .*: runs on cpu$/m);
    const raw = (await flywheel(['hardware', '--json', '--data-dir', dir])).json<{
      devices: { id: string; executionProvider: { chosen: string } | null }[];
    }>();
    expect(raw.devices.find((d) => d.id === 'cpu')?.executionProvider?.chosen).toBe('cpu');
  });
});
