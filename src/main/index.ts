/**
 * The Electron entry: the desktop shell around the provider node. The only module (with shell/) that imports
 * electron; everything it runs lives in the node, which the headless shell runs the same way. Each piece of the
 * shell is a small module in shell/ with its decisions in pure functions (tested with electron mocked); this file
 * only wires them to Electron.
 */
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron';
import { createNode, type FlywheelNode } from './node';
import { defaultDataDir, packagedAnvilPath, rendererDir, resourcesDir } from './paths';
import { utilityProcessHostFactory } from './shell/engineHost';
import { startIdleStop } from './shell/idleStop';
import { forwardEvents, registerApiHandlers, removeForeignListeners, trustedOriginCheck } from './shell/ipc';
import { createSafeStorageProtector } from './shell/keyProtector';
import { defaultLoginItemTarget, startedHidden, syncLoginItem } from './shell/loginItem';
import { applyNavigationPolicy } from './shell/navigation';
import { callNode } from './shell/nodeCall';
import { forwardNotifications } from './shell/notifications';
import { APP_ORIGIN, APP_SCHEME, originOf } from './shell/origins';
import { applyPermissionPolicy } from './shell/permissions';
import { serveAppRequest } from './shell/protocol';
import { fromEnvelope, NOT_KNOWN_YET, watchProvider, type ProviderWatch } from './shell/providerWatch';
import { electronStoreBackend } from './shell/settingsBackend';
import { watchSleep } from './shell/sleep';
import { createTray, type ShellTray } from './shell/tray';
import type { TrayView } from './shell/trayMenu';
import { hasBuiltInFeed, planUpdates, startAutoUpdate } from './shell/updater';
import { createMainWindow, MAIN_WINDOW_SIZING } from './shell/window';
import { loadWindowState, restoreWindowState, saveWindowState, trackWindowState } from './shell/windowState';

/** Must match `appId` in scripts/packaging/electron-builder.config.mjs: Windows files notifications under it. */
const APP_ID = 'org.flywheel.desktop';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.enableSandbox();
// The same data folder as the headless node, whatever Electron would pick by itself.
app.setPath('userData', defaultDataDir());
app.setAppUserModelId(APP_ID);
// The packaged app carries anvil next to app.asar (an explicit FLYWHEEL_ANVIL still wins).
if (app.isPackaged) process.env.FLYWHEEL_ANVIL ??= packagedAnvilPath(process.resourcesPath);

const dataDir = app.getPath('userData');
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const allowedOrigins = [APP_ORIGIN, ...(devServerUrl ? [originOf(devServerUrl) ?? ''] : [])];
let mainWindow: BrowserWindow | null = null;
let node: FlywheelNode | null = null;
let tray: ShellTray | null = null;
let provider: ProviderWatch | null = null;
let stoppedForActivity = false;
/** Shows the window started hidden, the first time it is opened. */
let revealHidden: (() => void) | null = null;
const stops: (() => void)[] = [];

// Every webContents, whoever creates it: no navigation away from the app, no new windows, no <webview>.
app.on('web-contents-created', (_event, contents) => applyNavigationPolicy(contents, shell, allowedOrigins));

/** The displays' work areas now, the primary one first (window state restore falls back to it). */
function workAreas() {
  const primary = screen.getPrimaryDisplay();
  return [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
}

function createWindow(show: boolean): BrowserWindow {
  const restored = restoreWindowState(loadWindowState(dataDir), workAreas(), MAIN_WINDOW_SIZING);
  const win = createMainWindow(join(import.meta.dirname, '../preload/index.cjs'), restored.bounds);
  trackWindowState(win, (state) => saveWindowState(dataDir, state));
  // maximize() also shows a window, so a window kept hidden (started at login) is maximized when first shown.
  const reveal = () => {
    if (restored.maximized) win.maximize();
    win.show();
  };
  if (show) win.once('ready-to-show', reveal);
  else revealHidden = reveal;
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
    revealHidden = null;
  });
  void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

function showWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = createWindow(true);
    return;
  }
  if (revealHidden) {
    revealHidden();
    revealHidden = null;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function trayView(): TrayView {
  return { ...(provider?.current() ?? NOT_KNOWN_YET), stoppedForActivity };
}

/** provider.start / provider.stop from the tray or the idle check; the answer carries the new state. */
async function switchProvider(on: boolean): Promise<boolean> {
  if (!node || !provider) return false;
  const answer = await callNode(node, on ? 'provider.start' : 'provider.stop', {});
  if (!answer.ok) {
    node.log.warn(`could not ${on ? 'start' : 'stop'} providing`, { error: answer.error.shortMessage });
    void provider.refresh();
    return false;
  }
  provider.set(fromEnvelope(answer));
  return true;
}

function startShell(n: FlywheelNode, hidden: boolean): void {
  const log = n.log.child('shell');

  provider = watchProvider(n, () => tray?.render(trayView()));
  stops.push(() => provider?.stop());
  try {
    tray = createTray(
      join(resourcesDir(), 'tray'),
      {
        stop: () => void switchProvider(false),
        provide: () => void switchProvider(true),
        open: showWindow,
        quit: () => app.quit(),
      },
      trayView(),
    );
  } catch (err) {
    // Some Linux desktops have no tray; the app then behaves like a plain windowed app.
    log.warn('no tray icon on this desktop', { error: (err as Error).message });
  }

  stops.push(
    forwardNotifications(n.events, (os) => {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title: os.title, body: os.body, urgency: os.urgency });
      notification.on('click', showWindow);
      notification.show();
    }),
  );

  // Start on login: only an installed app registers itself (a development run would register bare Electron).
  const syncLogin = (openAtLogin: boolean) => {
    if (!app.isPackaged) return;
    try {
      if (syncLoginItem(app, openAtLogin, defaultLoginItemTarget()))
        log.info('start on login', { openAtLogin });
    } catch (err) {
      log.warn('could not change start on login', { error: (err as Error).message });
    }
  };
  syncLogin(n.settings.get().startOnLogin);
  stops.push(n.settings.onChange((s) => syncLogin(s.startOnLogin)));

  const idle = startIdleStop({
    idleSeconds: () => powerMonitor.getSystemIdleTime(),
    limits: () => n.settings.get().limits,
    provider: () => provider?.current() ?? NOT_KNOWN_YET,
    stop: () => switchProvider(false),
    provide: () => switchProvider(true),
    onStoppedForActivity: (stopped) => {
      stoppedForActivity = stopped;
      log.info(stopped ? 'stopped providing: the user is active' : 'providing again: the user is away');
      tray?.render(trayView());
    },
  });
  stops.push(idle.stop);

  // OS sleep pauses on-chain like an orderly stop, waking resumes; an OS shutdown quits in order.
  stops.push(watchSleep(powerMonitor, n.onchain.provider, { log, quit: () => app.quit() }));

  const updatePlan = planUpdates({
    isPackaged: app.isPackaged,
    env: process.env,
    hasBuiltInFeed: hasBuiltInFeed(process.resourcesPath),
  });
  void startAutoUpdate(updatePlan, n.log.child('updater')).then((stop) => stops.push(stop));

  // Started at login: stay in the tray. Without a tray there would be no way back to the window.
  mainWindow = createWindow(!(hidden && tray));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', showWindow);

  app.whenReady().then(async () => {
    applyPermissionPolicy(session.defaultSession, allowedOrigins);
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir(), request.url));
    node = await createNode({
      dataDir,
      shell: 'electron',
      settingsBackend: () => electronStoreBackend(dataDir),
      keyProtector: createSafeStorageProtector(safeStorage),
      // A crashing job (onnxruntime, a GPU driver) ends its own process, never the window or the node.
      workerHost: utilityProcessHostFactory(),
    });
    registerApiHandlers(ipcMain, node, trustedOriginCheck(allowedOrigins));
    forwardEvents(node, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
    const closed = removeForeignListeners(ipcMain);
    if (closed.length) node.log.info('closed IPC listeners the bridge does not own', { channels: closed });
    startShell(node, startedHidden(process.argv, app.getLoginItemSettings().wasOpenedAtLogin));
    app.on('activate', showWindow);
  });

  // With a tray the app keeps providing after its window closes; quitting is the tray's (or the menu's) job.
  app.on('window-all-closed', () => {
    if (!tray && process.platform !== 'darwin') app.quit();
  });

  // The node finishes its work (journal, running jobs, child processes) before the app exits.
  let shutdown: Promise<void> | null = null;
  let shutDown = false;
  app.on('before-quit', (event) => {
    if (shutDown || !node) return;
    event.preventDefault();
    shutdown ??= (async () => {
      for (const stop of stops.splice(0)) stop();
      tray?.destroy();
      tray = null;
      await Promise.race([node.close(), new Promise((r) => setTimeout(r, 10_000))]);
    })()
      .catch((err: Error) => node?.log.error('shutdown failed', { error: err.message }))
      .finally(() => {
        shutDown = true;
        app.quit();
      });
  });
}
