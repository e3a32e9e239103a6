import type { Session } from 'electron';
import { originOf } from './origins';

/**
 * Web permissions the UI may have, and only on the app's own origins: writing to the clipboard ("copy address").
 * Everything else (camera, microphone, geolocation, notifications — the shell sends OS notifications itself —,
 * HID/USB/serial devices, reading the clipboard, opening external protocols) is refused.
 */
const GRANTED = new Set(['clipboard-sanitized-write']);

/** Whether `permission` asked by a page at `requestingUrl` is granted. */
export function isPermissionGranted(
  permission: string,
  requestingUrl: string,
  allowedOrigins: readonly string[],
): boolean {
  const origin = originOf(requestingUrl);
  return GRANTED.has(permission) && origin !== null && allowedOrigins.includes(origin);
}

/** Installs the permission policy on a session: requests, synchronous checks and device access. */
export function applyPermissionPolicy(
  session: Pick<
    Session,
    'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
  >,
  allowedOrigins: readonly string[],
): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(
      isPermissionGranted(permission, details.requestingUrl ?? contents?.getURL() ?? '', allowedOrigins),
    );
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionGranted(permission, requestingOrigin, allowedOrigins),
  );
  session.setDevicePermissionHandler(() => false);
}
