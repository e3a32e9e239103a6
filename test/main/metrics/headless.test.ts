import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeadless } from '../../helpers/headless';
import { bundleNode } from '../../helpers/nodeBundle';
import { parsePrometheusText } from '../../helpers/promText';
import { tempDir } from '../../helpers/tmp';

const ROOT = join(import.meta.dirname, '..', '..', '..');
let headless: { file: string };
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  headless = await bundleNode(join(ROOT, 'src', 'main', 'headless', 'main.ts'), 'headless-metrics');
}, 120_000);
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const env = { FLYWHEEL_DEVNET: 'off', FLYWHEEL_PASSPHRASE: '', FLYWHEEL_PASSPHRASE_FILE: '' };

describe('the headless shell’s metrics flags', { timeout: 60_000 }, () => {
  it('--metrics-port serves /metrics on 127.0.0.1; without it nothing is served', async () => {
    const plain = await startHeadless({ entry: headless.file, env });
    cleanups.push(() => plain.stop());
    expect(plain.output()).not.toMatch(/Metrics for Prometheus/);

    const shell = await startHeadless({ entry: headless.file, env, args: ['--metrics-port', '0'] });
    cleanups.push(() => shell.stop());
    const url = /Metrics for Prometheus at (\S+)/.exec(shell.output())?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(await res.text());
    expect(families.get('flywheel_node_info')?.samples[0]?.labels.shell).toBe('headless');
    expect(families.get('flywheel_wallet_unlocked')?.samples[0]?.value).toBe(0);
  });

  it('--metrics-host 0.0.0.0 needs a token file: refused at start without one, 401 without the token after', async () => {
    const { dir, cleanup } = tempDir('flywheel-metrics-rig-');
    cleanups.push(cleanup);
    // Refused before the node starts, in words, with what to do.
    const refused = spawn(process.execPath, [headless.file, '--data-dir', dir, '--metrics-host', '0.0.0.0'], {
      env: { ...process.env, ...env },
    });
    let out = '';
    refused.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise((r) => refused.once('exit', r));
    expect(code).toBe(1);
    expect(out).toMatch(/Flywheel could not start: --metrics-host 0\.0\.0\.0 needs a token/);
    expect(out).toMatch(/chmod 600/);

    const tokenFile = join(dir, 'scrape-token');
    const token = 'f'.repeat(48);
    writeFileSync(tokenFile, `${token}\n`);
    chmodSync(tokenFile, 0o600);
    const shell = await startHeadless({
      entry: headless.file,
      dataDir: dir,
      env,
      args: ['--metrics-host', '0.0.0.0', '--metrics-port', '0', '--metrics-token-file', tokenFile],
    });
    cleanups.push(() => shell.stop());
    const url = /Metrics for Prometheus at (\S+) \(bearer token\)/.exec(shell.output())?.[1];
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/metrics$/);
    const local = url!.replace('0.0.0.0', '127.0.0.1');
    expect((await fetch(local)).status).toBe(401);
    expect((await fetch(local, { headers: { authorization: `Bearer ${shell.token}` } })).status).toBe(401);
    const ok = await fetch(local, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(parsePrometheusText(await ok.text()).has('flywheel_jobs_total')).toBe(true);
  });
});
