import { EventEmitter } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { WebContents } from 'electron';

// The Electron binary cannot run here: BrowserWindow records the options it was built with.
vi.mock('electron', () => ({
  BrowserWindow: class {
    static built: unknown[] = [];
    constructor(options: unknown) {
      (this.constructor as unknown as { built: unknown[] }).built.push(options);
    }
  },
}));

import { BrowserWindow } from 'electron';
import { metaContentSecurityPolicy } from '../../../src/main/security/csp';
import { applyNavigationPolicy } from '../../../src/main/shell/navigation';
import { APP_ORIGIN, isSafeExternalUrl, originOf } from '../../../src/main/shell/origins';
import { serveAppRequest } from '../../../src/main/shell/protocol';
import { createMainWindow, MAIN_WINDOW_SIZING } from '../../../src/main/shell/window';
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
  it('builds the window with every hardened webPreference', () => {
    const built = (BrowserWindow as unknown as { built: Record<string, unknown>[] }).built;
    createMainWindow('/p.cjs', { x: 10, y: 20, width: 1000, height: 700 });
    expect(built.at(-1)).toMatchObject({
      x: 10,
      y: 20,
      width: 1000,
      height: 700,
      minWidth: MAIN_WINDOW_SIZING.minWidth,
      minHeight: MAIN_WINDOW_SIZING.minHeight,
      show: false,
      webPreferences: {
        preload: '/p.cjs',
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webviewTag: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        navigateOnDragDrop: false,
        disableBlinkFeatures: 'Auxclick',
      },
    });
    // Nothing weakens them: no option turns Node, remote content or insecure features back on.
    const prefs = (built.at(-1) as { webPreferences: Record<string, unknown> }).webPreferences;
    expect(Object.keys(prefs).filter((k) => /enableBlinkFeatures|additionalArguments/.test(k))).toEqual([]);
  });

  it('is the only place a window or webPreferences are made', () => {
    const root = join(import.meta.dirname, '../../../src');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.tsx?$/.test(entry.name) && path !== join(root, 'main/shell/window.ts')) {
          if (/new BrowserWindow\b|new BrowserView\b|webPreferences/.test(readFileSync(path, 'utf8'))) {
            offenders.push(path);
          }
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
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
