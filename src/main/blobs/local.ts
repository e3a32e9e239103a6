import { randomBytes } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import type { Hash } from 'viem';
import { fsyncDir } from '../fs/atomicWrite';
import type { Logger } from '../log';
import { BlobError } from './errors';
import { KeccakStream } from './keccak';

/** A blob in the local store: its keccak-256, size, file and `blob:` URI. */
export interface StoredBlob {
  hash: Hash;
  size: number;
  path: string;
  uri: string;
}

export interface IngestOptions {
  /** The keccak-256 the bytes must have; a mismatch is a BlobError 'hash-mismatch' and nothing is kept. */
  expectedHash?: Hash;
  maxBytes: number;
  /** For error messages: where the bytes came from. */
  uri?: string;
}

/**
 * The local content-addressed store: `<root>/<keccak-256 hex>`, each file written once, atomically (a temporary
 * file in `<root>/.incoming`, fsync'd, hashed while written, renamed into place only when its hash is right).
 */
export class LocalBlobStore {
  readonly root: string;
  readonly #incoming: string;

  constructor(root: string, log: Logger) {
    this.root = resolve(root);
    this.#incoming = join(this.root, '.incoming');
    mkdirSync(this.#incoming, { recursive: true, mode: 0o700 });
    const leftovers = readdirSync(this.#incoming);
    for (const name of leftovers) rmSync(join(this.#incoming, name), { force: true });
    if (leftovers.length) log.info('removed partial downloads left by a crash', { count: leftovers.length });
  }

  pathOf(hash: Hash): string {
    return join(this.root, hash.slice(2).toLowerCase());
  }

  has(hash: Hash): boolean {
    return existsSync(this.pathOf(hash));
  }

  describe(hash: Hash): StoredBlob {
    const path = this.pathOf(hash);
    return { hash: lower(hash), size: statSync(path).size, path, uri: `blob:${lower(hash)}` };
  }

  /** Stores bytes (hashing them) and returns where they are. */
  async put(bytes: Uint8Array, maxBytes = Number.MAX_SAFE_INTEGER): Promise<StoredBlob> {
    return this.ingest([bytes], { maxBytes });
  }

  /** Reads a stored blob back, checking it still hashes to its name. */
  async read(hash: Hash): Promise<Uint8Array> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(hash));
    } catch (err) {
      throw new BlobError('not-found', 'That blob is not in the local store.', {
        uri: `blob:${hash}`,
        cause: err,
      });
    }
    const k = new KeccakStream();
    k.update(bytes);
    if (k.digest() !== lower(hash)) {
      throw new BlobError('hash-mismatch', 'A blob in the local store no longer matches its hash.', {
        uri: `blob:${hash}`,
      });
    }
    return bytes;
  }

  /** Streams a file of the store (by hash or by a checked relative path). */
  stream(path: string): AsyncIterable<Uint8Array> {
    return createReadStream(path, { highWaterMark: 1024 * 1024 });
  }

  /**
   * A path relative to the store folder, resolved safely: it must stay inside the folder after following symlinks
   * and be a regular file. Anything else is refused (FETCH_FAILED for a job), never read.
   */
  resolvePath(rel: string): string {
    const uri = rel;
    const full = resolve(this.root, rel);
    if (isAbsolute(rel) || !isInside(this.root, full)) {
      throw new BlobError('refused', 'Refused the blob URI: the path leaves the blob store.', { uri });
    }
    let real: string;
    try {
      real = realpathSync(full);
    } catch (err) {
      throw new BlobError('not-found', 'There is no such file in the blob store.', { uri, cause: err });
    }
    if (!isInside(realpathSync(this.root), real)) {
      throw new BlobError('refused', 'Refused the blob URI: a link in the store points outside it.', { uri });
    }
    if (!statSync(real).isFile())
      throw new BlobError('refused', 'Refused the blob URI: not a file.', { uri });
    return real;
  }

  /** Writes a stream into the store, hashing and counting as it goes; see IngestOptions. */
  async ingest(
    chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: IngestOptions,
  ): Promise<StoredBlob> {
    const tmp = join(this.#incoming, randomBytes(8).toString('hex'));
    const k = new KeccakStream();
    let fh;
    try {
      fh = await open(tmp, 'wx', 0o600);
    } catch (err) {
      throw new BlobError('io', 'Could not write to the blob store.', { uri: options.uri, cause: err });
    }
    try {
      for await (const chunk of chunks) {
        if (k.size + chunk.length > options.maxBytes) {
          throw new BlobError('too-large', `The blob is larger than the ${mib(options.maxBytes)} cap.`, {
            uri: options.uri,
          });
        }
        k.update(chunk);
        await fh.write(chunk);
      }
      await fh.sync();
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw err instanceof BlobError
        ? err
        : new BlobError('io', 'Could not write to the blob store.', { uri: options.uri, cause: err });
    }
    await fh.close();
    const hash = k.digest();
    if (options.expectedHash && lower(options.expectedHash) !== hash) {
      await rm(tmp, { force: true });
      throw new BlobError('hash-mismatch', 'The bytes do not match the expected hash.', {
        uri: options.uri,
        details: `expected ${lower(options.expectedHash)}, got ${hash}`,
      });
    }
    const path = this.pathOf(hash);
    if (existsSync(path)) {
      await rm(tmp, { force: true });
    } else {
      await rename(tmp, path);
      fsyncDir(this.root);
    }
    return { hash, size: k.size, path, uri: `blob:${hash}` };
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}

function lower(hash: Hash): Hash {
  return hash.toLowerCase() as Hash;
}

export function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}
