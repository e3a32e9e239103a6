import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// electron-store reads app paths and registers an ipcMain listener when it is built; with the Electron binary
// absent, both come from this mock (vitest.config inlines electron-store so the mock reaches it).
const { ipcMain } = await vi.hoisted(async () => {
  const { EventEmitter } = await import('node:events');
  return { ipcMain: new EventEmitter() };
});
vi.mock('electron', () => ({
  default: {
    app: { getPath: () => '/nonexistent-user-data', getVersion: () => '0.0.0-test' },
    ipcMain,
  },
}));

import { LogSink } from '../../../src/main/log';
import { SETTINGS_VERSION } from '../../../src/main/settings/migrations';
import { confBackend, createSettingsStore } from '../../../src/main/settings/store';
import { removeForeignListeners } from '../../../src/main/shell/ipc';
import { electronStoreBackend } from '../../../src/main/shell/settingsBackend';
import { defaultSettings } from '../../../src/shared/api/settings';
import { tempDir } from '../../helpers/tmp';

const log = new LogSink({ consoleLevel: 'silent' }).logger('test');
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('settings through electron-store (electron mocked)', () => {
  it('uses the same file, schema and migrations as the headless conf store', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'settings.json');
    // An old-format file (before schemaVersion), as either shell might find it.
    writeFileSync(file, JSON.stringify({ startOnLogin: true, ui: { theme: 'light' } }));

    const app = createSettingsStore(() => electronStoreBackend(t.dir), log, file);
    expect(app.path).toBe(file);
    expect(app.get()).toEqual({ ...defaultSettings, startOnLogin: true, ui: { theme: 'light' } });
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(SETTINGS_VERSION);

    app.update({ limits: { stopWhenUserActive: true, idleMinutes: 10 } });
    // The headless node reads what the desktop app wrote.
    const headless = createSettingsStore(() => confBackend(t.dir), log, file).get();
    expect(headless.limits).toMatchObject({ stopWhenUserActive: true, idleMinutes: 10 });

    expect(() => app.update({ limits: { idleMinutes: 0 } })).toThrow(/not valid/);
  });

  it('closes the IPC listener electron-store opens (it would tell any renderer the data folder)', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    electronStoreBackend(t.dir);
    expect(ipcMain.eventNames()).toContain('electron-store-get-data');
    expect(removeForeignListeners(ipcMain)).toEqual(['electron-store-get-data']);
    expect(ipcMain.eventNames()).toEqual([]);
  });
});
