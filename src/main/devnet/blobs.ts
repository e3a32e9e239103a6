import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { BlobStore } from '../blobs/store';
import { createKeccak256 } from '../engine/hash';
import { writeFileAtomic } from '../fs/atomicWrite';
import type { MarketBlobs } from './market/references';

/**
 * The node's blob store as the devnet uses it. Writes go straight to the store's content-addressed layout
 * (`<blobs>/<keccak hex>`, written atomically), hashed in WebAssembly: the store's own `put` hashes in plain
 * JavaScript at ~7 MB/s, which would add seconds to the first start (17 MB of reference models). Reads go through
 * the store, which checks the hash.
 */
export async function devnetBlobs(store: BlobStore): Promise<MarketBlobs> {
  const keccak = await createKeccak256();
  const put = async (bytes: Uint8Array) => {
    const hash = keccak(bytes);
    const path = store.local.pathOf(hash);
    if (!existsSync(path)) writeFileAtomic(path, bytes);
    return { hash, uri: `blob:${hash}` };
  };
  return {
    put,
    async read(uri, hash) {
      const blob = await store.fetch(uri, hash);
      return new Uint8Array(await readFile(blob.path));
    },
    // The validators fetch through the store (hash-checked); what they publish (re-runs, evidence) is kept the
    // devnet's way, as `blob:` URIs, hashed in WebAssembly.
    store: { fetch: (uri, hash, options) => store.fetch(uri, hash, options), publish: put },
  };
}
