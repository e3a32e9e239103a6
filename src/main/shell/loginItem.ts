import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'electron';

/** Passed when the OS starts Flywheel at login: the app starts in the tray, without opening its window. */
export const HIDDEN_ARG = '--hidden';

/** Whether this launch should stay in the tray: started at login (Windows/Linux argument, or macOS says so). */
export function startedHidden(argv: readonly string[], wasOpenedAtLogin: boolean | undefined): boolean {
  return argv.includes(HIDDEN_ARG) || wasOpenedAtLogin === true;
}

/**
 * Quotes one argument for a desktop entry's Exec key (freedesktop Desktop Entry spec, "The Exec key"): reserved
 * characters need double quotes with `"`, `` ` ``, `$` and `\` escaped; then the string-value escaping doubles
 * every backslash, and `%` (a field code) is doubled.
 */
export function quoteExecArg(arg: string): string {
  const quoted =
    arg.length > 0 && !/[\s"'\\`$<>|&;*?#()~]/.test(arg) ? arg : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

/** The XDG autostart entry that starts Flywheel at login on Linux desktops. */
export function linuxAutostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Flywheel',
    'Comment=Provide your GPU to open AI networks',
    `Exec=${quoteExecArg(executable)} ${HIDDEN_ARG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export interface LoginItemTarget {
  platform: NodeJS.Platform;
  /** What to launch: on Linux the AppImage file itself ($APPIMAGE), not the binary inside its mount. */
  executable: string;
  /** ~/.config/autostart, or $XDG_CONFIG_HOME/autostart. */
  autostartDir: string;
}

export function defaultLoginItemTarget(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  execPath: string = process.execPath,
): LoginItemTarget {
  return {
    platform,
    executable: platform === 'linux' && env.APPIMAGE ? env.APPIMAGE : execPath,
    autostartDir: join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'autostart'),
  };
}

const AUTOSTART_FILE = 'flywheel.desktop';

/**
 * Makes "start on login" match the setting. macOS and Windows keep login items themselves
 * (app.setLoginItemSettings; Windows gets the --hidden argument, and must be asked with the same arguments);
 * Linux has no such API in Electron, so an XDG autostart entry is written or removed. Writes only when the OS
 * disagrees with the setting. Returns whether it changed anything.
 */
export function syncLoginItem(
  app: Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>,
  openAtLogin: boolean,
  target: LoginItemTarget,
): boolean {
  if (target.platform === 'linux') {
    const file = join(target.autostartDir, AUTOSTART_FILE);
    const entry = linuxAutostartEntry(target.executable);
    if (!openAtLogin) {
      if (!existsSync(file)) return false;
      rmSync(file, { force: true });
      return true;
    }
    if (existsSync(file) && readFileSync(file, 'utf8') === entry) return false;
    mkdirSync(target.autostartDir, { recursive: true });
    writeFileSync(file, entry);
    return true;
  }
  const args = target.platform === 'win32' ? [HIDDEN_ARG] : [];
  const current = app.getLoginItemSettings(target.platform === 'win32' ? { args } : undefined);
  if (current.openAtLogin === openAtLogin) return false;
  app.setLoginItemSettings(target.platform === 'win32' ? { openAtLogin, args } : { openAtLogin });
  return true;
}
