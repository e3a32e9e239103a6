import { copyFileSync, existsSync } from 'node:fs';
import { defaultSettings } from '#shared/api/settings';
import type { Logger } from '../log';

/**
 * One step of the settings file format. Steps work on the raw file object, before the shared schema validates it,
 * so the same list serves both backends (conf headless, electron-store in the app). Neither backend's own
 * `migrations` option is used: those are keyed by the app version, which the two shells do not share.
 */
export interface SettingsMigration {
  /** The `schemaVersion` this step produces; it runs on files at `to - 1`. */
  readonly to: number;
  /** What changed, for the log. */
  readonly summary: string;
  up(raw: Record<string, unknown>): Record<string, unknown>;
}

/** Every step so far, oldest first. Bumping `schemaVersion` in the shared schema needs a step here (a test checks). */
export const settingsMigrations: readonly SettingsMigration[] = [
  {
    to: 1,
    summary: 'files written before settings carried a schemaVersion',
    up: (raw) => ({ ...raw, schemaVersion: 1 }),
  },
  {
    // The setting turns the Provide GPU / Stop switch off; "paused" is only the on-chain state (docs/glossary.md).
    to: 2,
    summary: 'limits.pauseWhenUserActive renamed limits.stopWhenUserActive',
    up: (raw) => {
      const limits = raw.limits;
      if (typeof limits !== 'object' || limits === null || !('pauseWhenUserActive' in limits)) return raw;
      const { pauseWhenUserActive, ...rest } = limits as Record<string, unknown>;
      return { ...raw, limits: { ...rest, stopWhenUserActive: pauseWhenUserActive } };
    },
  },
];

export const SETTINGS_VERSION: number = defaultSettings.schemaVersion;

export type MigrationOutcome =
  | { kind: 'current'; raw: Record<string, unknown> }
  | { kind: 'migrated'; raw: Record<string, unknown>; from: number; to: number; applied: string[] }
  /** Written by a newer Flywheel: no step can take it back; the caller keeps a copy and uses defaults. */
  | { kind: 'newer'; raw: Record<string, unknown>; version: number }
  | { kind: 'unversionable'; raw: Record<string, unknown>; reason: string };

/** The version a raw settings object declares: a file without `schemaVersion` predates versioning (0). */
export function versionOf(raw: Record<string, unknown>): number | null {
  const v = raw.schemaVersion;
  if (v === undefined) return 0;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

/**
 * Brings a raw settings object up to `target` by running each step in order. Pure: the caller decides what to
 * write. An empty object is a fresh file (defaults fill it), not a version-0 file.
 */
export function migrateSettings(
  raw: Record<string, unknown>,
  migrations: readonly SettingsMigration[] = settingsMigrations,
  target: number = SETTINGS_VERSION,
): MigrationOutcome {
  if (Object.keys(raw).length === 0) return { kind: 'current', raw };
  const from = versionOf(raw);
  if (from === null) {
    return { kind: 'unversionable', raw, reason: `schemaVersion is ${JSON.stringify(raw.schemaVersion)}` };
  }
  if (from === target) return { kind: 'current', raw };
  if (from > target) return { kind: 'newer', raw, version: from };

  let next = structuredClone(raw);
  const applied: string[] = [];
  for (let v = from + 1; v <= target; v++) {
    const step = migrations.find((m) => m.to === v);
    if (!step) return { kind: 'unversionable', raw, reason: `no migration step produces version ${v}` };
    next = { ...step.up(next), schemaVersion: v };
    applied.push(`v${v}: ${step.summary}`);
  }
  return { kind: 'migrated', raw: next, from, to: target, applied };
}

/**
 * The hook createSettingsStore calls on load: migrates what the backend holds and, before anything is written
 * back, keeps the old file as `<file>.v<from>-backup` so a migration can never lose a user's settings.
 * Returns the object to validate and whether it should be saved once it validates.
 */
export function migrateOnLoad(
  backend: { readonly path: string; readonly store: Record<string, unknown> },
  log: Logger,
): { raw: Record<string, unknown>; save: boolean } {
  const outcome = migrateSettings(backend.store);
  switch (outcome.kind) {
    case 'current':
      return { raw: outcome.raw, save: false };
    case 'migrated': {
      const backup = `${backend.path}.v${outcome.from}-backup`;
      if (existsSync(backend.path)) copyFileSync(backend.path, backup);
      log.info('settings migrated', { from: outcome.from, to: outcome.to, steps: outcome.applied, backup });
      return { raw: outcome.raw, save: true };
    }
    case 'newer':
      log.warn('settings were written by a newer Flywheel; keeping a copy and using defaults', {
        version: outcome.version,
        supported: SETTINGS_VERSION,
      });
      return { raw: outcome.raw, save: false };
    case 'unversionable':
      log.warn('settings version could not be read', { reason: outcome.reason });
      return { raw: outcome.raw, save: false };
  }
}
