import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * The Electron entry (src/main/index.ts) run against a recording stand-in for the whole electron module, with a real
 * provider node in a temporary data folder: it shows the entry wires every piece (protocol, sandbox, IPC, window,
 * permissions, tray, single instance, shutdown) without the Electron binary.
 */
const rec = await vi.hoisted(async () => {
  const { EventEmitter } = await import('node:events');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dataDir = mkdtempSync(join(tmpdir(), 'flywheel-entry-'));
  process.env.FLYWHEEL_DATA_DIR = dataDir;

  const calls: string[] = [];
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    paths: {} as Record<string, string>,
    enableSandbox: () => calls.push('enableSandbox'),
    setPath(name: string, value: string) {
      this.paths[name] = value;
    },
    getPath(name: string) {
      return this.paths[name] ?? dataDir;
    },
    getVersion: () => '0.0.0-test',
    setAppUserModelId: (id: string) => calls.push(`appUserModelId ${id}`),
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
    setLoginItemSettings: () => calls.push('setLoginItemSettings'),
    quit: () => calls.push('quit'),
  });
  const ipcMain = Object.assign(new EventEmitter(), {
    handlers: new Map<string, unknown>(),
    handle(channel: string, fn: unknown) {
      this.handlers.set(channel, fn);
    },
    removeHandler(channel: string) {
      this.handlers.delete(channel);
    },
  });
  class BrowserWindow extends EventEmitter {
    static all: BrowserWindow[] = [];
    static getAllWindows = () => BrowserWindow.all;
    url = '';
    shown = false;
    webContents = Object.assign(new EventEmitter(), { isDestroyed: () => false, send: () => undefined });
    constructor(readonly options: Record<string, unknown>) {
      super();
      BrowserWindow.all.push(this);
    }
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    show() {
      this.shown = true;
    }
    maximize() {}
    focus() {}
    restore() {}
    isMinimized = () => false;
    isDestroyed = () => false;
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 0, y: 0, width: 1280, height: 820 });
  }
  class Tray extends EventEmitter {
    static last: Tray | null = null;
    tooltip = '';
    menu: { label?: string }[] = [];
    constructor() {
      super();
      Tray.last = this;
    }
    setImage() {}
    setToolTip(t: string) {
      this.tooltip = t;
    }
    setContextMenu(m: { template: { label?: string }[] }) {
      this.menu = m.template;
    }
    destroy() {
      calls.push('tray.destroy');
    }
  }
  const session = {
    defaultSession: {
      setPermissionRequestHandler: () => calls.push('permissionRequestHandler'),
      setPermissionCheckHandler: () => calls.push('permissionCheckHandler'),
      setDevicePermissionHandler: () => calls.push('devicePermissionHandler'),
    },
  };
  const protocol = {
    schemes: [] as unknown[],
    handled: [] as string[],
    registerSchemesAsPrivileged(s: unknown[]) {
      this.schemes.push(...s);
    },
    handle(scheme: string) {
      this.handled.push(scheme);
    },
  };
  const display = { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1050 } };
  const electron = {
    app,
    ipcMain,
    BrowserWindow,
    Tray,
    session,
    protocol,
    Menu: { buildFromTemplate: (template: unknown[]) => ({ template }) },
    nativeImage: { createFromPath: (path: string) => ({ path }) },
    Notification: Object.assign(class {}, { isSupported: () => false }),
    powerMonitor: Object.assign(new EventEmitter(), { getSystemIdleTime: () => 0 }),
    safeStorage: {
      isEncryptionAvailable: () => false,
      getSelectedStorageBackend: () => 'basic_text',
      encryptString: () => Buffer.alloc(0),
      decryptString: () => '',
    },
    screen: { getPrimaryDisplay: () => display, getAllDisplays: () => [display] },
    shell: { openExternal: () => Promise.resolve() },
    utilityProcess: { fork: () => new EventEmitter() },
  };
  return { calls, electron, dataDir };
});

vi.mock('electron', () => ({ ...rec.electron, default: rec.electron }));

import { EventEmitter } from 'node:events';
import { rmSync } from 'node:fs';
import { callNames } from '../../../src/shared/api';
import { callChannel } from '../../../src/shared/api/ipc';

type Rec = typeof rec.electron;
const e = rec.electron as Rec & {
  BrowserWindow: { all: { options: Record<string, unknown>; url: string; shown: boolean }[] };
  Tray: { last: { tooltip: string; menu: { label?: string }[] } | null };
};

beforeAll(async () => {
  await import('../../../src/main/index');
  await vi.waitFor(() => expect(e.BrowserWindow.all.length).toBe(1), { timeout: 20_000, interval: 50 });
});

afterAll(async () => {
  // Quit: the entry stops its timers and closes the node before letting the app exit.
  let prevented = false;
  e.app.emit('before-quit', { preventDefault: () => (prevented = true) });
  expect(prevented).toBe(true);
  await vi.waitFor(() => expect(rec.calls).toContain('quit'), { timeout: 15_000, interval: 50 });
  expect(rec.calls).toContain('tray.destroy');
  rmSync(rec.dataDir, { recursive: true, force: true });
});

describe('the Electron entry (electron mocked)', () => {
  it('registers the app:// scheme, turns the sandbox on and keeps one data folder', () => {
    expect(e.protocol.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(e.protocol.handled).toEqual(['app']);
    expect(rec.calls).toContain('enableSandbox');
    expect(e.app.getPath('userData')).toBe(rec.dataDir);
    expect(rec.calls).toContain('appUserModelId org.flywheel.desktop');
  });

  it('answers every contract call over IPC and closes the listener electron-store opened', () => {
    expect([...e.ipcMain.handlers.keys()].sort()).toEqual(callNames.map((n) => callChannel(n)).sort());
    expect(e.ipcMain.eventNames()).toEqual([]);
  });

  it('opens one hardened window on the app origin and installs the permission policy', () => {
    const [win] = e.BrowserWindow.all;
    expect(win!.url).toBe('app://flywheel/index.html');
    expect(win!.options).toMatchObject({
      width: 1280,
      height: 820,
      webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false },
    });
    expect(String((win!.options.webPreferences as { preload: string }).preload)).toMatch(
      /preload[\\/]index\.cjs$/,
    );
    expect(rec.calls).toEqual(
      expect.arrayContaining([
        'permissionRequestHandler',
        'permissionCheckHandler',
        'devicePermissionHandler',
      ]),
    );
  });

  it('applies the navigation policy to every webContents created', () => {
    const contents = Object.assign(new EventEmitter(), {
      handler: null as unknown,
      setWindowOpenHandler(fn: unknown) {
        this.handler = fn;
      },
    });
    e.app.emit('web-contents-created', {}, contents);
    expect(contents.handler).toBeTypeOf('function');
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-attach-webview')).toBe(1);
  });

  it('shows the provider in the tray as the node reports it: not providing until switched on', async () => {
    await vi.waitFor(() => expect(e.Tray.last?.tooltip).toMatch(/^Flywheel — Not providing/), {
      timeout: 5000,
    });
    expect(e.Tray.last!.menu.map((i) => i.label)).toEqual(
      expect.arrayContaining(['Provide GPU', 'Open Flywheel', 'Quit Flywheel']),
    );
  });

  it('keeps running in the tray when the window closes, and a second launch shows the window', () => {
    e.app.emit('window-all-closed');
    expect(rec.calls).not.toContain('quit');
    e.app.emit('second-instance');
    expect(e.BrowserWindow.all.length).toBe(1);
    expect(e.BrowserWindow.all[0]!.shown).toBe(true);
  });

  it('watches OS sleep and shutdown (shell/sleep.ts: suspend pauses on-chain, resume comes back)', () => {
    const power = e.powerMonitor as unknown as EventEmitter;
    expect(['suspend', 'resume', 'shutdown'].map((n) => power.listenerCount(n))).toEqual([1, 1, 1]);
  });

  it('does not register a login item from a development run', () => {
    expect(rec.calls).not.toContain('setLoginItemSettings');
  });
});
