import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogSink } from '../../../src/main/log';
import {
  migrateSettings,
  SETTINGS_VERSION,
  settingsMigrations,
  type SettingsMigration,
} from '../../../src/main/settings/migrations';
import { confBackend, createSettingsStore } from '../../../src/main/settings/store';
import { defaultSettings } from '../../../src/shared/api/settings';
import { tempDir } from '../../helpers/tmp';

const log = new LogSink({ consoleLevel: 'silent' }).logger('test');
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function open(dir: string) {
  return createSettingsStore(() => confBackend(dir), log, join(dir, 'settings.json'));
}

/** The limits as version 1 wrote them: the idle setting was called `pauseWhenUserActive`. */
const { stopWhenUserActive: _renamedInV2, ...limitsV1 } = defaultSettings.limits;

/** A settings file as it was written before settings carried a schemaVersion. */
const versionZeroFile = {
  network: { kind: 'devnet' },
  limits: { ...limitsV1, maxConcurrentJobs: 3, pauseWhenUserActive: true },
  payoutAddress: null,
  startOnLogin: true,
  ui: { theme: 'dark' },
};

describe('settings migrations (pure)', () => {
  it('has one step per version, ending at the schema the app validates against', () => {
    expect(settingsMigrations.map((m) => m.to)).toEqual(
      Array.from({ length: SETTINGS_VERSION }, (_, i) => i + 1),
    );
  });

  it('runs every step from the file version up, in order', () => {
    const steps: SettingsMigration[] = [
      { to: 1, summary: 'stamp', up: (raw) => ({ ...raw }) },
      {
        to: 2,
        summary: 'rename gpuShare',
        up: ({ gpuShare, ...rest }) => ({ ...rest, gpuSharePct: gpuShare }),
      },
      { to: 3, summary: 'drop legacy', up: ({ legacy: _legacy, ...rest }) => rest },
    ];
    const out = migrateSettings({ gpuShare: 50, legacy: true }, steps, 3);
    expect(out).toEqual({
      kind: 'migrated',
      from: 0,
      to: 3,
      raw: { gpuSharePct: 50, schemaVersion: 3 },
      applied: ['v1: stamp', 'v2: rename gpuShare', 'v3: drop legacy'],
    });
    // A file already at v2 only takes the last step.
    expect(migrateSettings({ schemaVersion: 2, legacy: 1 }, steps, 3)).toMatchObject({
      kind: 'migrated',
      from: 2,
      raw: { schemaVersion: 3 },
    });
  });

  it('leaves current, fresh, newer and unreadable versions alone', () => {
    expect(migrateSettings({ schemaVersion: SETTINGS_VERSION, a: 1 }).kind).toBe('current');
    expect(migrateSettings({}).kind).toBe('current');
    expect(migrateSettings({ schemaVersion: SETTINGS_VERSION + 1 })).toMatchObject({
      kind: 'newer',
      version: SETTINGS_VERSION + 1,
    });
    expect(migrateSettings({ schemaVersion: 'one' }).kind).toBe('unversionable');
    expect(migrateSettings({ schemaVersion: 0, x: 1 }, [], 1).kind).toBe('unversionable');
  });

  it('v2 renames limits.pauseWhenUserActive to stopWhenUserActive, keeping its value and the other limits', () => {
    const v1 = { ...defaultSettings, schemaVersion: 1, limits: { ...limitsV1, pauseWhenUserActive: true } };
    const out = migrateSettings(v1);
    expect(out).toMatchObject({ kind: 'migrated', from: 1, to: 2 });
    expect(out.raw).toEqual({
      ...defaultSettings,
      limits: { ...defaultSettings.limits, stopWhenUserActive: true },
    });
    // A file without limits (defaults fill them in) passes through.
    expect(migrateSettings({ schemaVersion: 1, startOnLogin: true }).raw).toEqual({
      schemaVersion: 2,
      startOnLogin: true,
    });
  });

  it('does not mutate its input', () => {
    const raw = structuredClone(versionZeroFile) as Record<string, unknown>;
    migrateSettings(raw);
    expect(raw).toEqual(versionZeroFile);
  });
});

describe('settings migrations through the conf store', () => {
  it('upgrades an old-format file, keeps what the user set, saves it and keeps a backup', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'settings.json');
    const original = JSON.stringify(versionZeroFile);
    writeFileSync(file, original);

    const settings = open(t.dir).get();
    expect(settings.schemaVersion).toBe(SETTINGS_VERSION);
    expect(settings.startOnLogin).toBe(true);
    expect(settings.limits.maxConcurrentJobs).toBe(3);
    expect(settings.limits.stopWhenUserActive).toBe(true);
    expect(settings.limits).not.toHaveProperty('pauseWhenUserActive');
    expect(settings.ui.theme).toBe('dark');

    // Saved migrated, so the next start does not migrate again.
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(SETTINGS_VERSION);
    expect(readFileSync(`${file}.v0-backup`, 'utf8')).toBe(original);
    expect(readdirSync(t.dir).filter((f) => f.includes('.invalid-'))).toEqual([]);
    expect(open(t.dir).get()).toEqual(settings);
  });

  it('writes nothing for a file that is already current', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'settings.json');
    const current = JSON.stringify({ ...defaultSettings, startOnLogin: true });
    writeFileSync(file, current);
    expect(open(t.dir).get().startOnLogin).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(current);
    expect(readdirSync(t.dir).some((f) => f.includes('-backup'))).toBe(false);
  });

  it('keeps a copy of a file from a newer Flywheel and starts from defaults', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'settings.json');
    const newer = JSON.stringify({ ...defaultSettings, schemaVersion: SETTINGS_VERSION + 1, future: true });
    writeFileSync(file, newer);
    expect(open(t.dir).get()).toEqual(defaultSettings);
    const aside = readdirSync(t.dir).find((f) => f.startsWith('settings.json.invalid-'));
    expect(aside && readFileSync(join(t.dir, aside), 'utf8')).toBe(newer);
    expect(existsSync(file)).toBe(true);
  });
});
