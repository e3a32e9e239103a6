import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * The preload and the renderer's IPC bridge against the real main-side handlers and a real node, with only
 * Electron's transport mocked: contextBridge records what the preload exposes, ipcRenderer.invoke reaches the
 * handler main registered for the channel (as a call from our own window), and events main forwards with
 * webContents.send arrive through ipcRenderer.on.
 */
const electron = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
  const exposed: Record<string, unknown> = {};
  // The renderer side of ipcRenderer.on: listeners per channel.
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const rendererEvents = {
    on(channel: string, fn: (...args: unknown[]) => void) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(fn);
    },
    removeListener(channel: string, fn: (...args: unknown[]) => void) {
      listeners.get(channel)?.delete(fn);
    },
    emit(channel: string, ...args: unknown[]) {
      for (const fn of listeners.get(channel) ?? []) fn(...args);
    },
  };
  const sender = { url: 'app://flywheel/index.html', parent: null };
  return { handlers, exposed, rendererEvents, sender };
});

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => (electron.exposed[key] = api),
  },
  ipcRenderer: {
    invoke: async (channel: string, payload: unknown) => {
      const handler = electron.handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return handler({ senderFrame: electron.sender }, payload);
    },
    on: (channel: string, fn: (...args: unknown[]) => void) => electron.rendererEvents.on(channel, fn),
    removeListener: (channel: string, fn: (...args: unknown[]) => void) =>
      electron.rendererEvents.removeListener(channel, fn),
  },
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) =>
      electron.handlers.set(channel, fn),
    removeHandler: (channel: string) => electron.handlers.delete(channel),
  },
}));

import { ipcMain } from 'electron';
import type { FlywheelNode } from '../../src/main/node';
import { forwardEvents, registerApiHandlers, trustedOriginCheck } from '../../src/main/shell/ipc';
import { APP_ORIGIN } from '../../src/main/shell/origins';
import { ipcBridge } from '../../src/renderer/src/lib/bridge';
import type { PreloadApi } from '../../src/shared/api/ipc';
import { ApiError } from '../../src/shared/errors';
import { startTestNode } from '../helpers/node';

let node: FlywheelNode;
let stop: () => Promise<void>;
const off: (() => void)[] = [];

beforeAll(async () => {
  ({ node, stop } = await startTestNode());
  off.push(registerApiHandlers(ipcMain, node, trustedOriginCheck([APP_ORIGIN])));
  // Main's side of events: webContents.send lands on the renderer's ipcRenderer listeners.
  const contents = {
    isDestroyed: () => false,
    send: (channel: string, message: unknown) => electron.rendererEvents.emit(channel, {}, message),
  };
  off.push(forwardEvents(node, () => [contents as never]));
  await import('../../src/preload/index');
});
afterAll(async () => {
  for (const f of off) f();
  await stop();
});

const preload = () => electron.exposed.flywheel as PreloadApi;

describe('preload and IPC bridge (electron transport mocked)', () => {
  it('exposes exactly one object with call and subscribe, nothing of ipcRenderer', () => {
    expect(Object.keys(electron.exposed)).toEqual(['flywheel']);
    expect(Object.keys(preload()).sort()).toEqual(['call', 'subscribe']);
  });

  it('carries a call to the node and its answer back', async () => {
    const bridge = ipcBridge(preload());
    const status = await bridge.call('node.status', {});
    expect(status.shell).toBe('headless');
    expect(status.dataDir).toBe(node.dataDir);
  });

  it('answers an unknown call name itself, without reaching main', async () => {
    const r = await preload().call('wallet.exportPrivateKey' as never, {} as never);
    expect(r).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_CALL', shortMessage: 'There is no API call named wallet.exportPrivateKey.' },
    });
  });

  it('turns main’s refusals into errors with their codes: a bad payload, a foreign sender', async () => {
    const bridge = ipcBridge(preload());
    const bad = await bridge
      .call('settings.update', { patch: { startOnLogin: 'yes' } } as never)
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApiError);
    expect(bad).toMatchObject({ code: 'INVALID_PAYLOAD' });
    electron.sender.url = 'https://evil.example/';
    try {
      await expect(bridge.call('node.status', {})).rejects.toMatchObject({ code: 'FORBIDDEN_SENDER' });
    } finally {
      electron.sender.url = 'app://flywheel/index.html';
    }
  });

  it('delivers events the node pushes, drops messages that are not events of the contract, and unsubscribes', async () => {
    const bridge = ipcBridge(preload());
    const seen: string[] = [];
    const unsubscribe = bridge.subscribe('settings.changed', (s) => seen.push(s.ui.theme));
    const raw: unknown[] = [];
    const offRaw = preload().subscribe((m) => raw.push(m.name));
    await bridge.call('settings.update', { patch: { ui: { theme: 'dark' } } });
    electron.rendererEvents.emit('flywheel:event', {}, { name: 'not.an.event', payload: 1 });
    electron.rendererEvents.emit('flywheel:event', {}, null);
    expect(seen).toEqual(['dark']);
    expect(raw).toContain('settings.changed');
    expect(raw).not.toContain('not.an.event');
    unsubscribe();
    offRaw();
    await bridge.call('settings.update', { patch: { ui: { theme: 'light' } } });
    expect(seen).toEqual(['dark']);
  });
});
