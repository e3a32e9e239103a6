import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A temporary name next to `path` (same folder, so the rename stays on one file system). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Removes temporary files that a crash left next to `path` (a write cut short before its rename). Only one node
 * owns a data folder, so any such file is a leftover. Returns how many were removed.
 */
export function removeStaleTemps(path: string): number {
  const prefix = `.${basename(path)}.`;
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return 0;
  }
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) {
      rmSync(join(dirname(path), name), { force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * Flushes a folder's entries (a rename or a new file) to disk. Windows cannot open folders for this; there the
 * rename is as durable as the OS makes it.
 */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EISDIR / EPERM on platforms that cannot fsync a folder: nothing more to do there.
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `path` with `data` so that a crash leaves either the old file or the new one, never a mix: write a
 * temporary file in the same folder, fsync it, rename it over, fsync the folder. The file gets `mode` (0600 by
 * default: these are the node's own records and keys).
 */
export function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): void {
  const mode = options.mode ?? 0o600;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = tempPathFor(path);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(tmp, 'wx', mode);
  try {
    // The umask may have cleared bits of `mode` at creation; set it exactly.
    fchmodSync(fd, mode);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(dir);
}
