import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The Electron binary cannot run here: ipcMain is replaced by a recorder of the handlers main registers.
vi.mock('electron', () => {
  const handlers = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
  return {
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        handlers.set(channel, fn);
      },
      removeHandler: (channel: string) => handlers.delete(channel),
      handlers,
    },
  };
});

import { ipcMain } from 'electron';
import { registerApiHandlers, trustedOriginCheck } from '../../../src/main/shell/ipc';
import { APP_ORIGIN } from '../../../src/main/shell/origins';
import type { FlywheelNode } from '../../../src/main/node';
import { callNames } from '../../../src/shared/api';
import { callChannel } from '../../../src/shared/api/ipc';
import { startTestNode } from '../../helpers/node';

type Recorder = typeof ipcMain & {
  handlers: Map<string, (event: unknown, payload: unknown) => Promise<unknown>>;
};
const recorder = ipcMain as Recorder;

let node: FlywheelNode;
let stop: () => Promise<void>;
let unregister: () => void;

beforeAll(async () => {
  ({ node, stop } = await startTestNode());
  unregister = registerApiHandlers(ipcMain, node, trustedOriginCheck([APP_ORIGIN]));
});
afterAll(async () => {
  unregister();
  await stop();
});

const frame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } });
function invoke(name: string, event: unknown, payload: unknown) {
  const handler = recorder.handlers.get(callChannel(name as never));
  if (!handler) throw new Error(`no handler for ${name}`);
  return handler(event, payload) as Promise<{ ok: boolean; error?: { code: string } }>;
}

describe('IPC bridge (electron mocked)', () => {
  it('registers exactly one handler per call of the contract', () => {
    expect([...recorder.handlers.keys()].sort()).toEqual(callNames.map((n) => callChannel(n)).sort());
  });

  it('answers our own window', async () => {
    const r = await invoke('node.status', frame(`${APP_ORIGIN}/index.html`), {});
    expect(r).toMatchObject({ ok: true, result: { shell: 'headless' } });
  });

  it.each([
    ['a page from another origin', frame('https://evil.example/')],
    ['a file:// page', frame('file:///tmp/evil.html')],
    ['a subframe of our own window', frame(`${APP_ORIGIN}/index.html`, { url: `${APP_ORIGIN}/index.html` })],
    ['a destroyed frame', { senderFrame: null }],
    ['a frame with a garbage URL', frame('::not a url::')],
  ])('refuses %s', async (_label, event) => {
    const r = await invoke('settings.update', event, { patch: { ui: { theme: 'dark' } } });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    // Nothing ran: the setting is unchanged.
    expect(node.settings.get().ui.theme).toBe('system');
  });

  it('validates the payload of a trusted sender and keeps running', async () => {
    const r = await invoke('settings.update', frame(`${APP_ORIGIN}/`), { patch: { startOnLogin: 'yes' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const ok = await invoke('node.status', frame(`${APP_ORIGIN}/`), {});
    expect(ok.ok).toBe(true);
  });

  it('removes every handler it registered', () => {
    unregister();
    expect(recorder.handlers.size).toBe(0);
    unregister = registerApiHandlers(ipcMain, node, trustedOriginCheck([APP_ORIGIN]));
  });
});
