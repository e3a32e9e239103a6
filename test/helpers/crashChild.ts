/**
 * A whole node (createNode) as a child process that a crash test kills with SIGKILL at random moments and starts
 * again: the test spawns its script with spawnChildNode, the script (bundled with bundleNode) starts its node with
 * startChildNode. The script's arguments are the data folder and the network endpoint as JSON; the wallet key
 * (FLYWHEEL_TEST_KEY) is sealed by a "keychain" whose key comes from FLYWHEEL_TEST_SEAL (hex), so each run unseals
 * what the first one stored. The script prints `ready` once set up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import type { NetworkEndpoint } from '../../src/main/chain/endpoint';
import { createNode, type FlywheelNode } from '../../src/main/node';
import { memoryKeyProtector } from './memoryKeyProtector';

/** One run of a child script. */
export interface ChildRun {
  child: ChildProcess;
  /** Resolves once the child printed `ready`; rejects if it exits first. */
  ready: Promise<void>;
  exited: Promise<void>;
}

/**
 * Starts the bundled child script `file` on `dataDir` and `endpoint`, its wallet `privateKey` sealed under `seal`
 * (32 bytes in hex, the same for every run); `env` (the script's own settings) is added to this process's own.
 */
export function spawnChildNode(options: {
  file: string;
  dataDir: string;
  endpoint: NetworkEndpoint;
  seal: string;
  privateKey: string;
  env: NodeJS.ProcessEnv;
}): ChildRun {
  const c = spawn(
    process.execPath,
    [
      options.file,
      options.dataDir,
      JSON.stringify(options.endpoint, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        FLYWHEEL_TEST_SEAL: options.seal,
        FLYWHEEL_TEST_KEY: options.privateKey,
        ...options.env,
      },
    },
  );
  let err = '';
  c.stderr!.on('data', (b: Buffer) => {
    err = (err + b.toString()).slice(-4000);
    if (process.env.FLYWHEEL_CRASH_LOG) appendFileSync(process.env.FLYWHEEL_CRASH_LOG, b);
  });
  const exited = new Promise<void>((r) => c.once('exit', () => r()));
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    c.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready')) resolve();
    });
    c.once('exit', (code, signal) =>
      reject(new Error(`node exited (${signal ?? code}) before it was ready: ${err}`)),
    );
  });
  ready.catch(() => undefined);
  return { child: c, ready, exited };
}

/**
 * In the child script: its node on the data folder of its arguments, the wallet imported on the first run, connected
 * to the endpoint of its arguments. `call` goes through the node's dispatch and throws a failed call's message.
 */
export async function startChildNode(): Promise<{
  node: FlywheelNode;
  call(name: string, params?: Record<string, unknown>): Promise<unknown>;
}> {
  const [dataDir, endpointJson] = process.argv.slice(2) as [string, string];
  const endpoint = JSON.parse(endpointJson, (k, v: unknown) =>
    k === 'startBlock' ? BigInt(v as string) : v,
  ) as NetworkEndpoint;
  const node = await createNode({
    dataDir,
    shell: 'headless',
    consoleLogLevel: (process.env.FLYWHEEL_TEST_LOG as 'info' | undefined) ?? 'silent',
    keyProtector: memoryKeyProtector({ key: Buffer.from(process.env.FLYWHEEL_TEST_SEAL!, 'hex') }),
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
  return { node, call };
}
