import { keccak256, type Address, type Hash, type Hex } from 'viem';
import { GraphBuilder } from '../../src/main/engine/onnx/builder';
import { pseudoRandom } from '../../src/main/engine/onnx/models';
import type { SettingsPatch } from '../../src/shared/api/settings';
import { tensorOf, writeSafetensors } from '../../src/main/engine/safetensors';
import type { NetworkEndpoint } from '../../src/main/chain/endpoint';
import { createNode, type FlywheelNode, type NodeOptions } from '../../src/main/node';
import type { KeyProtector } from '../../src/main/wallet/protector';
import { DEV_PRIVATE_KEYS } from './anvil';
import { until } from './chain';
import { memoryKeyProtector } from './memoryKeyProtector';
import { tempDir } from './tmp';

/** A tiny real ONNX model: y = x · 2 + 1 over x [1, n] (float). */
export function tinyModel(n = 8): Uint8Array {
  const g = new GraphBuilder(`flywheel_test_affine_${n}`);
  const x = g.input('x', 'float', [1, n]);
  g.op('Add', [g.op('Mul', [x, g.scalar(2)]), g.scalar(1)], {}, 'y');
  g.output('y', 'float', [1, n]);
  return g.build();
}

/**
 * A model of several IPFS blocks (hundreds of KiB): y = x · 2 + c with c a fixed pseudo-random vector of n floats
 * kept in the model.
 */
export function wideModel(n = 100_000, seed = 1): Uint8Array {
  const g = new GraphBuilder(`flywheel_test_wide_${n}_${seed}`);
  const x = g.input('x', 'float', [1, n]);
  const c = g.constant('c', 'float', [1, n], pseudoRandom(n, seed));
  g.op('Add', [g.op('Mul', [x, g.scalar(2)]), c], {}, 'y');
  g.output('y', 'float', [1, n]);
  return g.build();
}

/** A safetensors input for tinyModel: x [1, n] of `seed`, seed + 1, … */
export function tinyInput(seed: number, n = 8): Uint8Array {
  const x = Float32Array.from({ length: n }, (_, i) => seed + i);
  return writeSafetensors([tensorOf('x', 'F32', [1, n], x)]);
}

export interface ProviderNode {
  node: FlywheelNode;
  dataDir: string;
  address: Address;
  /** Puts bytes in this node's blob store (as the devnet does for its demo jobs); returns hash and `blob:` URI. */
  put(bytes: Uint8Array): Promise<{ hash: Hash; uri: string }>;
  call<T = unknown>(name: string, params?: Record<string, unknown>): Promise<T>;
  /** Closes the node (and removes its data folder unless `keep`). */
  stop(keep?: boolean): Promise<void>;
}

/**
 * A real provider node (createNode: engine, wallet, chain half) in a temporary data folder, its wallet one of
 * anvil's dev keys sealed by a test keychain (unlocked at start), connected to `endpoint`.
 */
export async function startProviderNode(options: {
  /** Connect to this endpoint (as the devnet does); left out, the node follows its settings (a custom network). */
  endpoint?: NetworkEndpoint;
  settings?: SettingsPatch;
  /** Which of anvil's dev keys the wallet holds (or `privateKey`, a key of the test's own). */
  keyIndex?: number;
  privateKey?: Hex;
  dataDir?: string;
  protector?: KeyProtector;
  node?: Partial<NodeOptions>;
  limits?: Record<string, unknown>;
}): Promise<ProviderNode> {
  const tmp = options.dataDir ? null : tempDir('flywheel-provider-');
  const dataDir = options.dataDir ?? tmp!.dir;
  const node = await createNode({
    dataDir,
    shell: 'headless',
    // FLYWHEEL_TEST_LOG=info (or debug) shows the node's log while a test runs.
    consoleLogLevel: (process.env.FLYWHEEL_TEST_LOG as 'info' | undefined) ?? 'silent',
    keyProtector: options.protector ?? memoryKeyProtector(),
    heartbeatMs: 60_000,
    devnet: 'off',
    ...options.node,
  });
  if (!node.wallet.address) {
    await node.wallet.import({ privateKey: options.privateKey ?? DEV_PRIVATE_KEYS[options.keyIndex ?? 0]! });
  }
  if (options.limits) node.settings.update({ limits: options.limits });
  if (options.settings) node.settings.update(options.settings);
  if (options.endpoint) await node.onchain.chain.connect(options.endpoint);
  await until(
    'the event copy',
    () => !!node.onchain.feed.sync && node.onchain.feed.sync.head !== null,
    20_000,
  );
  const call = async <T>(name: string, params: Record<string, unknown> = {}): Promise<T> => {
    const envelope = await node.dispatch(name as never, params as never, { bridge: 'test' });
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.shortMessage), envelope.error);
    return envelope.result as T;
  };
  return {
    node,
    dataDir,
    address: node.wallet.address!,
    async put(bytes) {
      const stored = await node.onchain.blobs.put(bytes);
      return { hash: keccak256(bytes), uri: stored.uri };
    },
    call,
    async stop(keep = false) {
      await node.close();
      if (!keep) tmp?.cleanup();
    },
  };
}
