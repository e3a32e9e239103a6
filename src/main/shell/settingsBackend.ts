import Store from 'electron-store';
import type { SettingsBackend } from '../settings/store';

/**
 * The desktop app's settings file: electron-store, in the data folder, as settings.json — the same file, schema
 * and migrations as the headless node's conf store, so either shell can open the other's settings.
 */
export function electronStoreBackend(dataDir: string): SettingsBackend {
  return new Store<Record<string, unknown>>({ name: 'settings', cwd: dataDir });
}
