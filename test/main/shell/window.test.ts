import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { WebContents } from 'electron';
import { metaContentSecurityPolicy } from '../../../src/main/security/csp';
import { serveAppRequest } from '../../../src/main/shell/protocol';
import {
  APP_ORIGIN,
  applyNavigationPolicy,
  hardenedWebPreferences,
  isSafeExternalUrl,
  originOf,
} from '../../../src/main/shell/window';
import { tempDir } from '../../helpers/tmp';

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(fn: (details: { url: string }) => { action: string }) {
    this.openHandler = fn;
  }
}

function navigate(contents: FakeContents, event: string, url: string): boolean {
  let prevented = false;
  contents.emit(event, { preventDefault: () => (prevented = true) }, url);
  return prevented;
}

describe('window policy', () => {
  it('hardens every webPreference that matters', () => {
    expect(hardenedWebPreferences('/p.cjs')).toMatchObject({
      preload: '/p.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
  });

  it('denies window.open and sends web links to the system browser', () => {
    const contents = new FakeContents();
    const shell = { openExternal: vi.fn(async () => undefined) };
    applyNavigationPolicy(contents as unknown as WebContents, shell, [APP_ORIGIN]);
    expect(contents.openHandler?.({ url: 'https://etherscan.io/tx/0x1' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://etherscan.io/tx/0x1');
    expect(contents.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('stays on the app: other navigations are stopped', () => {
    const contents = new FakeContents();
    const shell = { openExternal: vi.fn(async () => undefined) };
    applyNavigationPolicy(contents as unknown as WebContents, shell, [APP_ORIGIN]);
    expect(navigate(contents, 'will-navigate', `${APP_ORIGIN}/index.html#/jobs`)).toBe(false);
    expect(navigate(contents, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledWith('https://evil.example/');
    expect(navigate(contents, 'will-navigate', 'javascript:alert(1)')).toBe(true);
    expect(navigate(contents, 'will-redirect', 'https://evil.example/')).toBe(true);
    expect(navigate(contents, 'will-attach-webview', '')).toBe(true);
  });

  it('reads origins of custom schemes (WHATWG says "null")', () => {
    expect(originOf('app://flywheel/index.html')).toBe('app://flywheel');
    expect(originOf('http://localhost:5173/x')).toBe('http://localhost:5173');
    expect(originOf('file:///tmp/a.html')).toBeNull();
    expect(isSafeExternalUrl('https://x.org')).toBe(true);
    expect(isSafeExternalUrl('smb://host/share')).toBe(false);
  });
});

describe('CSP', () => {
  it('index.html carries the same policy as the headers', () => {
    const html = readFileSync(join(import.meta.dirname, '../../../src/renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(metaContentSecurityPolicy());
  });

  it('app:// answers with the CSP and refuses paths outside the renderer', async () => {
    const t = tempDir();
    mkdirSync(join(t.dir, 'assets'));
    writeFileSync(join(t.dir, 'index.html'), '<title>Flywheel</title>');
    const index = await serveAppRequest(t.dir, `${APP_ORIGIN}/index.html`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("object-src 'none'");
    expect((await serveAppRequest(t.dir, `${APP_ORIGIN}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect((await serveAppRequest(t.dir, `${APP_ORIGIN}/assets/nope.js`)).status).toBe(404);
    expect(await (await serveAppRequest(t.dir, `${APP_ORIGIN}/jobs`)).text()).toContain('Flywheel');
    t.cleanup();
  });
});
