import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../fs/atomicWrite';

/**
 * The Provide/Stop switch as the user left it, kept across restarts (`<dataDir>/provider/switch.json`): a node
 * that was providing when it crashed or was restarted goes on providing.
 */
export class ProviderSwitch {
  readonly #file: string;
  #on: boolean;

  constructor(file: string) {
    this.#file = file;
    let on = false;
    if (existsSync(file)) {
      try {
        on = (JSON.parse(readFileSync(file, 'utf8')) as { on?: unknown }).on === true;
      } catch {
        // A damaged file means "not told to provide": the safe reading.
      }
    }
    this.#on = on;
  }

  get on(): boolean {
    return this.#on;
  }

  set(on: boolean): void {
    if (on === this.#on) return;
    writeFileAtomic(this.#file, JSON.stringify({ on }));
    this.#on = on;
  }
}
