import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallName, CallParams, CallResult, FleetNode, FleetReport } from '../../../src/shared/api';
import type { ApiErrorData } from '../../../src/shared/errors';
import type { FlywheelNode } from '../../../src/main/node';
import { startHeadless, type HeadlessProcess } from '../../helpers/headless';
import { memoryKeyProtector } from '../../helpers/memoryKeyProtector';
import { startTestNode } from '../../helpers/node';
import { bundleNode } from '../../helpers/nodeBundle';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const env = { FLYWHEEL_DEVNET: 'off', FLYWHEEL_PASSPHRASE: '', FLYWHEEL_PASSPHRASE_FILE: '' };
const cleanups: (() => void | Promise<void>)[] = [];

let node: FlywheelNode;
let a: HeadlessProcess;
let b: HeadlessProcess;

async function call<N extends CallName>(name: N, params: CallParams<N>): Promise<CallResult<N>> {
  const envelope = await node.dispatch(name, params, { bridge: 'test' });
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.shortMessage), envelope.error);
  return envelope.result as CallResult<N>;
}

async function failure<N extends CallName>(name: N, params: CallParams<N>): Promise<ApiErrorData> {
  const envelope = await node.dispatch(name, params, { bridge: 'test' });
  if (envelope.ok) throw new Error(`${name} succeeded`);
  return envelope.error;
}

const byOrigin = (report: FleetReport, origin: string): FleetNode =>
  report.nodes.find((n) => n.origin === origin)!;

beforeAll(async () => {
  const bundle = await bundleNode(join(ROOT, 'src', 'main', 'headless', 'main.ts'), 'headless-fleet');
  // Two other nodes, each its own headless shell with its own data folder and port (no wallet, no chain there).
  [a, b] = await Promise.all([
    startHeadless({ entry: bundle.file, env }),
    startHeadless({ entry: bundle.file, env }),
  ]);
  cleanups.push(
    () => a.stop(),
    () => b.stop(),
  );
  const local = await startTestNode({ devnet: 'off', keyProtector: memoryKeyProtector(), takeJobs: false });
  node = local.node;
  cleanups.push(local.stop);
}, 180_000);
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('the fleet: other nodes by URL and token', { timeout: 60_000 }, () => {
  it('needs a wallet first: the tokens are encrypted with a key derived from it', async () => {
    const error = await failure('fleet.add', { url: a.url });
    expect(error.code).toBe('NOT_FOUND');
    expect(error.action).toMatch(/Create or import a wallet/);
    const report = await call('fleet.list', {});
    expect(report.tokensReadable).toBe(false);
    expect(report.tokensNote).toMatch(/no wallet/i);
    await node.wallet.create();
  });

  it('refuses what is not a node’s URL and token, each with what to do', async () => {
    const ftp = await failure('fleet.add', { url: `ftp://127.0.0.1/#token=${a.token}` });
    expect(ftp).toMatchObject({ code: 'BAD_INPUT' });
    expect(ftp.shortMessage).toMatch(/http:\/\/ or https:\/\//);
    expect((await failure('fleet.add', { url: a.origin })).shortMessage).toMatch(/token is needed/);
    expect((await failure('fleet.add', { url: a.url, token: b.token })).shortMessage).toMatch(
      /one token and the token field another/,
    );
    const wrong = await failure('fleet.add', { url: a.origin, token: 'x'.repeat(43) });
    expect(wrong.shortMessage).toBe(`The node at ${a.origin} refused that token.`);
    // A port where nothing listens: said in words, within the timeout.
    const nobody = await failure('fleet.add', { url: 'http://127.0.0.1:9', token: a.token });
    expect(nobody.shortMessage).toBe('No Flywheel node answered at http://127.0.0.1:9.');
    expect(nobody.action).toMatch(/ssh -L/);
    expect((await call('fleet.list', {})).nodes).toEqual([]);
  });

  it('adds two nodes (URL with #token=, or origin and token) and shows each as its API tells', async () => {
    const first = await call('fleet.add', { url: a.url, label: 'rig A' });
    expect(first).toMatchObject({
      label: 'rig A',
      origin: a.origin,
      state: 'answering',
      notAnsweringSince: null,
    });
    expect(first.node).toMatchObject({ shell: 'headless' });
    expect(first.provider?.status).toBeDefined();
    expect(first.gpus).not.toBeNull();
    const second = await call('fleet.add', { url: `${b.origin}/`, token: b.token });
    expect(second).toMatchObject({ label: `headless at ${new URL(b.origin).host}`, state: 'answering' });
    expect((await failure('fleet.add', { url: a.url })).code).toBe('CONFLICT');

    const report = await call('fleet.refresh', {});
    expect(report.tokensReadable).toBe(true);
    expect(report.nodes.map((n) => n.state)).toEqual(['answering', 'answering']);
    // The renderer gets no token.
    expect(JSON.stringify(report)).not.toContain(a.token);
    expect(JSON.stringify(report)).not.toContain(b.token);
  });

  it('keeps the tokens encrypted at rest, in a file only its owner reads', () => {
    const file = join(node.dataDir, 'fleet.json');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(a.origin);
    expect(text).not.toContain(a.token);
    expect(text).not.toContain(b.token);
    expect(text).not.toContain(Buffer.from(a.token).toString('base64'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('starts and stops providing at a node through its own API, and says why when it cannot provide', async () => {
    const id = byOrigin(await call('fleet.list', {}), a.origin).id;
    // No wallet on that node: the switch is on there, and its provider state says why it does not take jobs.
    const started = await call('fleet.startProviding', { id });
    expect(started.provider?.status).not.toBe('stopped');
    expect(started.provider?.status).not.toBe('providing');
    expect(started.provider?.reason).toMatch(/wallet/i);
    expect(started.alerts.map((x) => x.kind)).toContain('not-providing');
    const stopped = await call('fleet.stopProviding', { id });
    expect(stopped.provider?.status).toBe('stopped');
    // The other node was not touched.
    const direct = await fetch(`${b.origin}/api/call/provider.get`, {
      method: 'POST',
      headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(((await direct.json()) as { result: { status: string } }).result.status).toBe('stopped');
  });

  it('shows a killed node as not answering within seconds, without holding up the other', async () => {
    b.child.kill('SIGKILL');
    await new Promise((r) => b.child.once('exit', r));
    const t0 = Date.now();
    const report = await call('fleet.refresh', {});
    expect(Date.now() - t0).toBeLessThan(5000);
    const down = byOrigin(report, b.origin);
    expect(down.state).toBe('not-answering');
    expect(down.notAnsweringSince).toBeGreaterThanOrEqual(t0);
    expect(down.alerts[0]).toMatchObject({ kind: 'not-answering' });
    expect(down.alerts[0]!.text).toMatch(/^Not answering: No answer from http:\/\/127\.0\.0\.1:\d+ \(/);
    expect(byOrigin(report, a.origin).state).toBe('answering');
    // "Since" stays the first failure.
    const again = byOrigin(await call('fleet.refresh', {}), b.origin);
    expect(again.notAnsweringSince).toBe(down.notAnsweringSince);
    // Starting it there fails in words instead of hanging.
    const error = await failure('fleet.startProviding', { id: down.id });
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.shortMessage).toMatch(/could not start providing: No answer from/);
  });

  it('cannot read the tokens while the wallet is locked, and says so', async () => {
    await call('wallet.lock', {});
    const report = await call('fleet.list', {});
    expect(report.tokensReadable).toBe(false);
    expect(report.tokensNote).toBe('The wallet is locked: fleet tokens are unreadable until it is unlocked.');
    expect(report.nodes.every((n) => n.state === 'locked')).toBe(true);
    const id = byOrigin(report, a.origin).id;
    expect((await failure('fleet.stopProviding', { id })).code).toBe('WALLET_LOCKED');
    await node.wallet.unlock();
    const back = await call('fleet.refresh', {});
    expect(byOrigin(back, a.origin).state).toBe('answering');

    const removed = await call('fleet.remove', { id });
    expect(removed.nodes.map((n) => n.origin)).toEqual([b.origin]);
    expect(readFileSync(join(node.dataDir, 'fleet.json'), 'utf8')).not.toContain(a.origin);
  });
});
