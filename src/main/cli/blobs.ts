/**
 * Blobs for the CLI, a second process beside a running node. On the devnet it writes straight into the node's
 * content-addressed folder (`<data>/blobs/<keccak hex>`, atomically) and reads from it, verifying the hash — it
 * never opens the node's blob store, whose start-up tidying would touch the node's downloads in progress. On a
 * custom network it publishes where the settings say (IPFS through Kubo, an HTTP store) through a blob store of
 * its own.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hash } from 'viem';
import type { Settings } from '#shared/api/settings';
import { FlywheelError } from '#shared/errors';
import { parseBlobUri } from '../blobs/uri';
import { BlobStore } from '../blobs/store';
import { createKeccak256 } from '../engine/hash';
import { writeFileAtomic } from '../fs/atomicWrite';
import type { Logger } from '../log';

export interface CliBlobs {
  /** Stores bytes where providers of this network can fetch them; returns their hash and URI. */
  publish(bytes: Uint8Array): Promise<{ hash: Hash; uri: string }>;
  /** The bytes at `uri`, which must hash to `hash`. */
  fetch(uri: string, hash: Hash): Promise<Uint8Array>;
}

export async function cliBlobs(dataDir: string, settings: Settings, log: Logger): Promise<CliBlobs> {
  const keccak = await createKeccak256();
  const localRoot = join(dataDir, 'blobs');
  let own: BlobStore | null = null;
  const store = () =>
    (own ??= new BlobStore({ root: join(dataDir, 'cli-blobs'), settings: () => settings, log }));
  const readLocal = (hash: Hash): Uint8Array | null => {
    const path = join(localRoot, hash.slice(2).toLowerCase());
    if (!existsSync(path)) return null;
    const bytes = new Uint8Array(readFileSync(path));
    if (keccak(bytes) !== hash.toLowerCase()) {
      throw new FlywheelError('A blob in the store does not match its hash.', {
        code: 'IO_FAILED',
        details: path,
      });
    }
    return bytes;
  };
  return {
    async publish(bytes) {
      if (settings.network.kind === 'custom' && settings.network.blobStore.kind !== 'local') {
        return store().publish(bytes);
      }
      const hash = keccak(bytes);
      const path = join(localRoot, hash.slice(2));
      if (!existsSync(path)) writeFileAtomic(path, bytes);
      return { hash, uri: `blob:${hash}` };
    },
    async fetch(uri, hash) {
      const location = parseBlobUri(uri);
      if (location.kind === 'local' || location.kind === 'local-path') {
        const bytes = readLocal(hash);
        if (!bytes) {
          throw new FlywheelError('That output is not in this machine’s blob store.', {
            code: 'NOT_FOUND',
            details: uri,
          });
        }
        return bytes;
      }
      const blob = await store().fetch(uri, hash);
      return new Uint8Array(readFileSync(blob.path));
    },
  };
}
