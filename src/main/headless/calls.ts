import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Envelope } from '#shared/api/define';
import { FlywheelError, type ErrorCode } from '#shared/errors';
import type { Logger } from '../log';
import type { FlywheelNode } from '../node';
import type { Gate } from './gate';

const MAX_BODY_BYTES = 1024 * 1024;

const STATUS_FOR: Partial<Record<ErrorCode, number>> = {
  INVALID_PAYLOAD: 400,
  BAD_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN_SENDER: 403,
  UNKNOWN_CALL: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  WALLET_LOCKED: 423,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/**
 * One API call over HTTP: `POST /api/call/<name>` with the token as a Bearer and the payload as a JSON body of at
 * most 1 MiB, answered with the node's envelope and an HTTP status for its error code. Requests from other web
 * pages and without the token are refused before anything is read.
 */
export async function handleCall(
  node: Pick<FlywheelNode, 'dispatch'>,
  gate: Gate,
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (!gate.originOk(req)) {
    return sendError(res, 'FORBIDDEN_SENDER', 'Requests from other web pages are refused.');
  }
  const auth = req.headers.authorization;
  const presented = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
  if (!gate.tokenMatches(presented)) {
    log.warn('refused an API request without a valid token', { path: url.pathname });
    return sendError(res, 'UNAUTHORIZED', 'This request needs the token from the URL Flywheel printed.', {
      action: 'Open the URL printed by `npm start` (it carries the token), or pass it as a Bearer token.',
    });
  }
  const match = /^\/api\/call\/([A-Za-z0-9.]{1,64})$/.exec(url.pathname);
  if (!match) return sendError(res, 'NOT_FOUND', `No API route at ${url.pathname}.`);
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  const body = await readBody(req).catch((err: FlywheelError) => err);
  if (body instanceof FlywheelError) {
    res.setHeader('connection', 'close');
    return sendEnvelope(res, 413, { ok: false, error: body.toData() });
  }
  let payload: unknown;
  try {
    payload = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (err) {
    return sendError(res, 'INVALID_PAYLOAD', 'The request body is not valid JSON.', {
      details: (err as Error).message,
    });
  }
  const envelope = await node.dispatch(match[1], payload, { bridge: 'http' });
  sendEnvelope(res, envelope.ok ? 200 : (STATUS_FOR[envelope.error.code] ?? 500), envelope);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    .end(JSON.stringify(body));
}

export function sendEnvelope(res: ServerResponse, status: number, envelope: Envelope<unknown>): void {
  sendJson(res, status, envelope);
}

function sendError(
  res: ServerResponse,
  code: ErrorCode,
  shortMessage: string,
  extra: { action?: string; details?: string } = {},
): void {
  sendEnvelope(res, STATUS_FOR[code] ?? 500, {
    ok: false,
    error: new FlywheelError(shortMessage, { code, ...extra }).toData(),
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Stop keeping the bytes; the 413 goes out and the connection closes after it.
        reject(new FlywheelError('The request body is too large.', { code: 'INVALID_PAYLOAD' }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
