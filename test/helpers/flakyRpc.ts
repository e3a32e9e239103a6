import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { xorshift32 } from './random';

export interface FlakyRpcOptions {
  /** The real JSON-RPC endpoint behind the proxy (anvil). */
  target: string;
  /**
   * Share of requests whose connection is reset. Half are reset before they reach the target; the other half
   * reach it and lose their answer — the hard case (a transaction the chain has but the sender thinks failed).
   */
  dropRate?: number;
  /** Share answered `503 Service Unavailable` without reaching the target. */
  errorRate?: number;
  /** Share held back before forwarding, by a delay drawn from `spikeMs`. */
  spikeRate?: number;
  spikeMs?: [number, number];
  /** Seed of the proxy's own random draws (xorshift), so a failing run can be replayed. */
  seed?: number;
}

export interface FlakyRpcStats {
  requests: number;
  /** Reset before forwarding. */
  dropped: number;
  /** Forwarded, then reset instead of answered. */
  lostAnswers: number;
  unavailable: number;
  spikes: number;
  /** JSON-RPC methods seen, with counts. */
  methods: Record<string, number>;
}

export interface FlakyRpc {
  url: string;
  stats: FlakyRpcStats;
  /** Changes the rates while running (e.g. 0 to let a test settle). */
  set(rates: Pick<FlakyRpcOptions, 'dropRate' | 'errorRate' | 'spikeRate'>): void;
  /**
   * Answers 503 to the next `times` requests carrying an `eth_call` of this function selector (a batch fails
   * whole), whatever the rates: one read of the node's made to fail where the test wants it.
   */
  failCalls(selector: string, times: number): void;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy on loopback in front of a JSON-RPC node that misbehaves like a bad network or an overloaded
 * provider: it resets ~20 % of connections (some after the node has acted on the request), answers 503 to some
 * and adds latency spikes. Chain code under test must still end with every transaction sent exactly once.
 */
export async function startFlakyRpc(options: FlakyRpcOptions): Promise<FlakyRpc> {
  const rates = {
    dropRate: options.dropRate ?? 0.2,
    errorRate: options.errorRate ?? 0.05,
    spikeRate: options.spikeRate ?? 0.05,
  };
  const [spikeMin, spikeMax] = options.spikeMs ?? [100, 500];
  const random = xorshift32(options.seed ?? 0x5eed);
  /** Function selectors whose calls are failed, with how many requests are left to fail. */
  const failing = new Map<string, number>();
  const stats: FlakyRpcStats = {
    requests: 0,
    dropped: 0,
    lostAnswers: 0,
    unavailable: 0,
    spikes: 0,
    methods: {},
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    stats.requests++;
    const targeted = new Set<string>();
    try {
      type Call = { method?: string; params?: [{ data?: string; input?: string }?] };
      const parsed = JSON.parse(body.toString()) as Call | Call[];
      for (const call of Array.isArray(parsed) ? parsed : [parsed]) {
        const m = call.method ?? '?';
        stats.methods[m] = (stats.methods[m] ?? 0) + 1;
        const data = call.params?.[0]?.data ?? call.params?.[0]?.input ?? '';
        const selector = data.slice(0, 10).toLowerCase();
        if (m === 'eth_call' && failing.has(selector)) targeted.add(selector);
      }
    } catch {
      // Not JSON: forwarded as it is; the node answers the error.
    }
    if (targeted.size) {
      for (const selector of targeted) {
        const left = failing.get(selector)! - 1;
        if (left > 0) failing.set(selector, left);
        else failing.delete(selector);
      }
      stats.unavailable++;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    const fate = random();
    if (fate < rates.dropRate / 2) {
      stats.dropped++;
      req.socket.resetAndDestroy();
      return;
    }
    if (fate < rates.dropRate + rates.errorRate && fate >= rates.dropRate) {
      stats.unavailable++;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    if (random() < rates.spikeRate) {
      stats.spikes++;
      await new Promise((r) => setTimeout(r, spikeMin + random() * (spikeMax - spikeMin)));
    }
    const answer = await fetch(options.target, {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body,
    });
    const text = Buffer.from(await answer.arrayBuffer());
    if (fate < rates.dropRate) {
      stats.lostAnswers++;
      req.socket.resetAndDestroy();
      return;
    }
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    res.end(text);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    set(next) {
      Object.assign(rates, Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)));
    },
    failCalls(selector, times) {
      failing.set(selector.toLowerCase(), times);
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
