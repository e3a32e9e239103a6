import { existsSync, renameSync } from 'node:fs';
import Conf from 'conf';
import { defaultSettings, settingsSchema, type Settings, type SettingsPatch } from '#shared/api/settings';
import { FlywheelError } from '#shared/errors';
import type { Logger } from '../log';
import { migrateOnLoad } from './migrations';

/** The part of conf / electron-store the settings need: both expose the whole file as `.store`. */
export interface SettingsBackend {
  readonly path: string;
  store: Record<string, unknown>;
}

export interface SettingsStore {
  get(): Settings;
  update(patch: SettingsPatch): Settings;
  onChange(listener: (settings: Settings) => void): () => void;
  readonly path: string;
}

/** The headless and CLI backend: `conf`, in the data folder, as settings.json. */
export function confBackend(dataDir: string): SettingsBackend {
  return new Conf<Record<string, unknown>>({
    cwd: dataDir,
    configName: 'settings',
    projectName: 'flywheel',
    projectSuffix: '',
  });
}

/**
 * Settings validated with the shared schema on every read and write. A file that no longer parses or fits the
 * schema is moved aside (never deleted) and the defaults are used; the caller is told through the log.
 */
export function createSettingsStore(
  openBackend: () => SettingsBackend,
  log: Logger,
  backendPath?: string,
): SettingsStore {
  let backend: SettingsBackend;
  try {
    backend = openBackend();
  } catch (err) {
    if (!backendPath || !existsSync(backendPath)) {
      throw new FlywheelError('Cannot open the settings file.', { code: 'IO_FAILED', cause: err });
    }
    const aside = `${backendPath}.broken-${Date.now()}`;
    renameSync(backendPath, aside);
    log.warn('settings file could not be read; moved it aside and started from defaults', { aside });
    backend = openBackend();
  }

  const listeners = new Set<(settings: Settings) => void>();
  let current = load();

  function load(): Settings {
    const { raw, save } = migrateOnLoad(backend, log);
    const merged = { ...defaultSettings, ...raw };
    const parsed = settingsSchema.safeParse(merged);
    if (parsed.success) {
      if (save) backend.store = parsed.data as unknown as Record<string, unknown>;
      return parsed.data;
    }
    const aside = `${backend.path}.invalid-${Date.now()}`;
    try {
      renameSync(backend.path, aside);
    } catch {
      // Nothing on disk to move: the store was empty or in memory.
    }
    log.warn('settings did not match the schema; kept a copy and started from defaults', {
      aside,
      issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    });
    backend.store = { ...defaultSettings };
    return structuredClone(defaultSettings);
  }

  return {
    path: backend.path,
    get: () => structuredClone(current),
    update(patch) {
      const next: Settings = {
        ...current,
        ...(patch.network ? { network: patch.network } : {}),
        ...(patch.payoutAddress !== undefined ? { payoutAddress: patch.payoutAddress } : {}),
        ...(patch.startOnLogin !== undefined ? { startOnLogin: patch.startOnLogin } : {}),
        limits: { ...current.limits, ...patch.limits },
        ui: { ...current.ui, ...patch.ui },
        autoTopUp: { ...current.autoTopUp, ...patch.autoTopUp },
        metrics: { ...current.metrics, ...patch.metrics },
      };
      const parsed = settingsSchema.safeParse(next);
      if (!parsed.success) {
        throw new FlywheelError('Those settings are not valid.', {
          code: 'BAD_INPUT',
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          details: parsed.error.message,
        });
      }
      backend.store = parsed.data as unknown as Record<string, unknown>;
      current = parsed.data;
      for (const listener of listeners) listener(structuredClone(current));
      return structuredClone(current);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
