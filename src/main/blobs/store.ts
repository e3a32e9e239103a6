import { existsSync } from 'node:fs';
import { copyFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Hash } from 'viem';
import type { Settings } from '#shared/api/settings';
import type { Logger } from '../log';
import { BlobError } from './errors';
import { httpGet } from './http';
import { ipfsFile } from './ipfsGateway';
import { addToKubo } from './kubo';
import { LocalBlobStore, type StoredBlob } from './local';
import { parseBlobUri } from './uri';

export type { StoredBlob } from './local';

export interface BlobStoreOptions {
  /** `<dataDir>/blobs`. */
  root: string;
  /** Read at each call, so a settings change applies to the next fetch. */
  settings: () => Pick<Settings, 'network' | 'limits'>;
  log: Logger;
  /** Until headers arrive and between chunks; default 30 s. */
  timeoutMs?: number;
  /** Let job URIs reach loopback/LAN hosts (the devnet serves blobs from this machine); default false. */
  allowPrivateNetwork?: boolean;
}

export interface FetchOptions {
  /** Lower cap than settings.limits.maxBlobMiB for this fetch (an input is smaller than a model). */
  maxBytes?: number;
  signal?: AbortSignal;
}

/**
 * The node's blob store: fetches models and inputs by URI (`blob:0x…`, a path inside the store, `http(s)://`,
 * `ipfs://<cid>`), verifies each against the keccak-256 the job names, and keeps a verified copy in the local
 * content-addressed store; publishes outputs locally or to IPFS (Kubo) or an HTTP store, as settings say.
 */
export class BlobStore {
  readonly local: LocalBlobStore;
  readonly #options: BlobStoreOptions;
  /** Other nodes' stores on this machine (a rig on another node's devnet): read from, published to. */
  readonly #shared: string[] = [];

  constructor(options: BlobStoreOptions) {
    this.#options = options;
    this.local = new LocalBlobStore(options.root, options.log);
  }

  /**
   * The blob at `uri`, which must hash to `expectedHash`: from the local store when it is already there (no
   * network), otherwise downloaded, hashed while it is written and kept only when it matches. Failures are
   * BlobErrors; `declineReasonFor` turns them into a job's decline reason.
   */
  async fetch(uri: string, expectedHash: Hash, options: FetchOptions = {}): Promise<StoredBlob> {
    const location = parseBlobUri(uri);
    if (this.local.has(expectedHash)) return this.local.describe(expectedHash);
    const maxBytes = Math.min(options.maxBytes ?? Infinity, this.#maxBytes());
    const timeoutMs = this.#options.timeoutMs ?? 30_000;
    const ingest = (chunks: AsyncIterable<Uint8Array>) =>
      this.local.ingest(chunks, { expectedHash, maxBytes, uri });
    switch (location.kind) {
      case 'local':
        // Not in the store (checked above) — or under another hash than the job says.
        if (location.hash !== expectedHash.toLowerCase()) {
          throw new BlobError('hash-mismatch', 'The blob URI names another hash than the job.', { uri });
        }
        for (const root of this.#shared) {
          const path = join(root, location.hash.slice(2));
          // The file is read as any download: hashed while it is copied, kept only when it matches.
          if (existsSync(path)) return ingest(this.local.stream(path));
        }
        throw new BlobError('not-found', 'That blob is not in the local store.', { uri });
      case 'local-path':
        return ingest(this.local.stream(this.local.resolvePath(location.path)));
      case 'http':
        return ingest(
          httpGet(location.url, {
            maxBytes,
            timeoutMs,
            allowPrivateNetwork: this.#options.allowPrivateNetwork ?? false,
            signal: options.signal,
          }),
        );
      case 'ipfs': {
        const gateway = this.#backend();
        if (gateway.kind !== 'ipfs') {
          throw new BlobError('unreachable', 'No IPFS gateway is set, so ipfs:// URIs cannot be fetched.', {
            uri,
          });
        }
        return ingest(
          ipfsFile(location.cid, {
            gatewayUrl: gateway.gatewayUrl,
            maxBytes,
            timeoutMs,
            signal: options.signal,
          }),
        );
      }
    }
  }

  /**
   * Shares the content-addressed store folder of another node on this machine — a rig on the devnet another data
   * folder serves: `blob:` URIs this store lacks (the devnet's jobs) are read from it, and what this node publishes
   * on `blob:` URIs (its outputs, for the devnet's validators) is also left there.
   */
  share(root: string): void {
    if (!this.#shared.includes(root)) this.#shared.push(root);
  }

  /** Keeps bytes in the local store only (job outputs before they are published, devnet fixtures). */
  put(bytes: Uint8Array): Promise<StoredBlob> {
    return this.local.put(bytes);
  }

  /**
   * Stores an output locally and publishes it where the network's blob store setting says: the local store
   * (`blob:0x…`, the devnet), IPFS through Kubo (`ipfs://<cid>`) or an HTTP store (`PUT <url>/<hash>`).
   */
  async publish(bytes: Uint8Array): Promise<{ hash: Hash; uri: string }> {
    const stored = await this.local.put(bytes);
    const backend = this.#backend();
    const timeoutMs = this.#options.timeoutMs ?? 30_000;
    if (backend.kind === 'local') {
      for (const root of this.#shared) {
        const path = join(root, stored.hash.slice(2));
        if (!existsSync(path)) await copyFileAtomic(stored.path, path);
      }
      return { hash: stored.hash, uri: stored.uri };
    }
    if (backend.kind === 'ipfs') {
      const cid = await addToKubo(bytes, { apiUrl: backend.apiUrl, timeoutMs });
      return { hash: stored.hash, uri: `ipfs://${cid}` };
    }
    const url = new URL(stored.hash.slice(2), backend.url.endsWith('/') ? backend.url : `${backend.url}/`);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'PUT',
        body: bytes as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
    } catch (err) {
      throw new BlobError('unreachable', 'Could not upload the output to the HTTP blob store.', {
        uri: url.origin,
        cause: err,
      });
    }
    if (!response.ok) {
      throw new BlobError(
        'unreachable',
        `The HTTP blob store refused the upload (HTTP ${response.status}).`,
        {
          uri: url.origin,
        },
      );
    }
    return { hash: stored.hash, uri: url.toString() };
  }

  #backend() {
    const network = this.#options.settings().network;
    return network.kind === 'custom' ? network.blobStore : ({ kind: 'local' } as const);
  }

  #maxBytes(): number {
    return this.#options.settings().limits.maxBlobMiB * 1024 * 1024;
  }
}

/**
 * Copies a file into another store folder through its `.incoming` folder (which that store empties when it starts,
 * so a copy cut short leaves nothing), then renames it into place: a reader never sees half of it.
 */
async function copyFileAtomic(from: string, to: string): Promise<void> {
  const tmp = join(dirname(to), '.incoming', `shared-${process.pid}-${basename(to)}`);
  await copyFile(from, tmp);
  await rename(tmp, to);
}
