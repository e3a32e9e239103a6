import { CarBlockIterator } from '@ipld/car';
import * as dagPb from '@ipld/dag-pb';
import { UnixFS } from 'ipfs-unixfs';
import { equals } from 'multiformats/bytes';
import type { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { identity } from 'multiformats/hashes/identity';
import { sha256 } from 'multiformats/hashes/sha2';
import { BlobError } from './errors';
import { httpGet } from './http';

export interface GatewayOptions {
  /** The trustless gateway, e.g. http://127.0.0.1:8080 (the user's Kubo node) or a public one. */
  gatewayUrl: string;
  maxBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The largest block IPFS moves (Bitswap's limit is 2 MiB); a bigger "block" is a broken gateway. */
const MAX_BLOCK_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 32;

/**
 * Streams a UnixFS file (or a raw block) by CID from a trustless gateway. It asks once for the whole DAG as a CAR
 * (`?format=car`) and falls back to single raw blocks (`?format=raw`) for what the CAR lacks or when the gateway
 * cannot make CARs. Every block is hashed and compared with its CID before it is used: a gateway that sends
 * anything else is refused ('bad-block'), so the gateway need not be trusted.
 */
export async function* ipfsFile(cid: CID, options: GatewayOptions): AsyncGenerator<Uint8Array> {
  const uri = `ipfs://${cid}`;
  const blocks = new Map<string, Uint8Array>();
  try {
    await readCar(cid, blocks, options);
  } catch (err) {
    // A lying gateway or a file over the cap ends here; a gateway without CAR support gets the block-by-block path.
    if (!(err instanceof BlobError) || err.failure !== 'unreachable') throw err;
  }
  const get = async (c: CID): Promise<Uint8Array> =>
    blocks.get(c.toString()) ?? (await fetchRawBlock(c, uri, options));
  let emitted = 0;
  for await (const chunk of walk(cid, get, uri, 0)) {
    emitted += chunk.length;
    if (emitted > options.maxBytes)
      throw new BlobError('too-large', 'The IPFS file is over the size cap.', { uri });
    yield chunk;
  }
}

/** Hashes a block with its CID's hash function and compares; refuses on any difference. */
export async function verifyBlock(cid: CID, bytes: Uint8Array, uri: string): Promise<void> {
  const code = cid.multihash.code;
  const hasher = code === sha256.code ? sha256 : code === identity.code ? identity : undefined;
  if (!hasher) {
    throw new BlobError(
      'refused',
      `Refused ${uri}: its hash function (0x${code.toString(16)}) is not supported.`,
      {
        uri,
      },
    );
  }
  const digest = await hasher.digest(bytes);
  if (!equals(digest.bytes, cid.multihash.bytes)) {
    throw new BlobError('bad-block', 'The IPFS gateway sent a block that does not match its CID.', {
      uri,
      details: `block ${cid}`,
    });
  }
}

async function readCar(root: CID, blocks: Map<string, Uint8Array>, options: GatewayOptions): Promise<void> {
  const uri = `ipfs://${root}`;
  const url = new URL(`/ipfs/${root}?format=car&dag-scope=all`, options.gatewayUrl);
  const body = httpGet(url, {
    // DAG nodes add well under 1 % to a file; the margin is for them.
    maxBytes: Math.ceil(options.maxBytes * 1.02) + 1024 * 1024,
    timeoutMs: options.timeoutMs,
    allowPrivateNetwork: true,
    signal: options.signal,
    headers: { accept: 'application/vnd.ipld.car' },
  });
  let car: CarBlockIterator;
  try {
    car = await CarBlockIterator.fromIterable(body);
  } catch (err) {
    if (err instanceof BlobError) throw err;
    throw new BlobError('unreachable', 'The IPFS gateway did not send a readable CAR.', { uri, cause: err });
  }
  try {
    for await (const block of car) {
      await verifyBlock(block.cid, block.bytes, uri);
      blocks.set(block.cid.toString(), block.bytes);
    }
  } catch (err) {
    if (err instanceof BlobError) throw err;
    // A CAR cut short still gave us verified blocks; the rest come one by one.
    return;
  }
}

async function fetchRawBlock(cid: CID, uri: string, options: GatewayOptions): Promise<Uint8Array> {
  const url = new URL(`/ipfs/${cid}?format=raw`, options.gatewayUrl);
  const parts: Uint8Array[] = [];
  for await (const chunk of httpGet(url, {
    maxBytes: MAX_BLOCK_BYTES,
    timeoutMs: options.timeoutMs,
    allowPrivateNetwork: true,
    signal: options.signal,
    headers: { accept: 'application/vnd.ipld.raw' },
  })) {
    parts.push(chunk);
  }
  const bytes = Buffer.concat(parts);
  await verifyBlock(cid, bytes, uri);
  return bytes;
}

/** The file's bytes in order: raw leaves as they are, dag-pb UnixFS nodes as their data then their children. */
async function* walk(
  cid: CID,
  get: (cid: CID) => Promise<Uint8Array>,
  uri: string,
  depth: number,
): AsyncGenerator<Uint8Array> {
  if (depth > MAX_DEPTH)
    throw new BlobError('refused', `Refused ${uri}: the DAG is deeper than ${MAX_DEPTH}.`, { uri });
  const bytes = await get(cid);
  if (cid.code === raw.code) {
    yield bytes;
    return;
  }
  if (cid.code !== dagPb.code) {
    throw new BlobError(
      'refused',
      `Refused ${uri}: it is not a UnixFS file (codec 0x${cid.code.toString(16)}).`,
      {
        uri,
      },
    );
  }
  let node: dagPb.PBNode;
  let unixfs: UnixFS;
  try {
    node = dagPb.decode(bytes);
    if (!node.Data) throw new Error('no UnixFS data');
    unixfs = UnixFS.unmarshal(node.Data);
  } catch (err) {
    throw new BlobError('refused', `Refused ${uri}: a node is not valid UnixFS.`, { uri, cause: err });
  }
  if (unixfs.type !== 'file' && unixfs.type !== 'raw') {
    throw new BlobError('refused', `Refused ${uri}: it is a ${unixfs.type}, not a file.`, { uri });
  }
  if (unixfs.data && unixfs.data.length > 0) yield unixfs.data;
  for (const link of node.Links) yield* walk(link.Hash, get, uri, depth + 1);
}
