import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeStaleTemps, writeFileAtomic } from '../fs/atomicWrite';

/**
 * The headless shell's API token, kept in the data folder (`api-token`, mode 0600) so that a restart keeps the URL
 * and the open tabs working. It changes only when the user rotates it (`flywheel token rotate`, the button in
 * Settings, `--new-token`); a running shell notices a rotation made by another process within a second.
 */
export const TOKEN_FILE = 'api-token';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function tokenPath(dataDir: string): string {
  return join(dataDir, TOKEN_FILE);
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The token in the file, or null when there is none to trust: no file, not a regular file, not 32 random bytes,
 * or readable by other users (a token others could read is no secret: it is replaced, not used).
 */
export function readTokenFile(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > 256) return null;
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) return null;
    const token = readFileSync(fd, 'utf8').trim();
    return TOKEN_PATTERN.test(token) ? token : null;
  } finally {
    closeSync(fd);
  }
}

/** Writes a new token (atomically, 0600) and returns it: every tab and socket with the old one is cut off. */
export function rotateToken(dataDir: string): string {
  const token = newToken();
  writeFileAtomic(tokenPath(dataDir), `${token}\n`, { mode: 0o600 });
  return token;
}

/**
 * The token kept in the data folder, made (and kept) on first use. `made`: `first` when there was no file,
 * `replaced` when the file was not one to trust (readable by others, damaged), null when the kept one is used.
 */
export function loadOrCreateToken(dataDir: string): { token: string; made: 'first' | 'replaced' | null } {
  const path = tokenPath(dataDir);
  removeStaleTemps(path);
  const kept = readTokenFile(path);
  if (kept !== null) return { token: kept, made: null };
  const existed = existsSync(path);
  return { token: rotateToken(dataDir), made: existed ? 'replaced' : 'first' };
}
