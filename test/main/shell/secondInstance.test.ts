import { describe, expect, it, vi } from 'vitest';

/**
 * A second launch of the desktop app: Electron's single-instance lock is already held by the first, so this one
 * quits at once — no node, no window, no IPC handler, no data folder touched beyond its path — and the first
 * instance shows its window (the `second-instance` test in entry.test.ts).
 */
const rec = await vi.hoisted(async () => {
  const { EventEmitter } = await import('node:events');
  const calls: string[] = [];
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    enableSandbox: () => calls.push('enableSandbox'),
    setPath: () => undefined,
    getPath: () => '/nonexistent/flywheel-second-instance',
    setAppUserModelId: () => undefined,
    requestSingleInstanceLock: () => (calls.push('requestSingleInstanceLock'), false),
    whenReady: () => (calls.push('whenReady'), new Promise(() => undefined)),
    quit: () => calls.push('quit'),
  });
  const electron = {
    app,
    protocol: { registerSchemesAsPrivileged: () => undefined, handle: () => calls.push('protocol.handle') },
    ipcMain: { handle: () => calls.push('ipcMain.handle'), removeHandler: () => undefined },
    BrowserWindow: class {
      constructor() {
        calls.push('BrowserWindow');
      }
    },
    shell: {},
    session: {},
    safeStorage: {},
    utilityProcess: {},
  };
  return { calls, electron };
});

vi.mock('electron', () => ({ ...rec.electron, default: rec.electron }));

describe('the Electron entry when another instance runs (electron mocked)', () => {
  it('quits at once without starting a node or opening a window', async () => {
    await import('../../../src/main/index');
    expect(rec.calls).toContain('requestSingleInstanceLock');
    expect(rec.calls.at(-1)).toBe('quit');
    expect(rec.calls).not.toContain('whenReady');
    expect(rec.calls).not.toContain('BrowserWindow');
    expect(rec.calls).not.toContain('ipcMain.handle');
    expect(rec.calls).not.toContain('protocol.handle');
  });
});
