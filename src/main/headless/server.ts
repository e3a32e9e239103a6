import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlywheelError } from '#shared/errors';
import type { FlywheelNode } from '../node';
import { handleCall, sendEnvelope, sendJson } from './calls';
import { Gate } from './gate';
import { EventSockets, WS_CLOSE_TOKEN_ROTATED } from './sockets';
import { serveStatic } from './static';

export { WS_CLOSE_TOKEN_ROTATED, WS_PROTOCOL, WS_TOKEN_PREFIX } from './sockets';

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

/**
 * The headless shell's bridge: the built renderer (static.ts) plus the API over HTTP (calls.ts) and WebSocket
 * (sockets.ts), bound to 127.0.0.1 only. Every API request and socket must present the token; the Host header must
 * name this server (DNS rebinding), and a browser Origin must be this server's own (gate.ts).
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const { node } = options;
  const log = node.log.child('headless');
  const gate = new Gate(options.token ?? randomBytes(32).toString('base64url'));
  const sockets = new EventSockets(node, gate, log);

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!gate.hostOk(req)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request: wrong Host header.\n');
      return;
    }
    if (url.pathname === '/api/health') return sendJson(res, 200, { ok: true });
    if (url.pathname.startsWith('/api/')) return handleCall(node, gate, log, req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    serveStatic(options.rendererDir, req, res, url.pathname);
  }

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((err: Error) => {
      log.error('request failed', { url: req.url, error: err.message });
      if (!res.headersSent)
        sendEnvelope(res, 500, { ok: false, error: new FlywheelError('Internal error.').toData() });
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => sockets.upgrade(req, socket, head));

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
  const port = (server.address() as AddressInfo).port;
  gate.listenOn(port);
  const origin = `http://127.0.0.1:${port}`;
  log.info('headless shell listening', { origin });

  return {
    get url() {
      return `${origin}/#token=${gate.token}`;
    },
    origin,
    port,
    get token() {
      return gate.token;
    },
    setToken(next: string) {
      if (!gate.setToken(next)) return;
      const open = sockets.closeAll(WS_CLOSE_TOKEN_ROTATED, 'token rotated');
      log.info('the API token was rotated; the sockets opened with the old one are closed', {
        sockets: open,
      });
    },
    async close() {
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
