import { createHash, timingSafeEqual } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { FlywheelError } from '#shared/errors';
import type { Logger } from '../log';

/** The port Prometheus exporters conventionally take when nothing else is said. */
export const DEFAULT_METRICS_PORT = 9464;
export const DEFAULT_METRICS_HOST = '127.0.0.1';

export interface MetricsServerOptions {
  registry: Registry;
  /** Address to bind: 127.0.0.1 by default; anything beyond loopback needs `token`. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Bearer token every scrape must present; required when `host` is not a loopback address. */
  token?: string | null;
  log?: Logger;
}

export interface MetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly authenticated: boolean;
  close(): Promise<void>;
}

/** Whether `host` names this machine only (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped ? mapped[1]!.startsWith('127.') : false;
}

/**
 * Reads a metrics token from a file: one line of 32 to 256 characters without spaces, in a regular file that other
 * users cannot read (mode 0600 or 0400: the file a systemd credential or `install -m 600` makes).
 */
export function readMetricsToken(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    throw new FlywheelError(`The metrics token file ${path} cannot be read.`, {
      code: 'BAD_INPUT',
      details: (err as Error).message,
      action:
        'Write a token into it (`openssl rand -hex 32 > FILE && chmod 600 FILE`) or point at another file.',
    });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > 1024) {
      throw new FlywheelError(`The metrics token file ${path} is not a small regular file.`, {
        code: 'BAD_INPUT',
      });
    }
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new FlywheelError(
        `The metrics token file ${path} can be read by other users (mode ${(st.mode & 0o777).toString(8)}).`,
        { code: 'BAD_INPUT', action: `Run \`chmod 600 ${path}\`: a token others can read protects nothing.` },
      );
    }
    const token = readFileSync(fd, 'utf8').trim();
    if (!/^[\x21-\x7e]{32,256}$/.test(token)) {
      throw new FlywheelError(
        `The metrics token in ${path} must be one line of 32 to 256 visible characters without spaces.`,
        { code: 'BAD_INPUT', action: 'Make one with `openssl rand -hex 32`.' },
      );
    }
    return token;
  } finally {
    closeSync(fd);
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Serves `GET /metrics` in the Prometheus text format on its own port. Bound to 127.0.0.1 unless told otherwise;
 * bound anywhere else it refuses to start without a bearer token, and then answers 401 to a scrape without it. On
 * loopback without a token, the Host header must name this machine (a web page cannot read it by DNS rebinding).
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? DEFAULT_METRICS_HOST;
  const token = options.token ?? null;
  const loopback = isLoopbackHost(host);
  if (!loopback && !token) {
    throw new FlywheelError(
      `Metrics on ${host} need a token: anyone who can reach the port could read them.`,
      {
        code: 'BAD_INPUT',
        action:
          'Give one with --metrics-token-file FILE (or FLYWHEEL_METRICS_TOKEN_FILE, or <data dir>/metrics-token), ' +
          'a file of mode 0600 holding e.g. `openssl rand -hex 32`, and set the same in prometheus.yml ' +
          '(authorization: credentials_file), or keep the metrics on 127.0.0.1.',
      },
    );
  }
  const expected = token ? digest(`Bearer ${token}`) : null;
  const { registry } = options;

  const refuse = (
    res: ServerResponse,
    status: number,
    text: string,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(`${text}\n`);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return refuse(res, 404, 'Not found: the metrics are at /metrics.');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return refuse(res, 405, 'Only GET.', { allow: 'GET, HEAD' });
    }
    if (expected) {
      const given = req.headers.authorization;
      if (!given || !timingSafeEqual(digest(given), expected)) {
        return refuse(res, 401, 'A bearer token is required.', {
          'www-authenticate': 'Bearer realm="flywheel"',
        });
      }
    } else if (!isLoopbackHost((req.headers.host ?? '').replace(/:\d+$/, ''))) {
      return refuse(res, 403, 'This endpoint answers requests addressed to this machine only.');
    }
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: Error) => {
        options.log?.warn('metrics scrape failed', { error: err.message });
        refuse(res, 500, 'The metrics could not be collected; see the node log.');
      },
    );
  });
  server.keepAliveTimeout = 65_000; // Prometheus reuses connections between scrapes
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        new FlywheelError(
          `The metrics endpoint could not listen on ${host}:${options.port ?? DEFAULT_METRICS_PORT}.`,
          {
            code: 'UNAVAILABLE',
            details: err.message,
            action:
              err.code === 'EADDRINUSE'
                ? 'Another program (or another Flywheel node) has that port: choose another with --metrics-port.'
                : 'Check the address: it must be one of this machine’s (or 0.0.0.0 for all).',
          },
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port ?? DEFAULT_METRICS_PORT, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const url = `http://${shown}:${port}/metrics`;
  options.log?.info('metrics endpoint listening', { url, token: !!token });
  return {
    url,
    host,
    port,
    authenticated: !!token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
