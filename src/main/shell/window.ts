import type { BrowserWindowConstructorOptions, Shell, WebContents, WebPreferences } from 'electron';

/** The custom scheme the renderer is served from in the desktop app (never file://). */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://flywheel`;

/** The one place webPreferences are set. Every window Flywheel opens uses exactly these. */
export function hardenedWebPreferences(preloadPath: string): WebPreferences {
  return {
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
  };
}

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Flywheel',
    backgroundColor: '#0f1115',
    autoHideMenuBar: true,
    webPreferences: hardenedWebPreferences(preloadPath),
  };
}

/**
 * `scheme://host[:port]` of a URL. WHATWG URL gives "null" as the origin of non-special schemes such as app://,
 * so origins are compared this way instead.
 */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.host ? `${u.protocol}//${u.host}` : null;
  } catch {
    return null;
  }
}

/** Only http(s) links leave the app, and only to the system browser. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Navigation policy: the window never navigates away from the app, never opens a second window, never attaches a
 * webview; links go to the system browser. `allowedOrigins` are the app's own origins.
 */
export function applyNavigationPolicy(
  contents: WebContents,
  shell: Pick<Shell, 'openExternal'>,
  allowedOrigins: readonly string[],
): void {
  const isOwn = (url: string) => {
    const origin = originOf(url);
    return origin !== null && allowedOrigins.includes(origin);
  };
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isOwn(url)) return;
    event.preventDefault();
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isOwn(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
