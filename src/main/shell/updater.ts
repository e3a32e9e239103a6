import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';

export type UpdatePlan =
  | { enabled: false; reason: string }
  /** `feedUrl` set: use it (FLYWHEEL_UPDATE_URL); unset: the feed electron-builder wrote into app-update.yml. */
  | { enabled: true; feedUrl?: string };

export interface UpdateInputs {
  isPackaged: boolean;
  env: NodeJS.ProcessEnv;
  /** Whether the packaged resources hold app-update.yml (written only when the build had a release feed). */
  hasBuiltInFeed: boolean;
}

/**
 * Whether the app looks for updates, and where. Off unless there is a release feed: either the build had one
 * (`FLYWHEEL_UPDATE_URL` set at `npm run dist` time makes electron-builder write app-update.yml), or
 * FLYWHEEL_UPDATE_URL is set when the app runs (an https URL of a folder holding latest*.yml and the installers).
 * `FLYWHEEL_UPDATES=off` turns it off either way. Never in a development run.
 */
export function planUpdates({ isPackaged, env, hasBuiltInFeed }: UpdateInputs): UpdatePlan {
  if (!isPackaged) return { enabled: false, reason: 'not a packaged build' };
  if (env.FLYWHEEL_UPDATES === 'off') return { enabled: false, reason: 'FLYWHEEL_UPDATES=off' };
  const url = env.FLYWHEEL_UPDATE_URL;
  if (url) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      // handled below
    }
    if (parsed?.protocol !== 'https:') {
      return { enabled: false, reason: 'FLYWHEEL_UPDATE_URL must be an https:// URL' };
    }
    return { enabled: true, feedUrl: parsed.href };
  }
  if (hasBuiltInFeed) return { enabled: true };
  return { enabled: false, reason: 'no release feed yet' };
}

export function hasBuiltInFeed(resourcesPath: string | undefined): boolean {
  return !!resourcesPath && existsSync(join(resourcesPath, 'app-update.yml'));
}

const SIX_HOURS = 6 * 60 * 60 * 1000;

/**
 * Starts electron-updater when the plan says so: checks now and every six hours, downloads in the background and
 * installs on quit. electron-updater checks the sha512 of what it downloads against the feed, and on Windows the
 * publisher's signature. It is imported only here, so a build without a feed never loads it.
 */
export async function startAutoUpdate(plan: UpdatePlan, log: Logger): Promise<() => void> {
  if (!plan.enabled) {
    log.info('auto-update is off', { reason: plan.reason });
    return () => undefined;
  }
  const { autoUpdater } = await import('electron-updater');
  autoUpdater.logger = {
    info: (message?: unknown) => log.info('updater', { message: String(message) }),
    warn: (message?: unknown) => log.warn('updater', { message: String(message) }),
    error: (message?: unknown) => log.error('updater', { message: String(message) }),
    debug: () => undefined,
  };
  if (plan.feedUrl) autoUpdater.setFeedURL({ provider: 'generic', url: plan.feedUrl });
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  const check = () =>
    autoUpdater.checkForUpdatesAndNotify().catch((err: Error) => {
      log.warn('update check failed', { error: err.message });
    });
  void check();
  const timer = setInterval(() => void check(), SIX_HOURS);
  log.info('auto-update is on', { feed: plan.feedUrl ?? 'app-update.yml' });
  return () => clearInterval(timer);
}
