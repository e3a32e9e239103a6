import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomicWrite';

const WEEK_MS = 7 * 24 * 3600_000;
const BEAT_MS = 60_000;

const fileSchema = z
  .object({
    v: z.literal(1),
    /** Spans the node was up while meant to provide, oldest first: [start, end] unix ms. */
    up: z.array(z.tuple([z.number(), z.number()])),
    /** Spans it was meant to provide but was not running (crash, kill, machine off). */
    down: z.array(z.tuple([z.number(), z.number()])),
    /** The last heartbeat of a span still open: a span still ending there at the next start was cut by a crash. */
    open: z.number().nullable(),
  })
  .strict();

type UptimeFile = z.infer<typeof fileSchema>;

/**
 * This machine's uptime record while it is meant to provide: a heartbeat each minute extends the current span; at
 * the next start, the gap since the last heartbeat (when the provider was on) counts as down time — the node was
 * away while the chain could still assign it jobs. Kept for a week in `<dataDir>/provider/uptime.json`.
 */
export class UptimeRecord {
  readonly #file: string;
  #data: UptimeFile;
  #current: [number, number] | null = null;
  #timer: NodeJS.Timeout | undefined;

  constructor(file: string, now = Date.now()) {
    this.#file = file;
    this.#data = { v: 1, up: [], down: [], open: null };
    if (existsSync(file)) {
      try {
        this.#data = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      } catch {
        // A damaged record only loses the history of a convenience figure: start a new one.
      }
    }
    this.#prune(now);
  }

  /** Providing started (at node start when the switch was on, or when it is turned on). */
  start(now = Date.now()): void {
    if (this.#current) return;
    const last = this.#data.up.at(-1);
    // The last span ended with a heartbeat, not a clean stop: the node died then, and was down until now.
    if (last && this.#data.open !== null && last[1] === this.#data.open && now > last[1])
      this.#data.down.push([last[1], now]);
    this.#current = [now, now];
    this.#data.up.push(this.#current);
    this.#data.open = now;
    this.#save();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => this.beat(), BEAT_MS);
    this.#timer.unref();
  }

  /** Providing stopped on purpose (the switch, a clean shutdown): not down time. */
  stop(now = Date.now()): void {
    clearInterval(this.#timer);
    if (!this.#current) return;
    this.#current[1] = now;
    this.#current = null;
    this.#data.open = null;
    this.#save();
  }

  beat(now = Date.now()): void {
    if (!this.#current) return;
    this.#current[1] = now;
    this.#data.open = now;
    this.#save();
  }

  /** Share of the last week the node was up while meant to provide (null: no record yet). */
  fraction(now = Date.now()): number | null {
    this.#prune(now);
    const sum = (spans: [number, number][]) => spans.reduce((s, [a, b]) => s + Math.max(0, b - a), 0);
    const up = sum(this.#data.up) + (this.#current ? now - this.#current[1] : 0);
    const down = sum(this.#data.down);
    return up + down > 0 ? up / (up + down) : null;
  }

  #prune(now: number): void {
    const after = now - WEEK_MS;
    this.#data.up = this.#data.up.filter(([, end]) => end >= after);
    this.#data.down = this.#data.down.filter(([, end]) => end >= after);
  }

  #save(): void {
    try {
      writeFileAtomic(this.#file, JSON.stringify(this.#data));
    } catch {
      // The record is advisory (estimates); a full disk must not stop the provider.
    }
  }
}
