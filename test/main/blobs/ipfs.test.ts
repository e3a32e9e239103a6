import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { keccak256 } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobError, declineReasonFor } from '../../../src/main/blobs/errors';
import { BlobStore } from '../../../src/main/blobs/store';
import { unixfsCid, unixfsParams } from '../../../src/main/blobs/unixfsCid';
import { LogSink } from '../../../src/main/log';
import { startIpfsNode, type IpfsNode, type IpfsNodeOptions } from '../../helpers/ipfsNode';
import { tempDir } from '../../helpers/tmp';
import { settingsWithBlobs } from './helpers';

const log = new LogSink({ consoleLevel: 'silent' }).logger('blobs');
// 700 KiB: three 256 KiB raw leaves under one dag-pb root, so the file is assembled from several blocks.
const model = new Uint8Array(randomBytes(700 * 1024));
const modelHash = keccak256(model);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(options: IpfsNodeOptions = {}) {
  const node = await startIpfsNode(options);
  cleanups.push(() => node.stop());
  const { dir, cleanup } = tempDir('flywheel-ipfs-');
  cleanups.push(cleanup);
  const settings = settingsWithBlobs({ kind: 'ipfs', apiUrl: node.url, gatewayUrl: node.url });
  const store = new BlobStore({ root: join(dir, 'blobs'), settings: () => settings, log });
  return { node, store, root: join(dir, 'blobs') };
}

async function added(node: IpfsNode, bytes: Uint8Array) {
  return node.add(bytes, new URLSearchParams(unixfsParams.kuboQuery));
}

describe('IPFS through a trustless gateway', () => {
  it('fetches a multi-block model by CID as a CAR, checking every block', async () => {
    const { node, store } = await setup();
    const cid = await added(node, model);
    expect(cid.code).toBe(0x70); // dag-pb root
    expect(node.blocks.size).toBe(4); // root + 3 leaves

    const got = await store.fetch(`ipfs://${cid}`, modelHash);
    expect(readFileSync(got.path).equals(Buffer.from(model))).toBe(true);
    expect(node.requests).toEqual([`GET /ipfs/${cid}?format=car&dag-scope=all`]);

    // Cached by content: a second fetch does not touch the network.
    await store.fetch(`ipfs://${cid}`, modelHash);
    expect(node.requests).toHaveLength(1);
  });

  it('goes block by block (?format=raw) when the gateway makes no CARs', async () => {
    const { node, store } = await setup({ noCar: true });
    const cid = await added(node, model);
    const got = await store.fetch(`ipfs://${cid.toV1().toString()}`, modelHash);
    expect(got.size).toBe(model.length);
    expect(node.requests.filter((r) => r.endsWith('format=raw'))).toHaveLength(4);
  });

  it('fetches a small file that is a single raw block', async () => {
    const { node, store } = await setup();
    const small = new TextEncoder().encode('tiny input');
    const cid = await added(node, small);
    expect(cid.code).toBe(raw.code);
    expect((await store.fetch(`ipfs://${cid}`, keccak256(small))).size).toBe(small.length);
  });

  it.each([
    ['in a CAR', {}],
    ['as a raw block', { noCar: true }],
  ])('refuses a gateway that returns a tampered block %s, and keeps nothing', async (_how, extra) => {
    // Chosen once the file is added: one of its raw leaves.
    const victim = { cid: '' };
    const { node, store, root } = await setup({
      ...extra,
      tamper: (cid, bytes) => {
        if (cid.toString() !== victim.cid) return bytes;
        const copy = new Uint8Array(bytes);
        copy[1000] = copy[1000]! ^ 0xff;
        return copy;
      },
    });
    const cid = await added(node, model);
    victim.cid = [...node.blocks.keys()].find((k) => CID.parse(k).code === raw.code)!;
    const err = await store.fetch(`ipfs://${cid}`, modelHash).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobError);
    expect(err).toMatchObject({
      failure: 'bad-block',
      shortMessage: 'The IPFS gateway sent a block that does not match its CID.',
    });
    expect(declineReasonFor(err, 'model')).toBe('FETCH_FAILED');
    expect(store.local.has(modelHash)).toBe(false);
    expect(readdirSync(join(root, '.incoming'))).toEqual([]);
  });

  it('refuses a real file whose bytes are not the job’s model (hash mismatch)', async () => {
    const { node, store } = await setup();
    const cid = await added(node, model);
    const err = await store
      .fetch(`ipfs://${cid}`, keccak256(new Uint8Array([1, 2, 3])))
      .catch((e: unknown) => e);
    expect(declineReasonFor(err, 'model')).toBe('MODEL_HASH_MISMATCH');
  });

  it('refuses a file over the cap before it is all downloaded', async () => {
    const { node, store } = await setup();
    const cid = await added(node, model);
    const err = await store
      .fetch(`ipfs://${cid}`, modelHash, { maxBytes: 300 * 1024 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ failure: 'too-large' });
  });
});

describe('publishing through the Kubo RPC API', () => {
  it('adds an output, checks the CID it gets back, and the output can be fetched by it', async () => {
    const { node, store } = await setup();
    const output = new Uint8Array(randomBytes(400 * 1024));
    const published = await store.publish(output);
    const cid = await unixfsCid(output);
    expect(published).toEqual({ hash: keccak256(output), uri: `ipfs://${cid}` });
    expect(node.requests[0]).toMatch(
      /^POST \/api\/v0\/add\?cid-version=1&raw-leaves=true&chunker=size-262144/,
    );

    const other = await setup();
    // The same bytes imported by the other node end up under the same CID.
    for (const [k, v] of node.blocks) other.node.blocks.set(k, v);
    const got = await other.store.fetch(published.uri, published.hash);
    expect(readFileSync(got.path).equals(Buffer.from(output))).toBe(true);
  });

  it('refuses an RPC node that answers with a CID that is not the output’s', async () => {
    const lie = await unixfsCid(new TextEncoder().encode('something else'));
    const { store } = await setup({ lieAboutAdds: lie });
    await expect(store.publish(new TextEncoder().encode('the output'))).rejects.toMatchObject({
      failure: 'bad-block',
      shortMessage: 'The IPFS node answered with a CID that does not match the bytes sent.',
    });
  });
});
