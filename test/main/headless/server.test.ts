import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHeadlessServer, WS_PROTOCOL, type HeadlessServer } from '../../../src/main/headless/server';
import type { FlywheelNode } from '../../../src/main/node';
import type { ApiEventMessage } from '../../../src/shared/api';
import { startTestNode } from '../../helpers/node';
import { tempDir } from '../../helpers/tmp';

let node: FlywheelNode;
let stopNode: () => Promise<void>;
let server: HeadlessServer;
let cleanupRenderer: () => void;

beforeAll(async () => {
  ({ node, stop: stopNode } = await startTestNode({ heartbeatMs: 200 }));
  const renderer = tempDir('flywheel-renderer-');
  cleanupRenderer = renderer.cleanup;
  mkdirSync(join(renderer.dir, 'assets'));
  writeFileSync(join(renderer.dir, 'index.html'), '<!doctype html><title>Flywheel</title>');
  writeFileSync(join(renderer.dir, 'assets', 'app.js'), 'console.log(1)');
  server = await startHeadlessServer({ node, port: 0, rendererDir: renderer.dir });
});

afterAll(async () => {
  await server.close();
  await stopNode();
  cleanupRenderer();
});

async function call(name: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.origin}/api/call/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as { ok: boolean; result?: unknown; error?: { code: string } },
  };
}
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const auth = () => ({ authorization: `Bearer ${server.token}` });

/** Opens the event socket; resolves with the socket once open, or rejects with the HTTP status it was refused with. */
function openSocket(protocols: string[], headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, protocols, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('headless bridge: HTTP', () => {
  it('prints a URL on 127.0.0.1 carrying the token in its fragment', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{40,}$/);
    expect(server.url.endsWith(server.token)).toBe(true);
  });

  it('answers a call with the token', async () => {
    const r = await call('node.status', {}, auth());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, result: { shell: 'headless' } });
  });

  it('refuses a call without a token', async () => {
    const r = await call('node.status', {});
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toBe('UNAUTHORIZED');
  });

  it('refuses a call with a wrong token', async () => {
    const r = await call('node.status', {}, { authorization: `Bearer ${server.token.slice(0, -2)}xx` });
    expect(r.status).toBe(401);
  });

  it('refuses the token passed any other way than the Authorization header', async () => {
    const res = await fetch(`${server.origin}/api/call/node.status?token=${server.token}`, {
      method: 'POST',
    });
    expect(res.status).toBe(401);
  });

  it('answers an invalid payload with a clear error and keeps running', async () => {
    const r = await call('settings.update', { patch: { limits: { maxConcurrentJobs: 'lots' } } }, auth());
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect((await call('node.status', {}, auth())).status).toBe(200);
  });

  it('answers a body that is not JSON with INVALID_PAYLOAD', async () => {
    const r = await call('node.status', '{"unclosed', auth());
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('INVALID_PAYLOAD');
  });

  it('answers an unknown call with 404', async () => {
    const r = await call('wallet.exportEverything', {}, auth());
    expect(r.status).toBe(404);
    expect(r.body.error?.code).toBe('UNKNOWN_CALL');
  });

  it('refuses a body over 1 MiB', async () => {
    const r = await call('node.status', { pad: 'x'.repeat(1_100_000) }, auth());
    expect(r.status).toBe(413);
  });

  it('refuses a request from another web page (Origin) even with the token', async () => {
    const r = await call('node.status', {}, { ...auth(), origin: 'https://evil.example' });
    expect(r.status).toBe(403);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await rawGet('/', { host: `evil.example:${server.port}` });
    expect(res.status).toBe(421);
  });

  it('serves the UI with a strict CSP, and nothing outside its folder', async () => {
    const page = await fetch(`${server.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await fetch(`${server.origin}/assets/app.js`)).status).toBe(200);
    expect((await fetch(`${server.origin}/assets/missing.js`)).status).toBe(404);
    // Raw paths (fetch would normalise the dots away before they reach the server): each is either the app
    // itself (the dots collapse inside the folder) or a 404, never a file from outside.
    for (const path of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2f..%2fetc%2fpasswd',
    ]) {
      const res = await rawGet(path);
      expect(res.body, path).not.toContain('root:');
      expect([200, 404], path).toContain(res.status);
      if (res.status === 200) expect(res.body, path).toContain('<title>Flywheel</title>');
    }
    expect((await rawGet('/assets/..%2f..%2f..%2fetc%2fpasswd')).status).toBe(404);
    // Client-side routes fall back to the app.
    expect((await fetch(`${server.origin}/economies`)).status).toBe(200);
  });
});

describe('headless bridge: WebSocket events', () => {
  it('pushes node events to a socket that presents the token', async () => {
    const ws = await openSocket([WS_PROTOCOL, `token.${server.token}`]);
    const names: string[] = [];
    const gotSettings = new Promise<ApiEventMessage>((resolve) => {
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as ApiEventMessage;
        names.push(message.name);
        if (message.name === 'settings.changed') resolve(message);
      });
    });
    await call('settings.update', { patch: { ui: { theme: 'dark' } } }, auth());
    const message = await gotSettings;
    expect(message.payload).toMatchObject({ ui: { theme: 'dark' } });
    // The heartbeat keeps coming too.
    await new Promise((r) => setTimeout(r, 450));
    expect(names.filter((n) => n === 'node.status').length).toBeGreaterThanOrEqual(2);
    ws.close();
  });

  it('refuses a socket without a token', async () => {
    await expect(openSocket([WS_PROTOCOL])).rejects.toThrow('refused 401');
  });

  it('refuses a socket with a wrong token', async () => {
    await expect(openSocket([WS_PROTOCOL, 'token.not-the-token'])).rejects.toThrow('refused 401');
  });

  it('refuses a socket from another origin even with the token', async () => {
    await expect(
      openSocket([WS_PROTOCOL, `token.${server.token}`], { origin: 'https://evil.example' }),
    ).rejects.toThrow('refused 403');
  });

  it('stops pushing to a socket once it closes', async () => {
    const before = node.events.size;
    const ws = await openSocket([WS_PROTOCOL, `token.${server.token}`]);
    expect(node.events.size).toBe(before + 1);
    ws.close();
    await new Promise((r) => ws.once('close', r));
    await new Promise((r) => setTimeout(r, 50));
    expect(node.events.size).toBe(before);
  });
});

describe('headless bridge: start-up', () => {
  it('says which port is taken and what to do', async () => {
    await expect(
      startHeadlessServer({ node, port: server.port, rendererDir: '/nonexistent' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      shortMessage: expect.stringContaining(String(server.port)),
    });
  });
});
