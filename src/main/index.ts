/**
 * The Electron entry: the desktop shell around the provider node. The only module (with shell/) that imports
 * electron; everything it runs lives in the node, which the headless shell runs the same way.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, shell } from 'electron';
import Store from 'electron-store';
import { createNode, type FlywheelNode } from './node';
import { defaultDataDir, rendererDir } from './paths';
import { forwardEvents, registerApiHandlers, trustedOriginCheck } from './shell/ipc';
import { serveAppRequest } from './shell/protocol';
import { APP_ORIGIN, APP_SCHEME, applyNavigationPolicy, mainWindowOptions, originOf } from './shell/window';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.enableSandbox();
// The same data folder as the headless node, whatever Electron would pick by itself.
app.setPath('userData', defaultDataDir());

const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const allowedOrigins = [APP_ORIGIN, ...(devServerUrl ? [originOf(devServerUrl) ?? ''] : [])];
let mainWindow: BrowserWindow | null = null;
let node: FlywheelNode | null = null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(join(import.meta.dirname, '../preload/index.cjs')));
  applyNavigationPolicy(win.webContents, shell, allowedOrigins);
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    mainWindow = null;
  });
  void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  app.whenReady().then(async () => {
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir(), request.url));
    node = await createNode({
      dataDir: app.getPath('userData'),
      shell: 'electron',
      settingsBackend: () => new Store<Record<string, unknown>>({ name: 'settings' }),
    });
    registerApiHandlers(ipcMain, node, trustedOriginCheck(allowedOrigins));
    forwardEvents(node, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
    mainWindow = createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('before-quit', () => {
    void node?.close();
  });
}
