import { join } from 'node:path';
import { BlobStore } from '../../../src/main/blobs/store';
import { devnetBlobs } from '../../../src/main/devnet/blobs';
import { Devnet, type DevnetOptions } from '../../../src/main/devnet/devnet';
import type { MarketBlobs } from '../../../src/main/devnet/market/references';
import { LogSink, type Logger } from '../../../src/main/log';
import { defaultSettings } from '../../../src/shared/api/settings';

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
