import { CID } from 'multiformats/cid';
import { BlobError } from './errors';
import { unixfsCid, unixfsParams } from './unixfsCid';

export interface KuboOptions {
  /** The Kubo RPC API, e.g. http://127.0.0.1:5001 (it must not be exposed beyond this machine: it has no auth). */
  apiUrl: string;
  timeoutMs: number;
}

/**
 * Adds a file to IPFS through Kubo's RPC API (`POST /api/v0/add`, pinned) and returns its CID. The CID is also
 * computed here from the same bytes and parameters; a node that answers with another CID is refused, so what is
 * published is exactly what was computed.
 */
export async function addToKubo(bytes: Uint8Array, options: KuboOptions): Promise<CID> {
  const uri = new URL(`/api/v0/add?${unixfsParams.kuboQuery}&pin=true&progress=false`, options.apiUrl);
  const form = new FormData();
  // Node's Uint8Array may sit on a SharedArrayBuffer type-wise; our bytes never do.
  form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), 'blob');
  let text: string;
  try {
    const response = await fetch(uri, {
      method: 'POST',
      body: form,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    text = await response.text();
    if (!response.ok) {
      throw new BlobError('unreachable', `The IPFS node refused the upload (HTTP ${response.status}).`, {
        uri: uri.origin,
        details: text.slice(0, 500),
      });
    }
  } catch (err) {
    if (err instanceof BlobError) throw err;
    throw new BlobError('unreachable', 'Could not reach the IPFS node’s RPC API.', {
      uri: uri.origin,
      cause: err,
    });
  }
  // Kubo answers one JSON object per added entry, the file last.
  const lines = text.trim().split('\n');
  let answered: CID;
  try {
    answered = CID.parse((JSON.parse(lines.at(-1)!) as { Hash: string }).Hash);
  } catch (err) {
    throw new BlobError('unreachable', 'The IPFS node’s answer was not understood.', {
      uri: uri.origin,
      details: text.slice(0, 500),
      cause: err,
    });
  }
  const expected = await unixfsCid(bytes);
  if (!answered.equals(expected)) {
    throw new BlobError(
      'bad-block',
      'The IPFS node answered with a CID that does not match the bytes sent.',
      {
        uri: uri.origin,
        details: `expected ${expected}, got ${answered}`,
      },
    );
  }
  return answered;
}
