import { FlywheelError } from '#shared/errors';

/** How long one remote call may take before its node counts as not answering. */
export const DEFAULT_REMOTE_TIMEOUT_MS = 4000;

/**
 * Why a call to another node failed: `unreachable` (nothing answered in time, connection refused, not a Flywheel
 * node), `refused` (it answered 401: wrong or rotated token), `failed` (its API answered with an error).
 */
export class RemoteError extends Error {
  override name = 'RemoteError';
  constructor(
    readonly kind: 'unreachable' | 'refused' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

/** A node's API base and token, from what the user pasted. */
export interface RemoteTarget {
  /** `http://127.0.0.1:7420` (or with a path prefix behind a reverse proxy), no trailing slash. */
  origin: string;
  token: string;
}

const TOKEN = /^[A-Za-z0-9._~+/=-]{16,512}$/;

/**
 * Reads a node's URL and token: a headless shell's URL with `#token=…`, or its origin plus the token. The URL must be
 * http(s) without credentials in it; the token 16–512 characters of base64url or hex.
 */
export function parseRemoteTarget(url: string, token?: string): RemoteTarget {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new FlywheelError('That is not a URL.', {
      code: 'BAD_INPUT',
      action: 'Paste the URL the other node printed, e.g. http://127.0.0.1:7420/#token=…',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new FlywheelError(`A node’s URL starts with http:// or https://, not ${parsed.protocol}//.`, {
      code: 'BAD_INPUT',
    });
  }
  if (parsed.username || parsed.password) {
    throw new FlywheelError('Put the token in the token field (or #token=…), not in the URL’s user name.', {
      code: 'BAD_INPUT',
    });
  }
  const fromFragment = /^#token=(.+)$/.exec(parsed.hash)?.[1];
  const given = token?.trim() || undefined;
  if (fromFragment && given && fromFragment !== given) {
    throw new FlywheelError('The URL carries one token and the token field another.', {
      code: 'BAD_INPUT',
      action: 'Leave the token field empty, or remove #token=… from the URL.',
    });
  }
  const chosen = given ?? (fromFragment ? decodeURIComponent(fromFragment) : undefined);
  if (!chosen) {
    throw new FlywheelError('The node’s API token is needed.', {
      code: 'BAD_INPUT',
      action:
        'Paste the whole URL it printed (with #token=…), or give the token from its data folder’s api-token file.',
    });
  }
  if (!TOKEN.test(chosen)) {
    throw new FlywheelError('That does not look like a Flywheel API token.', {
      code: 'BAD_INPUT',
      action: 'Give the token exactly as the node printed it (16–512 letters, digits, -, _).',
    });
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  return { origin: `${parsed.origin}${path}`, token: chosen };
}

/** `GET /api/health` without the token: whether a Flywheel node answers there at all. */
export async function probeHealth(origin: string, timeoutMs = DEFAULT_REMOTE_TIMEOUT_MS): Promise<void> {
  const res = await send(`${origin}/api/health`, { method: 'GET' }, timeoutMs);
  const body = (await res.json().catch(() => null)) as { ok?: unknown } | null;
  if (res.status !== 200 || body?.ok !== true) {
    throw new RemoteError(
      'unreachable',
      `${origin} answered, but not as a Flywheel node (HTTP ${res.status}).`,
    );
  }
}

/** One call of another node's API (`POST /api/call/<name>` with the bearer token), given up after `timeoutMs`. */
export async function callRemote<T>(
  target: RemoteTarget,
  name: string,
  params: object = {},
  timeoutMs = DEFAULT_REMOTE_TIMEOUT_MS,
): Promise<T> {
  const res = await send(
    `${target.origin}/api/call/${name}`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(params),
    },
    timeoutMs,
  );
  if (res.status === 401) {
    await res.body?.cancel();
    throw new RemoteError(
      'refused',
      'It refused the token (rotated there?): add the node again with its new URL.',
    );
  }
  let envelope: { ok: true; result: T } | { ok: false; error: { shortMessage?: string; action?: string } };
  try {
    envelope = (await res.json()) as typeof envelope;
  } catch {
    throw new RemoteError(
      'unreachable',
      `It answered ${name} with HTTP ${res.status} and no Flywheel answer.`,
    );
  }
  if (!envelope.ok) {
    const e = envelope.error;
    throw new RemoteError('failed', [e?.shortMessage ?? 'Failed.', e?.action].filter(Boolean).join(' '));
  }
  return envelope.result;
}

async function send(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why =
      e.name === 'TimeoutError' || e.name === 'AbortError'
        ? `no answer in ${Math.round(timeoutMs / 100) / 10} s`
        : (e.cause?.code ?? e.message);
    throw new RemoteError('unreachable', `No answer from ${new URL(url).origin} (${why}).`);
  }
}
