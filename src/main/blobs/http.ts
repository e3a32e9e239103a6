import { isIP } from 'node:net';
import { BlobError } from './errors';
import { mib } from './local';

export interface HttpFetchOptions {
  maxBytes: number;
  /** Until the response headers arrive, and between two chunks of the body. */
  timeoutMs: number;
  /**
   * Whether job URIs may point at this machine or its LAN (loopback, private, link-local addresses). Off for real
   * networks — a requester must not make providers probe their routers — on for the devnet and tests.
   */
  allowPrivateNetwork: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

const MAX_REDIRECTS = 5;

/**
 * GETs an http(s) URL as a stream of chunks, with a size cap (Content-Length checked first, then counted), a
 * header and idle timeout, and redirects followed by hand so each hop is checked like the first.
 */
export async function* httpGet(url: URL, options: HttpFetchOptions): AsyncGenerator<Uint8Array> {
  const uri = url.toString();
  let current = url;
  let response: Response | undefined;
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timer = setTimeout(() => controller.abort(new Error('timeout')), options.timeoutMs);
  try {
    for (let hop = 0; ; hop++) {
      checkUrl(current, uri, options.allowPrivateNetwork);
      try {
        response = await fetch(current, {
          redirect: 'manual',
          signal: controller.signal,
          headers: options.headers,
        });
      } catch (err) {
        throw unreachable(
          uri,
          controller.signal.aborted ? `no answer within ${options.timeoutMs} ms` : describe(err),
          err,
        );
      }
      if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
        await response.body?.cancel();
        if (hop >= MAX_REDIRECTS) throw new BlobError('unreachable', 'Too many redirects.', { uri });
        current = new URL(response.headers.get('location')!, current);
        continue;
      }
      break;
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      throw new BlobError('not-found', `The server has no such file (HTTP ${response.status}).`, { uri });
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new BlobError('unreachable', `The server answered HTTP ${response.status}.`, { uri });
    }
    const length = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(length) && length > options.maxBytes) {
      await response.body.cancel();
      throw new BlobError('too-large', `The file is ${mib(length)}, over the ${mib(options.maxBytes)} cap.`, {
        uri,
      });
    }
    let received = 0;
    const reader = response.body.getReader();
    try {
      for (;;) {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(new Error('timeout')), options.timeoutMs);
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          throw unreachable(
            uri,
            controller.signal.aborted ? `stalled for ${options.timeoutMs} ms` : describe(err),
            err,
          );
        }
        if (chunk.done) return;
        received += chunk.value.length;
        if (received > options.maxBytes) {
          throw new BlobError('too-large', `The file is over the ${mib(options.maxBytes)} cap.`, { uri });
        }
        yield chunk.value;
      }
    } finally {
      reader.releaseLock();
      await response.body.cancel().catch(() => undefined);
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Refuses URLs a job should not make this machine fetch. */
function checkUrl(url: URL, uri: string, allowPrivateNetwork: boolean): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BlobError('refused', `Refused the blob URI: a redirect to ${url.protocol} is not followed.`, {
      uri,
    });
  }
  // Cloud metadata answers with the machine's credentials: refused even where the LAN is allowed (the devnet).
  if (isMetadataHost(url.hostname)) {
    throw new BlobError('refused', metadataRefusal, { uri });
  }
  if (!allowPrivateNetwork && isPrivateHost(url.hostname)) {
    throw new BlobError('refused', 'Refused the blob URI: it points at this machine or its local network.', {
      uri,
    });
  }
}

/** What a job URI at a metadata or link-local address is told, wherever it is refused. */
export const metadataRefusal =
  'Refused the blob URI: it points at a cloud metadata service or a link-local address (169.254.0.0/16, fe80::/10), which no network allows.';

/** Names and addresses of cloud metadata services that are not link-local (AWS IPv6, Alibaba, Oracle, GCP names). */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.com',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  '100.100.100.200',
  '192.0.0.192',
  'fd00:ec2::254',
]);

/**
 * Cloud metadata services and link-local addresses (169.254.0.0/16, fe80::/10, also IPv4-mapped), by literal or by
 * the metadata services' names: a job pointing there would make a provider leak its cloud credentials. Refused on
 * every network, the devnet included.
 */
export function isMetadataHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (METADATA_HOSTS.has(host)) return true;
  const v = isIP(host);
  if (v === 4) return host.startsWith('169.254.');
  if (v === 6) {
    if (/^fe[89ab][0-9a-f]?:/.test(host)) return true;
    const v4 = mappedIPv4(host);
    return v4 !== null && isMetadataHost(v4);
  }
  return false;
}

/** The IPv4 address inside an IPv4-mapped IPv6 one, dotted or as the URL parser writes it in hex (::ffff:7f00:1). */
function mappedIPv4(host: string): string | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!hex) return null;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * Loopback, private, link-local and unspecified addresses, by literal or by the names that mean this machine. A
 * public name that resolves to a private address is not caught here (that needs the resolver's answer).
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  const v = isIP(host);
  if (v === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (v === 6) {
    if (host === '::1' || host === '::') return true;
    if (/^f[cd]/.test(host) || /^fe[89ab]/.test(host)) return true;
    const v4 = mappedIPv4(host);
    return v4 !== null && isPrivateHost(v4);
  }
  return false;
}

function unreachable(uri: string, why: string, cause: unknown): BlobError {
  return new BlobError('unreachable', `Could not download the file: ${why}.`, { uri, cause });
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
