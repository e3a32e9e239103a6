/**
 * The provider node as `npm run bench -- node` measures it, in a process of its own: createNode with a test
 * keychain (no passphrase), connected to the endpoint given as JSON. Prints `ready <ms>` once node.status answers
 * connected (ms since the process started), and with FLYWHEEL_BENCH_JOIN joins that economy and provides.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { NetworkEndpoint } from '../src/main/chain/endpoint';
import { createNode } from '../src/main/node';
import type { KeyProtector } from '../src/main/wallet/protector';

const started = performance.timeOrigin;
const [dataDir, endpointJson] = process.argv.slice(2) as [string, string];
const endpoint = JSON.parse(endpointJson, (k, v: unknown) =>
  k === 'startBlock' ? BigInt(v as string) : v,
) as NetworkEndpoint;
const key = randomBytes(32);
const protector: KeyProtector = {
  kind: 'os-keychain',
  availability: () => ({ ok: true, note: 'bench keychain' }),
  async protect(secret) {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([c.update(secret), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  },
  async unprotect(sealed) {
    const buf = Buffer.from(sealed);
    const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
    d.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([d.update(buf.subarray(28)), d.final()]);
  },
};

const node = await createNode({
  dataDir,
  shell: 'headless',
  consoleLogLevel: 'silent',
  keyProtector: protector,
  devnet: 'off',
});
if (!node.wallet.address) await node.wallet.import({ privateKey: process.env.FLYWHEEL_BENCH_KEY! });
if (process.env.FLYWHEEL_BENCH_SLOTS) {
  node.settings.update({ limits: { maxConcurrentJobs: Number(process.env.FLYWHEEL_BENCH_SLOTS) } });
}
const call = async (name: string, params: Record<string, unknown>) => {
  const envelope = await node.dispatch(name as never, params as never, { bridge: 'test' });
  if (!envelope.ok) throw new Error(`${name}: ${envelope.error.shortMessage}`);
  return envelope.result as Record<string, unknown>;
};
await node.onchain.chain.connect(endpoint);
const status = (await call('node.status', {})) as { network: { connected: boolean } };
if (!status.network.connected) throw new Error('not connected');
process.stdout.write(`ready ${Math.round(Date.now() - started)}\n`);
const join = process.env.FLYWHEEL_BENCH_JOIN;
if (join) {
  await call('provider.join', { economy: join, bond: process.env.FLYWHEEL_BENCH_BOND! });
  await call('provider.start', {});
  process.stdout.write('providing\n');
}
process.on('SIGTERM', () => {
  void node.close().then(() => process.exit(0));
});
