import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { BlobStore } from '../../../src/main/blobs/store';
import type { NetworkEndpoint } from '../../../src/main/chain/endpoint';
import { devnetBlobs } from '../../../src/main/devnet/blobs';
import { Devnet, type DevnetOptions } from '../../../src/main/devnet/devnet';
import type { DemoMarket } from '../../../src/main/devnet/market/market';
import type { MarketBlobs } from '../../../src/main/devnet/market/references';
import { cpuDevice, createEngine, type Engine } from '../../../src/main/engine/engine';
import { withLanguageModels, type LanguageModelEngine } from '../../../src/main/engine/llama/runtime';
import { LogSink, type Logger } from '../../../src/main/log';
import { defaultSettings } from '../../../src/shared/api/settings';
import { tempDir } from '../../helpers/tmp';

export const quietLog: Logger = new LogSink({ consoleLevel: 'silent' }).logger('test');

/** The data folder's blob store, as the node makes it. */
export async function blobsIn(dataDir: string): Promise<{ store: BlobStore; blobs: MarketBlobs }> {
  const store = new BlobStore({
    root: join(dataDir, 'blobs'),
    settings: () => defaultSettings,
    log: quietLog,
  });
  return { store, blobs: await devnetBlobs(store) };
}

/** A devnet over `dataDir`, owned by this process like the node's. */
export async function devnetIn(dataDir: string, options: Partial<DevnetOptions> = {}): Promise<Devnet> {
  const { blobs } = await blobsIn(dataDir);
  return new Devnet({ dataDir, log: quietLog, blobs, owner: 'node', stateIntervalS: 1, ...options });
}

/** How a test's demo market runs: its engine (made once the devnet is up, closed after) and its knobs. */
export interface TestMarket<E extends Engine> {
  engine: () => E;
  options: Omit<Parameters<Devnet['startMarket']>[0], 'engine' | 'version'>;
}

/**
 * The demo market's knobs for a test that posts its own jobs: the demo requester posts nothing, the keeper draws at
 * once, and the simulated providers serve in a fraction of a second, all of them right and on time (a wrong result
 * would be challenged and voted on instead of read back).
 */
export const ownJobsMarket = {
  post: false,
  roundMs: 300,
  keeperDrawAfterS: 0,
  providers: { runSeconds: [0.1, 0.3], misbehaviour: { sloppy: 0, late: 0 } },
} satisfies TestMarket<Engine>['options'];

/** An engine with llama.cpp on one CPU thread, for a market whose jobs or checks run text generation. */
export const llamaEngine = (): LanguageModelEngine =>
  withLanguageModels(createEngine({ devices: [cpuDevice(1)], log: quietLog }), { log: quietLog });

/**
 * A devnet (real anvil, the contracts, the book) over a fresh data folder for the tests of one file: started before
 * them, stopped after, its folder removed. With `market`, the devnet's demo market runs too, on the real engine the
 * test makes.
 */
export function useDevnet<E extends Engine = Engine>(options: {
  prefix: string;
  market?: TestMarket<E>;
  /** How long the start may take (the hook's timeout). */
  timeoutMs: number;
}): {
  readonly dataDir: string;
  readonly devnet: Devnet;
  readonly endpoint: NetworkEndpoint;
  readonly engine: E;
  readonly market: DemoMarket;
} {
  const temp = tempDir(options.prefix);
  let devnet: Devnet | undefined;
  let endpoint: NetworkEndpoint | undefined;
  let engine: E | undefined;
  let market: DemoMarket | undefined;
  beforeAll(async () => {
    devnet = await devnetIn(temp.dir);
    endpoint = await devnet.start();
    if (!options.market) return;
    engine = options.market.engine();
    market = (await devnet.startMarket({ engine, version: 'test', ...options.market.options }))!;
  }, options.timeoutMs);
  afterAll(async () => {
    await devnet?.stop();
    await engine?.close();
    temp.cleanup();
  });
  const running = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`no ${what} (useDevnet outside a test, or without a market?)`);
    return value;
  };
  return {
    dataDir: temp.dir,
    get devnet() {
      return running('devnet', devnet);
    },
    get endpoint() {
      return running('endpoint', endpoint);
    },
    get engine() {
      return running('engine', engine);
    },
    get market() {
      return running('market', market);
    },
  };
}
