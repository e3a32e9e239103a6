/**
 * A whole node (createNode) as a child process for crash.test.ts, which kills it with SIGKILL at random moments and
 * starts it again. Arguments: the data folder and the network endpoint as JSON. The wallet key is sealed by a
 * "keychain" whose key comes from FLYWHEEL_TEST_SEAL (hex). The first run bonds as a validator in the economy named
 * by FLYWHEEL_TEST_JOIN, samples every result and turns checking on; later runs go on because the switch is kept on
 * disk. Prints `ready` once set up.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { NetworkEndpoint } from '../../../src/main/chain/endpoint';
import { createNode } from '../../../src/main/node';
import type { KeyProtector } from '../../../src/main/wallet/protector';

const [dataDir, endpointJson] = process.argv.slice(2) as [string, string];
const endpoint = JSON.parse(endpointJson, (k, v: unknown) =>
  k === 'startBlock' ? BigInt(v as string) : v,
) as NetworkEndpoint;
const key = Buffer.from(process.env.FLYWHEEL_TEST_SEAL!, 'hex');

const protector: KeyProtector = {
  kind: 'os-keychain',
  availability: () => ({ ok: true, note: 'test keychain' }),
  async protect(secret) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(secret), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  },
  async unprotect(sealed) {
    const buf = Buffer.from(sealed);
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
    decipher.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]);
  },
};

const node = await createNode({
  dataDir,
  shell: 'headless',
  consoleLogLevel: (process.env.FLYWHEEL_TEST_LOG as 'info' | undefined) ?? 'silent',
  keyProtector: protector,
  heartbeatMs: 60_000,
  devnet: 'off',
});
if (!node.wallet.address) await node.wallet.import({ privateKey: process.env.FLYWHEEL_TEST_KEY! });
await node.onchain.chain.connect(endpoint);
const call = async (name: string, params: Record<string, unknown> = {}) => {
  const envelope = await node.dispatch(name as never, params as never, { bridge: 'test' });
  if (!envelope.ok)
    throw new Error(`${name}: ${envelope.error.shortMessage} ${envelope.error.details ?? ''}`);
  return envelope.result;
};
const join = process.env.FLYWHEEL_TEST_JOIN as `0x${string}`;
// Each step is safe to repeat: a kill between them leaves the next run to finish the setup.
const state = (await call('validator.get')) as { on: boolean; economies: { standing: string }[] };
if (!state.economies.some((e) => e.standing === 'active')) {
  await call('validator.join', { economy: join, bond: process.env.FLYWHEEL_TEST_BOND! });
}
if (!state.on) {
  await call('validator.configure', { sampleRate: 1, jobsPerHour: 10_000, maxEngineSharePct: 100 });
  await call('validator.start');
}
process.stdout.write('ready\n');
