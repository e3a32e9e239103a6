import { CID } from 'multiformats/cid';
import type { Hash } from 'viem';
import { BlobError } from './errors';
import { isMetadataHost, metadataRefusal } from './http';

/** Where a blob URI points. */
export type BlobLocation =
  /** `blob:0x<keccak-256>`: the local content-addressed store. */
  | { kind: 'local'; hash: Hash }
  /** A relative path inside the local store's folder (`models/ocr.onnx`). */
  | { kind: 'local-path'; path: string }
  | { kind: 'http'; url: URL }
  /** `ipfs://<cid>`: a UnixFS file (or raw block) by CID. */
  | { kind: 'ipfs'; cid: CID };

/**
 * Parses a blob URI from a job or a setting. Refuses (BlobError 'refused') anything that could reach outside the
 * store: `file:` URIs, absolute paths, `..` segments, backslashes, NUL bytes, schemes other than blob, http(s)
 * and ipfs, and http(s) URLs at cloud metadata or link-local addresses (on every network, before any request).
 */
export function parseBlobUri(uri: string): BlobLocation {
  const refuse = (why: string) =>
    new BlobError('refused', `Refused the blob URI: ${why}.`, { uri: uri.slice(0, 300) });
  if (uri.length === 0 || uri.length > 4096) throw refuse('empty or longer than 4096 characters');
  if (uri.includes('\0')) throw refuse('it contains a NUL byte');

  const blob = /^blob:(?:0x)?([0-9a-fA-F]{64})$/.exec(uri);
  if (blob) return { kind: 'local', hash: `0x${blob[1]!.toLowerCase()}` };

  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  // One letter and a colon is a Windows drive (C:\models), not a scheme.
  if (scheme && scheme.length > 1) {
    if (scheme === 'http' || scheme === 'https') {
      let url: URL;
      try {
        url = new URL(uri);
      } catch {
        throw refuse('not a valid URL');
      }
      if (isMetadataHost(url.hostname))
        throw new BlobError('refused', metadataRefusal, { uri: uri.slice(0, 300) });
      return { kind: 'http', url };
    }
    if (scheme === 'ipfs') {
      const m = /^ipfs:\/\/([^/?#]+)\/?$/i.exec(uri);
      if (!m) throw refuse('ipfs:// takes the CID of a file, without a path');
      try {
        return { kind: 'ipfs', cid: CID.parse(m[1]!) };
      } catch {
        throw refuse('not a valid CID');
      }
    }
    if (scheme === 'blob') throw refuse('blob: takes a 32-byte keccak-256 hash in hex');
    throw refuse(`the ${scheme}: scheme is not allowed (blob:, http(s):, ipfs: and store paths are)`);
  }

  if (uri.startsWith('/') || uri.startsWith('~') || /^[a-zA-Z]:/.test(uri))
    throw refuse('absolute paths are not allowed');
  if (uri.includes('\\')) throw refuse('backslashes are not allowed in store paths');
  const segments = uri.split('/');
  if (segments.some((s) => s === '..')) throw refuse('the path leaves the blob store');
  if (segments.some((s) => s === '' || s === '.')) throw refuse('empty or "." path segments are not allowed');
  return { kind: 'local-path', path: segments.join('/') };
}

/**
 * Refuses, before anything is sent, a job or model URI no provider may fetch on any network: http(s) at a cloud
 * metadata service or a link-local address. Other URIs are left to the providers' own checks.
 */
export function refuseMetadataUri(uri: string): void {
  if (!/^https?:/i.test(uri)) return;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return;
  }
  if (isMetadataHost(url.hostname))
    throw new BlobError('refused', metadataRefusal, { uri: uri.slice(0, 300) });
}
