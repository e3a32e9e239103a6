import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogEntry } from '#shared/api';

export type LogLevel = LogEntry['level'];
const levels: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export interface LogSinkOptions {
  /** JSON lines appended here (the data folder's log), when set. */
  file?: string;
  /** Lowest level printed to stderr. */
  consoleLevel?: LogLevel | 'silent';
  /** Entries kept in memory for `node.logs`. */
  keep?: number;
}

/**
 * Structured logs: kept in a ring for the UI, appended to a file as JSON lines, printed to stderr.
 * Callers pass fields, never secrets: nothing here redacts for them.
 */
export class LogSink {
  readonly #ring: LogEntry[] = [];
  readonly #keep: number;
  readonly #file: string | undefined;
  readonly #consoleLevel: number;
  readonly #listeners = new Set<(entry: LogEntry) => void>();

  constructor(options: LogSinkOptions = {}) {
    this.#keep = options.keep ?? 500;
    this.#file = options.file;
    const consoleLevel = options.consoleLevel ?? 'info';
    this.#consoleLevel = consoleLevel === 'silent' ? Infinity : levels[consoleLevel];
    if (this.#file) mkdirSync(dirname(this.#file), { recursive: true });
  }

  logger(scope: string): Logger {
    const write = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) =>
      this.write(level, scope, message, fields);
    return {
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      child: (sub) => this.logger(`${scope}.${sub}`),
    };
  }

  write(level: LogLevel, scope: string, message: string, fields?: Record<string, unknown>): void {
    const entry: LogEntry = { t: Date.now(), level, scope, message };
    this.#ring.push(entry);
    if (this.#ring.length > this.#keep) this.#ring.shift();
    if (this.#file) {
      try {
        appendFileSync(this.#file, JSON.stringify({ ...entry, ...fields }) + '\n');
      } catch {
        // The log file is a convenience; a full disk must not take the node down. stderr still has it.
      }
    }
    if (levels[level] >= this.#consoleLevel) {
      const extra = fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields) : '';
      process.stderr.write(`[${level}] ${scope}: ${message}${extra}\n`);
    }
    if (levels[level] >= levels.info) for (const listener of this.#listeners) listener(entry);
  }

  recent(limit: number): LogEntry[] {
    return this.#ring.slice(-limit);
  }

  onEntry(listener: (entry: LogEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
