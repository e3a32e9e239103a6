import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { keccak256 } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobError } from '../../../src/main/blobs/errors';
import { isMetadataHost } from '../../../src/main/blobs/http';
import { BlobStore } from '../../../src/main/blobs/store';
import { parseBlobUri } from '../../../src/main/blobs/uri';
import { postJob } from '../../../src/main/chain/actions/postJob';
import { registerModel } from '../../../src/main/chain/actions/registerModel';
import type { ActionClient } from '../../../src/main/chain/actions/send';
import { LogSink } from '../../../src/main/log';
import { defaultSettings } from '../../../src/shared/api/settings';
import { tempDir } from '../../helpers/tmp';

const log = new LogSink({ consoleLevel: 'silent' }).logger('blobs');

/**
 * Job URIs at cloud metadata services or link-local addresses are refused on every network, the devnet included
 * (where the LAN is allowed), before any request: a provider's node must never hand its cloud credentials to a job.
 */
describe('cloud metadata and link-local job URIs', () => {
  const temp = tempDir('flywheel-metadata-');
  let server: Server;
  let base: string;
  let requests = 0;

  beforeAll(async () => {
    // A LAN server (allowed on the devnet) that redirects to the metadata service.
    server = createServer((req, res) => {
      requests++;
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/' }).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    temp.cleanup();
  });

  it('knows the metadata services and link-local addresses, and nothing else', () => {
    for (const h of [
      '169.254.169.254',
      '169.254.0.1',
      '[fe80::1]',
      '[febf::1]',
      '[::ffff:169.254.169.254]',
      '[::ffff:a9fe:a9fe]',
      '[fd00:ec2::254]',
      'metadata.google.internal',
      'METADATA.GOOGLE.INTERNAL.',
      'metadata',
      '100.100.100.200',
    ]) {
      expect(isMetadataHost(h), h).toBe(true);
    }
    for (const h of ['example.org', '127.0.0.1', '10.0.0.1', '169.255.0.1', '[fec0::1]', '[2001:db8::1]'])
      expect(isMetadataHost(h), h).toBe(false);
  });

  it('refuses such a URI wherever it is read, the devnet included, before any request', async () => {
    for (const uri of [
      'http://169.254.169.254/latest/meta-data/',
      'https://metadata.google.internal/computeMetadata/v1/',
      'http://[fe80::a9fe:a9fe]/x',
    ]) {
      expect(() => parseBlobUri(uri), uri).toThrow(/cloud metadata service or a link-local address/);
    }
    // The devnet's store allows the LAN, and still refuses these, and a redirect to them.
    const store = new BlobStore({
      root: join(temp.dir, 'blobs'),
      settings: () => defaultSettings,
      log,
      allowPrivateNetwork: true,
    });
    const h = keccak256(new Uint8Array([1]));
    const direct = await store.fetch('http://169.254.169.254/latest/meta-data/', h).catch((e: unknown) => e);
    expect(direct).toBeInstanceOf(BlobError);
    expect((direct as BlobError).failure).toBe('refused');
    const redirected = await store.fetch(`${base}/model.onnx`, h).catch((e: unknown) => e);
    expect((redirected as BlobError).failure).toBe('refused');
    expect((redirected as BlobError).shortMessage).toMatch(/link-local/);
    expect(requests).toBe(1);
  });

  it('refuses to post a job or register a model at such a URI, before anything is sent', async () => {
    // The refusal comes before the client is used: nothing here could send.
    const client = {} as ActionClient;
    const economy = '0x0000000000000000000000000000000000000001';
    const hash = keccak256(new Uint8Array([2]));
    await expect(
      postJob(client, {
        economy,
        kind: 'inference',
        modelHash: hash,
        inputHash: hash,
        inputUri: 'http://169.254.169.254/latest/meta-data/',
        fee: 1n,
        deadlineS: 60,
        key: 'never-sent',
      }),
    ).rejects.toThrow(/cloud metadata service or a link-local address/);
    await expect(
      registerModel(client, {
        economy,
        modelHash: hash,
        uri: 'http://metadata.google.internal/model.onnx',
        kind: 'inference',
        policy: { rule: 'exact', maxAbsErrorE9: 0, maxRelErrorE9: 0, minAgreementBps: 0 },
      }),
    ).rejects.toThrow(/cloud metadata service/);
  });
});
