import type { Shell, WebContents } from 'electron';
import { isSafeExternalUrl, originOf } from './origins';

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
