import { BrowserWindow } from 'electron';
import type { RestoredWindow } from './windowState';

/** The main window's default and minimum size (window state restore clamps to these). */
export const MAIN_WINDOW_SIZING = { width: 1280, height: 820, minWidth: 960, minHeight: 640 } as const;

/**
 * Opens the main window: the one place a BrowserWindow is created and webPreferences are set. Sandboxed,
 * context-isolated, no Node in the page or its workers and frames, no <webview>, web security on, no insecure
 * content, no experimental features, no middle-click new windows. The options are written out literally (not
 * built by a helper) so that Electronegativity, which reads the source, can see every one of them.
 */
export function createMainWindow(preloadPath: string, bounds: RestoredWindow['bounds']): BrowserWindow {
  return new BrowserWindow({
    ...bounds,
    minWidth: MAIN_WINDOW_SIZING.minWidth,
    minHeight: MAIN_WINDOW_SIZING.minHeight,
    show: false,
    title: 'Flywheel',
    backgroundColor: '#0f1115',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
}
