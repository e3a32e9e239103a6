import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogSink } from '../../../src/main/log';
import { hasBuiltInFeed, planUpdates, startAutoUpdate } from '../../../src/main/shell/updater';
import { tempDir } from '../../helpers/tmp';

describe('auto-update switch', () => {
  it('is off until a release feed exists', () => {
    expect(planUpdates({ isPackaged: true, env: {}, hasBuiltInFeed: false })).toEqual({
      enabled: false,
      reason: 'no release feed yet',
    });
  });

  it('follows a feed built into the package or given when the app runs', () => {
    expect(planUpdates({ isPackaged: true, env: {}, hasBuiltInFeed: true })).toEqual({ enabled: true });
    expect(
      planUpdates({
        isPackaged: true,
        env: { FLYWHEEL_UPDATE_URL: 'https://releases.example.org/flywheel/' },
        hasBuiltInFeed: false,
      }),
    ).toEqual({ enabled: true, feedUrl: 'https://releases.example.org/flywheel/' });
  });

  it('refuses a feed that is not https, development runs, and FLYWHEEL_UPDATES=off', () => {
    for (const url of ['http://releases.example.org/', 'file:///tmp/feed', 'not a url']) {
      expect(
        planUpdates({ isPackaged: true, env: { FLYWHEEL_UPDATE_URL: url }, hasBuiltInFeed: true }).enabled,
      ).toBe(false);
    }
    expect(planUpdates({ isPackaged: false, env: {}, hasBuiltInFeed: true }).enabled).toBe(false);
    expect(
      planUpdates({
        isPackaged: true,
        env: { FLYWHEEL_UPDATES: 'off', FLYWHEEL_UPDATE_URL: 'https://x.org/' },
        hasBuiltInFeed: true,
      }).enabled,
    ).toBe(false);
  });

  it('sees the app-update.yml electron-builder writes when the build had a feed', () => {
    const t = tempDir();
    expect(hasBuiltInFeed(t.dir)).toBe(false);
    expect(hasBuiltInFeed(undefined)).toBe(false);
    mkdirSync(t.dir, { recursive: true });
    writeFileSync(join(t.dir, 'app-update.yml'), 'provider: generic\nurl: https://x.org/\n');
    expect(hasBuiltInFeed(t.dir)).toBe(true);
    t.cleanup();
  });

  it('does not load electron-updater while off', async () => {
    const sink = new LogSink({ consoleLevel: 'silent' });
    const stop = await startAutoUpdate(
      { enabled: false, reason: 'no release feed yet' },
      sink.logger('updater'),
    );
    stop();
    expect(sink.recent(10).at(-1)).toMatchObject({ message: 'auto-update is off' });
  });
});
