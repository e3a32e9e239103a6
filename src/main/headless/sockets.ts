import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../log';
import type { FlywheelNode } from '../node';
import type { Gate } from './gate';

/** The WebSocket subprotocol that names the API version; the token rides as a second one (`token.<token>`). */
export const WS_PROTOCOL = 'flywheel.v1';
export const WS_TOKEN_PREFIX = 'token.';
/** The close code of an event socket whose token was rotated away: the tab must take the new URL. */
export const WS_CLOSE_TOKEN_ROTATED = 4001;

/**
 * The event sockets (`/api/events`): each pushes every node event to its tab, starting with the node's status, and
 * ignores what the tab sends (calls go over HTTP, where they are validated). An upgrade must pass the gate (Host,
 * Origin, the token as a subprotocol); a silent socket is dropped after a missed ping.
 */
export class EventSockets {
  readonly #node: Pick<FlywheelNode, 'events' | 'status'>;
  readonly #gate: Gate;
  readonly #log: Logger;
  readonly #sockets = new Set<WebSocket>();
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });

  constructor(node: Pick<FlywheelNode, 'events' | 'status'>, gate: Gate, log: Logger) {
    this.#node = node;
    this.#gate = gate;
    this.#log = log;
  }

  /** The HTTP server's `upgrade`: opens an event socket, or refuses with a status and closes. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, reason: string) => {
      this.#log.warn('refused an event socket', { reason });
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/api/events') return refuse(404, 'Not Found');
    if (!this.#gate.hostOk(req)) return refuse(421, 'Misdirected Request');
    if (!this.#gate.originOk(req)) return refuse(403, 'Forbidden');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const presented = offered.find((p) => p.startsWith(WS_TOKEN_PREFIX))?.slice(WS_TOKEN_PREFIX.length);
    if (!offered.includes(WS_PROTOCOL)) return refuse(400, 'Bad Request');
    if (!this.#gate.tokenMatches(presented)) return refuse(401, 'Unauthorized');
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#open(ws));
  }

  /** Closes every open socket with this code (a rotated token, a shutdown); returns how many were open. */
  closeAll(code: number, reason: string): number {
    const open = this.#sockets.size;
    for (const ws of this.#sockets) ws.close(code, reason);
    return open;
  }

  close(): void {
    this.closeAll(1001, 'server shutting down');
    this.#wss.close();
  }

  #open(ws: WebSocket): void {
    this.#sockets.add(ws);
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
    const unsubscribe = this.#node.events.subscribe((message) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    });
    ws.on('close', () => {
      clearInterval(ping);
      unsubscribe();
      this.#sockets.delete(ws);
    });
    ws.send(JSON.stringify({ name: 'node.status', payload: this.#node.status() }));
  }
}
