import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultLoginItemTarget,
  HIDDEN_ARG,
  linuxAutostartEntry,
  quoteExecArg,
  startedHidden,
  syncLoginItem,
} from '../../../src/main/shell/loginItem';
import { tempDir } from '../../helpers/tmp';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** app.getLoginItemSettings / setLoginItemSettings as macOS and Windows keep them (args must match on Windows). */
function fakeApp(initial = false) {
  let item = { openAtLogin: initial, args: [] as string[] };
  const writes: unknown[] = [];
  return {
    writes,
    getLoginItemSettings: (options?: { args?: string[] }) =>
      ({
        openAtLogin: item.openAtLogin && JSON.stringify(options?.args ?? []) === JSON.stringify(item.args),
      }) as ReturnType<Electron.App['getLoginItemSettings']>,
    setLoginItemSettings: (settings: { openAtLogin?: boolean; args?: string[] }) => {
      writes.push(settings);
      item = { openAtLogin: settings.openAtLogin ?? false, args: settings.args ?? [] };
    },
  };
}

describe('start on login', () => {
  it('registers and removes a macOS login item only when it differs from the setting', () => {
    const app = fakeApp();
    const target = {
      platform: 'darwin' as const,
      executable: '/Applications/Flywheel.app',
      autostartDir: '/x',
    };
    expect(syncLoginItem(app, false, target)).toBe(false);
    expect(syncLoginItem(app, true, target)).toBe(true);
    expect(syncLoginItem(app, true, target)).toBe(false);
    expect(syncLoginItem(app, false, target)).toBe(true);
    expect(app.writes).toEqual([{ openAtLogin: true }, { openAtLogin: false }]);
  });

  it('starts hidden in the tray on Windows, asking with the same arguments it registered', () => {
    const app = fakeApp();
    const target = { platform: 'win32' as const, executable: 'C:\\Flywheel\\Flywheel.exe', autostartDir: '' };
    expect(syncLoginItem(app, true, target)).toBe(true);
    expect(app.writes).toEqual([{ openAtLogin: true, args: [HIDDEN_ARG] }]);
    expect(syncLoginItem(app, true, target)).toBe(false);
  });

  it('writes and removes an XDG autostart entry on Linux', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const app = fakeApp();
    const autostartDir = join(t.dir, 'autostart');
    const target = { platform: 'linux' as const, executable: '/opt/My Apps/Flywheel.AppImage', autostartDir };
    const file = join(autostartDir, 'flywheel.desktop');

    expect(syncLoginItem(app, true, target)).toBe(true);
    const entry = readFileSync(file, 'utf8');
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain(`Exec="/opt/My Apps/Flywheel.AppImage" ${HIDDEN_ARG}\n`);
    expect(syncLoginItem(app, true, target)).toBe(false);
    expect(syncLoginItem(app, false, target)).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(syncLoginItem(app, false, target)).toBe(false);
    expect(app.writes).toEqual([]);
  });

  it('quotes Exec arguments as the desktop entry spec asks', () => {
    expect(quoteExecArg('/opt/Flywheel/flywheel')).toBe('/opt/Flywheel/flywheel');
    expect(quoteExecArg('/home/a b/x')).toBe('"/home/a b/x"');
    expect(quoteExecArg('/tmp/$HOME"`')).toBe('"/tmp/\\\\$HOME\\\\"\\\\`"');
    expect(quoteExecArg('/tmp/100%')).toBe('/tmp/100%%');
    expect(linuxAutostartEntry('/usr/bin/flywheel')).toMatch(/^Exec=\/usr\/bin\/flywheel --hidden$/m);
  });

  it('launches the AppImage file, not the binary inside its temporary mount', () => {
    const env = { APPIMAGE: '/home/u/Flywheel.AppImage', XDG_CONFIG_HOME: '/home/u/.cfg' };
    expect(defaultLoginItemTarget(env, 'linux', '/tmp/.mount_Flyw/flywheel')).toEqual({
      platform: 'linux',
      executable: '/home/u/Flywheel.AppImage',
      autostartDir: '/home/u/.cfg/autostart',
    });
    expect(defaultLoginItemTarget({}, 'win32', 'C:\\F\\Flywheel.exe').executable).toBe('C:\\F\\Flywheel.exe');
  });

  it('stays in the tray when the OS started it at login', () => {
    expect(startedHidden(['/opt/Flywheel/flywheel', HIDDEN_ARG], undefined)).toBe(true);
    expect(startedHidden(['/Applications/Flywheel.app/Contents/MacOS/Flywheel'], true)).toBe(true);
    expect(startedHidden(['/opt/Flywheel/flywheel'], false)).toBe(false);
  });
});
