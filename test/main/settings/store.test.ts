import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogSink } from '../../../src/main/log';
import { confBackend, createSettingsStore } from '../../../src/main/settings/store';
import { defaultSettings } from '../../../src/shared/api/settings';
import { FlywheelError } from '../../../src/shared/errors';
import { tempDir } from '../../helpers/tmp';

const log = new LogSink({ consoleLevel: 'silent' }).logger('test');
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function open(dir: string) {
  return createSettingsStore(() => confBackend(dir), log, join(dir, 'settings.json'));
}

describe('settings store (conf, shared schema)', () => {
  it('starts from the defaults and persists a patch', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const store = open(t.dir);
    expect(store.get()).toEqual(defaultSettings);
    const saved = store.update({ limits: { maxConcurrentJobs: 4 }, ui: { theme: 'dark' } });
    expect(saved.limits.maxConcurrentJobs).toBe(4);
    expect(saved.limits.maxTemperatureC).toBe(defaultSettings.limits.maxTemperatureC);
    expect(open(t.dir).get().ui.theme).toBe('dark');
    expect(JSON.parse(readFileSync(join(t.dir, 'settings.json'), 'utf8')).limits.maxConcurrentJobs).toBe(4);
  });

  it('tells listeners about a change', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const store = open(t.dir);
    const seen: string[] = [];
    store.onChange((s) => seen.push(s.ui.theme));
    store.update({ ui: { theme: 'light' } });
    expect(seen).toEqual(['light']);
  });

  it('refuses a patch that breaks the schema and keeps what was saved', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const store = open(t.dir);
    const bad = { schedule: { enabled: true, days: [1], start: '25:00', end: '07:00' } };
    expect(() => store.update({ limits: bad })).toThrow(FlywheelError);
    expect(store.get()).toEqual(defaultSettings);
  });

  it('auto top-up: off by default, a file without it loads, a patch merges, on with a cap of 0 is refused', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    // Written before auto top-up existed: the default fills it in.
    const { autoTopUp: _, ...older } = defaultSettings;
    writeFileSync(join(t.dir, 'settings.json'), JSON.stringify(older));
    const store = open(t.dir);
    expect(store.get().autoTopUp).toEqual({ enabled: false, cap: '0' });
    let err: unknown;
    try {
      store.update({ autoTopUp: { enabled: true } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FlywheelError);
    expect((err as FlywheelError).issues).toEqual([
      { path: 'autoTopUp.cap', message: 'set a cap above 0 to turn auto top-up on' },
    ]);
    expect(() => store.update({ autoTopUp: { cap: '20 LITE' } })).toThrow(FlywheelError);
    store.update({ autoTopUp: { cap: '12.5' } });
    expect(store.update({ autoTopUp: { enabled: true } }).autoTopUp).toEqual({ enabled: true, cap: '12.5' });
    expect(open(t.dir).get().autoTopUp).toEqual({ enabled: true, cap: '12.5' });
  });

  it('moves a damaged file aside instead of deleting it', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    writeFileSync(join(t.dir, 'settings.json'), '{ this is not json');
    const store = open(t.dir);
    expect(store.get()).toEqual(defaultSettings);
    const aside = readdirSync(t.dir).filter((f) => f.startsWith('settings.json.broken-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(t.dir, aside[0]!), 'utf8')).toBe('{ this is not json');
  });

  it('keeps a copy of a file that parses but no longer fits the schema', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    writeFileSync(join(t.dir, 'settings.json'), JSON.stringify({ limits: { maxConcurrentJobs: 'many' } }));
    const store = open(t.dir);
    expect(store.get()).toEqual(defaultSettings);
    expect(readdirSync(t.dir).some((f) => f.startsWith('settings.json.invalid-'))).toBe(true);
    expect(existsSync(join(t.dir, 'settings.json'))).toBe(true);
  });
});
