import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { keccak256 } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../../src/shared/api/settings';
import { BlobError, declineReasonFor } from '../../../src/main/blobs/errors';
import { isPrivateHost } from '../../../src/main/blobs/http';
import { BlobStore } from '../../../src/main/blobs/store';
import { LogSink } from '../../../src/main/log';
import { tempDir } from '../../helpers/tmp';
import { rejectionOf } from '../../helpers/rejection';
import { settingsWithBlobs } from './helpers';

const log = new LogSink({ consoleLevel: 'silent' }).logger('blobs');
const model = new Uint8Array(randomBytes(300_000));
const modelHash = keccak256(model);

let settings: Settings = structuredClone(defaultSettings);
let root: string;
let outside: string;
let cleanup: () => void;
let server: Server;
let base: string;
const puts = new Map<string, Buffer>();

function store(extra: { allowPrivateNetwork?: boolean; timeoutMs?: number } = {}) {
  return new BlobStore({ root, settings: () => settings, log, allowPrivateNetwork: true, ...extra });
}

const failure = (p: Promise<unknown>) => rejectionOf(p, BlobError);

function incomingEmpty() {
  expect(readdirSync(join(root, '.incoming'))).toEqual([]);
}

beforeAll(async () => {
  const t = tempDir('flywheel-blobs-');
  cleanup = t.cleanup;
  root = join(t.dir, 'blobs');
  outside = join(t.dir, 'secret.txt');
  writeFileSync(outside, 'not for jobs');
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (req.method === 'PUT') {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        puts.set(path, Buffer.concat(parts));
        res.writeHead(201).end();
      });
      return;
    }
    if (path === '/model.onnx') res.writeHead(200, { 'content-length': model.length }).end(model);
    else if (path === '/declares-huge') res.writeHead(200, { 'content-length': 10 ** 9 }).end();
    else if (path === '/streams-huge') {
      // No Content-Length: the cap has to be enforced while counting.
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 5 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 5 * 1024 * 1024) res.once('drain', pump);
        else res.end();
      };
      res.on('error', () => undefined);
      pump();
    } else if (path === '/moved') res.writeHead(302, { location: '/model.onnx' }).end();
    else if (path === '/to-file') res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    else if (path === '/stalls') res.writeHead(200).write('a');
    else if (path === '/busy') res.writeHead(503).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  cleanup();
});

describe('local content-addressed store', () => {
  it('round-trips bytes under their keccak-256, written atomically with mode 0600', async () => {
    const s = store();
    const stored = await s.put(model);
    expect(stored).toMatchObject({ hash: modelHash, size: model.length, uri: `blob:${modelHash}` });
    expect(stored.path).toBe(join(root, modelHash.slice(2)));
    expect(statSync(stored.path).mode & 0o777).toBe(0o600);
    expect(await s.fetch(`blob:${modelHash}`, modelHash)).toEqual(stored);
    expect(Buffer.from(await s.local.read(modelHash)).equals(Buffer.from(model))).toBe(true);
    incomingEmpty();
  });

  it('reads a path inside the store, checking the hash the job gives', async () => {
    const s = store();
    mkdirSync(join(root, 'inputs'), { recursive: true });
    const input = new TextEncoder().encode('{"x":[1,2,3]}');
    writeFileSync(join(root, 'inputs', 'a.json'), input);
    const got = await s.fetch('inputs/a.json', keccak256(input));
    expect(readFileSync(got.path, 'utf8')).toBe('{"x":[1,2,3]}');

    const err = await failure(s.fetch('inputs/a.json', keccak256(new Uint8Array([1]))));
    expect(err.failure).toBe('hash-mismatch');
    expect(declineReasonFor(err, 'input')).toBe('INPUT_HASH_MISMATCH');
    expect(declineReasonFor(err, 'model')).toBe('MODEL_HASH_MISMATCH');
    expect(s.local.has(keccak256(new Uint8Array([1])))).toBe(false);
    incomingEmpty();
  });

  it.each([
    ['a parent segment', '../secret.txt'],
    ['a parent segment deeper in', 'inputs/../../secret.txt'],
    ['an absolute path', '/etc/passwd'],
    ['a home path', '~/.ssh/id_rsa'],
    ['a Windows drive', 'C:\\Windows\\win.ini'],
    ['backslashes', 'inputs\\..\\..\\secret.txt'],
    ['a file: URI', 'file:///etc/passwd'],
    ['a file: URI to the store', `file://${'/tmp'}/x`],
    ['an unknown scheme', 'ftp://example.org/model.onnx'],
    ['a data: URI', 'data:application/octet-stream;base64,AAAA'],
    ['a NUL byte', 'inputs/a.json\0.png'],
    ['an ipfs path', 'ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy/model.onnx'],
    ['a bad blob hash', 'blob:1234'],
  ])('refuses %s (FETCH_FAILED for a job)', async (_what, uri) => {
    const err = await failure(store().fetch(uri, modelHash.replace(/.$/, '0') as `0x${string}`));
    expect(err.failure).toBe('refused');
    expect(err.code).toBe('BAD_INPUT');
    expect(declineReasonFor(err, 'model')).toBe('FETCH_FAILED');
  });

  it('shares another node’s store folder (a rig on its devnet): reads what it lacks, hash-checked, and publishes there', async () => {
    const { dir: other, cleanup: done } = tempDir('flywheel-blobs-shared-');
    try {
      const serving = new BlobStore({ root: other, settings: () => settings, log });
      const rig = store();
      rig.share(other);
      const input = new Uint8Array(randomBytes(5_000));
      const put = await serving.put(input);
      expect(rig.local.has(put.hash)).toBe(false);
      // A `blob:` URI the rig lacks is read from the shared folder and kept in its own store.
      const got = await rig.fetch(put.uri, put.hash);
      expect(got.path).toBe(join(root, put.hash.slice(2)));
      expect(Buffer.from(readFileSync(got.path)).equals(Buffer.from(input))).toBe(true);
      // A file there that does not match its name is refused, never kept.
      const fake = keccak256(new Uint8Array([9, 9, 9]));
      writeFileSync(join(other, fake.slice(2)), new Uint8Array([1, 2, 3]));
      expect((await failure(rig.fetch(`blob:${fake}`, fake))).failure).toBe('hash-mismatch');
      expect(rig.local.has(fake)).toBe(false);
      // What the rig publishes (its outputs) is left in the shared folder too, for the devnet's validators.
      const output = new Uint8Array(randomBytes(2_000));
      const published = await rig.publish(output);
      expect(published.uri).toBe(`blob:${published.hash}`);
      expect(Buffer.from(await serving.local.read(published.hash)).equals(Buffer.from(output))).toBe(true);
      expect(readdirSync(join(other, '.incoming'))).toEqual([]);
      incomingEmpty();
    } finally {
      done();
    }
  });

  it('refuses a symlink in the store that points outside it', async () => {
    symlinkSync(outside, join(root, 'escape.txt'));
    const err = await failure(store().fetch('escape.txt', keccak256(readFileSync(outside))));
    expect(err.failure).toBe('refused');
    expect(err.shortMessage).toMatch(/points outside/);
  });
});

describe('HTTP sources', () => {
  it('downloads, verifies and keeps a copy; follows a redirect', async () => {
    const s = store();
    const got = await s.fetch(`${base}/moved`, modelHash);
    expect(got.hash).toBe(modelHash);
    expect(readFileSync(got.path).equals(Buffer.from(model))).toBe(true);
  });

  it('refuses a body over the cap, declared or counted, and keeps nothing', async () => {
    const s = store();
    const declared = await failure(s.fetch(`${base}/declares-huge`, keccak256(new Uint8Array([9]))));
    expect(declared.failure).toBe('too-large');
    expect(declineReasonFor(declared, 'input')).toBe('INPUT_TOO_LARGE');
    const counted = await failure(
      s.fetch(`${base}/streams-huge`, keccak256(new Uint8Array([9])), { maxBytes: 1024 * 1024 }),
    );
    expect(counted.failure).toBe('too-large');
    incomingEmpty();
  });

  it('refuses bytes that do not hash to the job’s hash', async () => {
    const s = store();
    const wrong = keccak256(new TextEncoder().encode('another model'));
    const err = await failure(s.fetch(`${base}/model.onnx`, wrong));
    expect(err.failure).toBe('hash-mismatch');
    expect(declineReasonFor(err, 'model')).toBe('MODEL_HASH_MISMATCH');
    expect(s.local.has(wrong)).toBe(false);
    incomingEmpty();
  });

  it('says what went wrong: missing, busy, stalled, redirected to a file, or pointing at the LAN', async () => {
    const s = store({ timeoutMs: 300 });
    const h = keccak256(new Uint8Array([7]));
    expect((await failure(s.fetch(`${base}/nothing-here`, h))).failure).toBe('not-found');
    expect((await failure(s.fetch(`${base}/busy`, h))).shortMessage).toMatch(/HTTP 503/);
    const stalled = await failure(s.fetch(`${base}/stalls`, h));
    expect(stalled.failure).toBe('unreachable');
    expect(stalled.shortMessage).toMatch(/stalled for 300 ms/);
    expect((await failure(s.fetch(`${base}/to-file`, h))).failure).toBe('refused');
    const lan = await failure(store({ allowPrivateNetwork: false }).fetch(`${base}/model.onnx`, h));
    expect(lan.failure).toBe('refused');
    expect(declineReasonFor(lan, 'input')).toBe('FETCH_FAILED');
    incomingEmpty();
  });

  it('tells private hosts from public ones', () => {
    for (const h of [
      'localhost',
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.1',
      '172.20.0.1',
      '169.254.1.1',
      '[::1]',
      '[::ffff:7f00:1]',
      'fd00::1',
      'printer.local',
    ]) {
      expect(isPrivateHost(h), h).toBe(true);
    }
    for (const h of ['example.org', '8.8.8.8', '172.32.0.1', '[2001:db8::1]'])
      expect(isPrivateHost(h), h).toBe(false);
  });

  it('publishes an output to an HTTP blob store with PUT <url>/<hash>', async () => {
    settings = settingsWithBlobs({ kind: 'http', url: `${base}/store` });
    const output = new TextEncoder().encode('an output');
    const published = await store().publish(output);
    expect(published.uri).toBe(`${base}/store/${keccak256(output).slice(2)}`);
    expect(puts.get(`/store/${keccak256(output).slice(2)}`)?.toString()).toBe('an output');
    settings = structuredClone(defaultSettings);
    expect(await store().publish(output)).toEqual({
      hash: keccak256(output),
      uri: `blob:${keccak256(output)}`,
    });
  });
});
