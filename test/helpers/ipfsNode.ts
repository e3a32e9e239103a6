import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CarWriter } from '@ipld/car';
import * as dagPb from '@ipld/dag-pb';
import { importer } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import { CID } from 'multiformats/cid';

export interface IpfsNodeOptions {
  /** Answer `?format=car` with 406, as gateways without CAR support do: clients must go block by block. */
  noCar?: boolean;
  /** Changes a block on its way out (a lying gateway); return the bytes unchanged to leave it alone. */
  tamper?: (cid: CID, bytes: Uint8Array) => Uint8Array;
  /** Answer `/api/v0/add` with this CID instead of the real one (a lying RPC node). */
  lieAboutAdds?: CID;
}

export interface IpfsNode {
  /** Base URL of both the gateway and the RPC API (Kubo serves them on two ports; one is enough here). */
  url: string;
  blocks: Map<string, Uint8Array>;
  /** Requests seen, as `METHOD path?query`. */
  requests: string[];
  /** Imports bytes the way `/api/v0/add` does, returning the root CID. */
  add(bytes: Uint8Array, query?: URLSearchParams): Promise<CID>;
  stop(): Promise<void>;
}

/**
 * A small IPFS node on loopback for tests, honest in what it implements: Kubo's `POST /api/v0/add` (multipart,
 * cid-version / raw-leaves / chunker=size-N honoured, blocks made by ipfs-unixfs-importer) and the trustless
 * gateway (`GET /ipfs/<cid>?format=raw` for one block, `?format=car` for the whole DAG in DFS order).
 */
export async function startIpfsNode(options: IpfsNodeOptions = {}): Promise<IpfsNode> {
  const blocks = new Map<string, Uint8Array>();
  const requests: string[] = [];

  async function add(bytes: Uint8Array, query = new URLSearchParams()): Promise<CID> {
    const chunkSize = Number(/^size-(\d+)$/.exec(query.get('chunker') ?? '')?.[1] ?? 262_144);
    const cidVersion = query.get('cid-version') === '0' ? 0 : 1;
    const store = {
      put: async (cid: CID, block: Uint8Array) => {
        blocks.set(cid.toString(), block);
        return cid;
      },
    };
    let root: CID | undefined;
    for await (const entry of importer([{ content: bytes }], store as never, {
      cidVersion,
      rawLeaves: query.has('raw-leaves') ? query.get('raw-leaves') === 'true' : cidVersion === 1,
      chunker: fixedSize({ chunkSize }),
      layout: balanced({ maxChildrenPerNode: 174 }),
    })) {
      root = entry.cid;
    }
    return root!;
  }

  const block = (cid: CID) => {
    const bytes = blocks.get(cid.toString());
    return bytes && (options.tamper ? options.tamper(cid, bytes) : bytes);
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.method === 'POST' && url.pathname === '/api/v0/add') {
      const body = await new Request(`http://x${req.url}`, {
        method: 'POST',
        headers: req.headers as Record<string, string>,
        body: req as unknown as ReadableStream,
        duplex: 'half',
      } as RequestInit).formData();
      const file = body.get('file') as Blob;
      const bytes = new Uint8Array(await file.arrayBuffer());
      const cid = options.lieAboutAdds ?? (await add(bytes, url.searchParams));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Name: 'blob', Hash: cid.toString(), Size: String(bytes.length) }) + '\n');
      return;
    }
    const m = /^\/ipfs\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) {
      res.writeHead(404).end();
      return;
    }
    let cid: CID;
    try {
      cid = CID.parse(m[1]!);
    } catch {
      res.writeHead(400).end('bad cid');
      return;
    }
    const format = url.searchParams.get('format');
    if (format === 'raw') {
      const bytes = block(cid);
      if (!bytes) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/vnd.ipld.raw' });
      res.end(bytes);
      return;
    }
    if (format === 'car') {
      if (options.noCar) {
        res.writeHead(406).end('CAR not supported here');
        return;
      }
      if (!blocks.has(cid.toString())) {
        res.writeHead(404).end();
        return;
      }
      const { writer, out } = CarWriter.create([cid]);
      res.writeHead(200, { 'content-type': 'application/vnd.ipld.car' });
      const pump = (async () => {
        for await (const chunk of out) res.write(chunk);
        res.end();
      })();
      const visit = async (c: CID) => {
        const bytes = block(c)!;
        await writer.put({ cid: c, bytes });
        if (c.code === dagPb.code)
          for (const link of dagPb.decode(blocks.get(c.toString())!).Links) await visit(link.Hash);
      };
      await visit(cid);
      await writer.close();
      await pump;
      return;
    }
    res.writeHead(400).end('only format=raw and format=car are served');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(err.message);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    blocks,
    requests,
    add,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
