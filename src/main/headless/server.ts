import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Envelope } from '#shared/api/define';
import { FlywheelError, type ErrorCode } from '#shared/errors';
import type { FlywheelNode } from '../node';
import { contentSecurityPolicy } from '../security/csp';

/** The WebSocket subprotocol that names the API version; the token rides as a second one (`token.<token>`). */
export const WS_PROTOCOL = 'flywheel.v1';
export const WS_TOKEN_PREFIX = 'token.';
/** The close code of an event socket whose token was rotated away: the tab must take the new URL. */
export const WS_CLOSE_TOKEN_ROTATED = 4001;
const MAX_BODY_BYTES = 1024 * 1024;

export interface HeadlessServerOptions {
  node: Pick<FlywheelNode, 'dispatch' | 'events' | 'log' | 'status'>;
  /** Port to bind on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** Defaults to a fresh random token; the headless shell passes the one kept in the data folder. */
  token?: string;
  /** The built renderer to serve. */
  rendererDir: string;
}

export interface HeadlessServer {
  /** The URL to open, carrying the token in its fragment (never sent to the server, never in a Referer). */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /**
   * Switches to a new token: from now on only it is accepted, and every open event socket (all opened with the old
   * one) is closed with WS_CLOSE_TOKEN_ROTATED so its tab says so.
   */
  setToken(token: string): void;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

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

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * The headless shell's bridge: the built renderer plus the API over HTTP (calls) and WebSocket (events), bound to
 * 127.0.0.1 only. Every API request and socket must present the token; the Host header must name this server
 * (DNS rebinding), and a browser Origin must be this server's own.
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const { node } = options;
  const log = node.log.child('headless');
  let token = options.token ?? randomBytes(32).toString('base64url');
  let tokenDigest = digest(token);
  const rendererRoot = resolve(options.rendererDir);
  let port = 0;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const tokenMatches = (candidate: string | undefined): boolean =>
    typeof candidate === 'string' && candidate.length > 0 && timingSafeEqual(digest(candidate), tokenDigest);

  const hostOk = (req: IncomingMessage) => allowedHosts().has(req.headers.host ?? '');
  const originOk = (req: IncomingMessage) => {
    const origin = req.headers.origin;
    return origin === undefined || allowedOrigins().has(origin);
  };

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((err: Error) => {
      log.error('request failed', { url: req.url, error: err.message });
      if (!res.headersSent)
        sendEnvelope(res, 500, { ok: false, error: new FlywheelError('Internal error.').toData() });
      else res.destroy();
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!hostOk(req)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request: wrong Host header.\n');
      return;
    }
    if (url.pathname === '/api/health') {
      sendJson(res, 200, { ok: true });
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      await handleApi(req, res, url);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    serveStatic(req, res, url.pathname);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!originOk(req)) {
      return sendError(res, 'FORBIDDEN_SENDER', 'Requests from other web pages are refused.');
    }
    const auth = req.headers.authorization;
    const presented = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    if (!tokenMatches(presented)) {
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

  function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = resolve(join(rendererRoot, decoded));
    if (file !== rendererRoot && !file.startsWith(rendererRoot + sep)) {
      res.writeHead(404).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) {
      // Client-side routes fall back to the app; a missing asset with an extension is a plain 404.
      if (extname(decoded) !== '') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
        return;
      }
      file = join(rendererRoot, 'index.html');
    }
    if (!existsSync(file)) {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end('The Flywheel UI is not built yet: run `npm run build` (npm start does this for you).\n');
      return;
    }
    const type = MIME[extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string> = {
      'content-type': type,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': file.includes(`${sep}assets${sep}`)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    };
    if (type.startsWith('text/html')) {
      headers['content-security-policy'] = contentSecurityPolicy();
      headers['x-frame-options'] = 'DENY';
      headers['cross-origin-opener-policy'] = 'same-origin';
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, reason: string) => {
      log.warn('refused an event socket', { reason });
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/api/events') return refuse(404, 'Not Found');
    if (!hostOk(req)) return refuse(421, 'Misdirected Request');
    if (!originOk(req)) return refuse(403, 'Forbidden');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const presented = offered.find((p) => p.startsWith(WS_TOKEN_PREFIX))?.slice(WS_TOKEN_PREFIX.length);
    if (!offered.includes(WS_PROTOCOL)) return refuse(400, 'Bad Request');
    if (!tokenMatches(presented)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws));
  });

  const sockets = new Set<WebSocket>();
  function onSocket(ws: WebSocket): void {
    sockets.add(ws);
    let alive = true;
    ws.on('pong', () => {
      alive = true;
    });
    const ping = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, 30_000);
    ping.unref();
    // The socket only pushes; anything a client sends is ignored (calls go over HTTP, where they are validated).
    ws.on('message', () => undefined);
    const unsubscribe = node.events.subscribe((message) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    });
    ws.on('close', () => {
      clearInterval(ping);
      unsubscribe();
      sockets.delete(ws);
    });
    ws.send(JSON.stringify({ name: 'node.status', payload: node.status() }));
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new FlywheelError(`Port ${options.port} on 127.0.0.1 is already in use.`, {
              code: 'CONFLICT',
              action: 'Stop the other program, or start Flywheel with `--port <n>` (0 picks a free port).',
              cause: err,
            })
          : err,
      );
    });
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  log.info('headless shell listening', { origin });

  return {
    get url() {
      return `${origin}/#token=${token}`;
    },
    origin,
    port,
    get token() {
      return token;
    },
    setToken(next: string) {
      if (next.length < 32)
        throw new FlywheelError('An API token is at least 32 characters.', { code: 'BAD_INPUT' });
      if (next === token) return;
      token = next;
      tokenDigest = digest(next);
      const open = sockets.size;
      for (const ws of sockets) ws.close(WS_CLOSE_TOKEN_ROTATED, 'token rotated');
      log.info('the API token was rotated; the sockets opened with the old one are closed', {
        sockets: open,
      });
    },
    async close() {
      for (const ws of sockets) ws.close(1001, 'server shutting down');
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    .end(JSON.stringify(body));
}

function sendEnvelope(res: ServerResponse, status: number, envelope: Envelope<unknown>): void {
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
