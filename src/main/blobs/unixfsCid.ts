import { importer } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import type { CID } from 'multiformats/cid';

/**
 * The parameters Flywheel adds files to IPFS with, spelled out for Kubo (`/api/v0/add` query) and for the local
 * importer alike, so both reach the same CID: CIDv1, raw leaves, 256 KiB chunks, balanced DAG of 174 links.
 */
export const unixfsParams = {
  kuboQuery: 'cid-version=1&raw-leaves=true&chunker=size-262144&hash=sha2-256',
  importer: {
    cidVersion: 1 as const,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize: 262_144 }),
    layout: balanced({ maxChildrenPerNode: 174 }),
  },
};

/** Where the importer puts blocks: anything with `put` (a Map in tests, nowhere when only the CID is wanted). */
export interface BlockSink {
  put(cid: CID, bytes: Uint8Array): Promise<CID> | CID;
}

/** Imports bytes as a UnixFS file with `unixfsParams`, handing each block to `sink`; returns the root CID. */
export async function importUnixfsFile(bytes: Uint8Array, sink: BlockSink): Promise<CID> {
  let root: CID | undefined;
  const store = { put: async (cid: CID, block: Uint8Array) => sink.put(cid, block) };
  for await (const entry of importer([{ content: bytes }], store as never, unixfsParams.importer))
    root = entry.cid;
  if (!root) throw new Error('the importer returned no CID');
  return root;
}

/** The CID that `bytes` get when added with `unixfsParams` (computed locally, no blocks kept). */
export function unixfsCid(bytes: Uint8Array): Promise<CID> {
  return importUnixfsFile(bytes, { put: (cid) => cid });
}
