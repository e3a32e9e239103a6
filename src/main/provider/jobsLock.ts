import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * One process takes jobs per data folder: two job loops on one journal, one wallet and one transaction queue would
 * race each other. The lock is a file holding the owner's pid (`<dataDir>/provider/jobs.lock`), created
 * exclusively; a lock whose process is gone (a crash, kill -9) is taken over.
 */
export class JobsLock {
  readonly #file: string;
  #held = false;

  constructor(file: string) {
    this.#file = file;
  }

  /** Takes the lock; returns null when taken, or the pid of the live process that holds it. */
  acquire(): number | null {
    mkdirSync(dirname(this.#file), { recursive: true });
    for (let tries = 0; tries < 3; tries++) {
      try {
        const fd = openSync(this.#file, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        this.#held = true;
        return null;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = this.owner();
      if (owner !== null && owner !== process.pid && alive(owner)) return owner;
      // Left by a process that is gone (or by this one before a restart with the same pid): take it over.
      rmSync(this.#file, { force: true });
    }
    return this.owner();
  }

  owner(): number | null {
    try {
      const pid = Number(readFileSync(this.#file, 'utf8').trim());
      return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    if (this.owner() === process.pid) rmSync(this.#file, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
