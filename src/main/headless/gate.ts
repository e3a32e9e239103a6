import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { FlywheelError } from '#shared/errors';

/**
 * Who may talk to the headless server: a request must name this server in its Host header (DNS rebinding), come
 * from no web page or from this server's own (Origin), and — for the API and the event socket — present the token.
 * The token is compared by digest in constant time; a new one replaces the old at once.
 */
export class Gate {
  #token: string;
  #digest: Buffer;
  #port = 0;

  constructor(token: string) {
    this.#token = token;
    this.#digest = digest(token);
  }

  get token(): string {
    return this.#token;
  }

  /** The port the server listens on, once it does: the Host and Origin it accepts name it. */
  listenOn(port: number): void {
    this.#port = port;
  }

  /** Switches to a new token; false when it is the one in use already. */
  setToken(next: string): boolean {
    if (next.length < 32)
      throw new FlywheelError('An API token is at least 32 characters.', { code: 'BAD_INPUT' });
    if (next === this.#token) return false;
    this.#token = next;
    this.#digest = digest(next);
    return true;
  }

  tokenMatches(candidate: string | undefined): boolean {
    return (
      typeof candidate === 'string' &&
      candidate.length > 0 &&
      timingSafeEqual(digest(candidate), this.#digest)
    );
  }

  hostOk(req: IncomingMessage): boolean {
    const host = req.headers.host ?? '';
    return host === `127.0.0.1:${this.#port}` || host === `localhost:${this.#port}`;
  }

  originOk(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    return (
      origin === undefined ||
      origin === `http://127.0.0.1:${this.#port}` ||
      origin === `http://localhost:${this.#port}`
    );
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
