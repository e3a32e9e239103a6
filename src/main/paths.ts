import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The data folder: settings, wallet keystore, journal, blobs, devnet state, logs. It is the same folder Electron
 * would pick as `userData` for the product name "Flywheel", so the desktop app and the headless node share it.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLYWHEEL_DATA_DIR) return resolve(env.FLYWHEEL_DATA_DIR);
  const home = homedir();
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Flywheel');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Flywheel');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Flywheel');
  }
}

let cachedRoot: string | undefined;

/**
 * The project root (where package.json is): found by walking up from this module, so it holds for the sources
 * (tests, tsx) and for the bundle in out/main alike.
 */
export function appRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'flywheel') {
          cachedRoot = dir;
          return dir;
        }
      } catch {
        // An unreadable package.json on the way up is not ours; keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Flywheel package root above ' + import.meta.url);
    dir = parent;
  }
}

/** The built renderer (index.html and assets), served by the headless shell and loaded by the window. */
export function rendererDir(): string {
  return join(appRoot(), 'out', 'renderer');
}

/** Static resources shipped with the app (icons, reference model pointers). */
export function resourcesDir(): string {
  return join(appRoot(), 'resources');
}

/**
 * anvil inside a packaged desktop app (an electron-builder extra resource next to app.asar; the layout is
 * scripts/packaging/layout.mjs). The Electron shell points FLYWHEEL_ANVIL here; from sources, anvil comes from
 * node_modules. The reference models need no such path: they ship in `<resources>/node_modules`, which Node's
 * lookup from app.asar already reaches.
 */
export function packagedAnvilPath(
  resourcesPath: string,
  platform: NodeJS.Platform = process.platform,
): string {
  return join(resourcesPath, 'anvil', platform === 'win32' ? 'anvil.exe' : 'anvil');
}
