import { describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN } from '../../../src/main/shell/origins';
import { applyPermissionPolicy, isPermissionGranted } from '../../../src/main/shell/permissions';

describe('web permissions', () => {
  it('grants clipboard writes to the app itself and nothing else', () => {
    expect(isPermissionGranted('clipboard-sanitized-write', `${APP_ORIGIN}/index.html`, [APP_ORIGIN])).toBe(
      true,
    );
    expect(isPermissionGranted('clipboard-sanitized-write', 'https://evil.example/', [APP_ORIGIN])).toBe(
      false,
    );
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'hid',
      'unknown',
    ]) {
      expect(isPermissionGranted(p, `${APP_ORIGIN}/`, [APP_ORIGIN])).toBe(false);
    }
    expect(isPermissionGranted('clipboard-sanitized-write', '', [APP_ORIGIN])).toBe(false);
  });

  it('installs request, check and device handlers on the session', () => {
    const session = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
    };
    applyPermissionPolicy(session as never, [APP_ORIGIN]);

    const request = session.setPermissionRequestHandler.mock.calls[0]![0];
    const answers: boolean[] = [];
    const contents = { getURL: () => `${APP_ORIGIN}/` };
    request(contents, 'media', (ok: boolean) => answers.push(ok), { requestingUrl: `${APP_ORIGIN}/` });
    request(contents, 'clipboard-sanitized-write', (ok: boolean) => answers.push(ok), {
      requestingUrl: `${APP_ORIGIN}/`,
    });
    request(contents, 'clipboard-sanitized-write', (ok: boolean) => answers.push(ok), {
      requestingUrl: 'https://evil.example/',
    });
    expect(answers).toEqual([false, true, false]);

    const check = session.setPermissionCheckHandler.mock.calls[0]![0];
    expect(check(null, 'geolocation', APP_ORIGIN)).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', APP_ORIGIN)).toBe(true);
    expect(session.setDevicePermissionHandler.mock.calls[0]![0]()).toBe(false);
  });
});
