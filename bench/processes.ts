/**
 * The processes a benchmark run starts, found by a mark in their environment. Every process started from the run
 * inherits it — anvil, which runs detached in its own process group, a headless shell's devnet, Chromium — even
 * once its parent is gone, so none can outlive the run unseen. Linux only: it reads /proc.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const MARK = 'FLYWHEEL_BENCH_RUN';

export interface Marked {
  pid: number;
  command: string;
}

/** Whether this platform lets the run find its processes (it has /proc). */
export const canTrack = existsSync('/proc/self/environ');

/** Marks this process's environment, so that every process started from now on carries the mark. */
export function markRun(): string {
  const id = randomUUID();
  process.env[MARK] = id;
  return id;
}

/** The live processes carrying this run's mark, other than this one. */
export function markedProcesses(id: string): Marked[] {
  if (!canTrack) return [];
  const entry = `${MARK}=${id}`;
  const found: Marked[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(entry)) continue;
      // A zombie (exited, not yet reaped by its parent) runs nothing.
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'latin1'))) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
      found.push({ pid, command });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** Waits until none of this run's processes is alive, or the time is up; returns those still alive. */
export async function waitForNone(id: string, ms: number): Promise<Marked[]> {
  const end = Date.now() + ms;
  for (;;) {
    const alive = markedProcesses(id);
    if (!alive.length || Date.now() >= end) return alive;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Stops every process of this run: SIGTERM (a shell then stops its own devnet; anvil exits on it), then SIGKILL
 * for any still alive after `graceMs`. Returns those that had to be killed.
 */
export async function stopMarked(id: string, graceMs = 10_000): Promise<Marked[]> {
  const asked = new Set<number>();
  const signal = (ps: Marked[], s: NodeJS.Signals) => {
    for (const p of ps) {
      if (s === 'SIGTERM' && asked.has(p.pid)) continue;
      asked.add(p.pid);
      try {
        process.kill(p.pid, s);
      } catch {
        // already gone
      }
    }
  };
  const end = Date.now() + graceMs;
  let alive = markedProcesses(id);
  while (alive.length && Date.now() < end) {
    // Asked once each; one started meanwhile (a shell was just starting its chain) is asked when it shows up.
    signal(alive, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    alive = markedProcesses(id);
  }
  signal(alive, 'SIGKILL');
  return alive;
}
