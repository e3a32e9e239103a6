import {
  closeSync,
  existsSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';
import type { Logger } from '../log';
import { fsyncDir, removeStaleTemps, writeFileAtomic } from './atomicWrite';

export interface AppendLogOpened<T> {
  log: AppendLog<T>;
  /** Every record that was on disk, oldest first (torn or unreadable lines left out). */
  records: T[];
}

/** The `parse` of a log whose records a schema describes: the record as the schema reads it, or undefined. */
export function parseWith<T>(schema: z.ZodType<T>): (value: unknown) => T | undefined {
  return (value) => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  };
}

export interface AppendLogOptions<T> {
  /** Turns a parsed JSON line into a record, or undefined when it is not one (it is then skipped and logged). */
  parse: (value: unknown) => T | undefined;
  log: Logger;
}

/**
 * A file of JSON lines that only grows, each append fsync'd before it returns: once `append` returns, a crash or
 * `kill -9` cannot lose that record. A line cut short by a crash (the last one, never acknowledged) is cut off at
 * open with a log line, so later appends start on a clean line. `rewrite` replaces the whole file atomically
 * (compaction).
 */
export class AppendLog<T> {
  #fd: number;
  readonly path: string;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
  }

  static open<T>(path: string, options: AppendLogOptions<T>): AppendLogOpened<T> {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const stale = removeStaleTemps(path);
    if (stale > 0)
      options.log.warn('removed files left by a rewrite cut short', { file: path, count: stale });
    const created = !existsSync(path);
    const fd = openSync(path, 'a+', 0o600);
    if (created) {
      fchmodSync(fd, 0o600);
      fsyncDir(dirname(path));
    }
    const records: T[] = [];
    const text = readFileSync(path, 'utf8');
    let pos = 0;
    let lineNo = 0;
    while (pos < text.length) {
      const nl = text.indexOf('\n', pos);
      const line = nl === -1 ? text.slice(pos) : text.slice(pos, nl);
      lineNo++;
      const record = line.trim() === '' ? undefined : parseLine(line, options.parse);
      if (nl === -1) {
        // The last line has no newline: an append cut short. Complete records are kept; anything else was never
        // acknowledged to its writer, so it is dropped.
        if (record !== undefined) {
          records.push(record);
          writeAll(fd, '\n');
          fsyncSync(fd);
        } else {
          options.log.warn('dropped a torn last line (an append cut short by a crash)', {
            file: path,
            line: lineNo,
            bytes: Buffer.byteLength(line),
          });
          ftruncateSync(fd, Buffer.byteLength(text.slice(0, pos)));
          fsyncSync(fd);
        }
        break;
      }
      if (record !== undefined) records.push(record);
      else if (line.trim() !== '') {
        options.log.warn('skipped an unreadable line', { file: path, line: lineNo });
      }
      pos = nl + 1;
    }
    return { log: new AppendLog<T>(path, fd), records };
  }

  /** Appends one record and fsyncs it: durable when this returns. */
  append(record: T): void {
    writeAll(this.#fd, JSON.stringify(record) + '\n');
    fsyncSync(this.#fd);
  }

  /** Replaces the file with exactly these records, atomically (a crash leaves the old file or the new one). */
  rewrite(records: readonly T[]): void {
    const text = records.map((r) => JSON.stringify(r) + '\n').join('');
    writeFileAtomic(this.path, text);
    closeSync(this.#fd);
    this.#fd = openSync(this.path, 'a+', 0o600);
  }

  /** Bytes on disk (to decide when to compact). */
  size(): number {
    return fstatSync(this.#fd).size;
  }

  close(): void {
    if (this.#fd < 0) return;
    closeSync(this.#fd);
    this.#fd = -1;
  }
}

function parseLine<T>(line: string, parse: (value: unknown) => T | undefined): T | undefined {
  try {
    return parse(JSON.parse(line));
  } catch {
    return undefined;
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}
