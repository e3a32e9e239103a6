import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Address, Hex, PublicClient } from 'viem';
import { dumpSnapshot, loadSnapshot, verifyForkSnapshot, type StakeSnapshot } from '../chain/forkSnapshot';
import { writeFileAtomic } from '../fs/atomicWrite';
import type { Logger } from '../log';

/**
 * Fork stake snapshots as this node knows them: rebuilt from the parent's chain data (anyone can, see
 * forkSnapshot.ts), checked against the fork's on-chain root, and kept in `<dir>/<fork>.json` so the next start
 * does not read the parent's history again. A fork whose root does not match what the parent's bonds give is
 * remembered as such: no allocation is offered from it.
 */
export class SnapshotStore {
  readonly #dir: string;
  readonly #log: Logger;
  readonly #cache = new Map<string, Promise<StakeSnapshot | null>>();

  constructor(dir: string, log: Logger) {
    this.#dir = dir;
    this.#log = log;
  }

  /** The snapshot of `fork` whose root is `root`, or null when it cannot be rebuilt to that root. */
  get(client: PublicClient, fork: Address, root: Hex): Promise<StakeSnapshot | null> {
    const key = `${fork.toLowerCase()}:${root}`;
    let found = this.#cache.get(key);
    if (!found) {
      found = this.#load(client, fork, root);
      // A failed read (RPC down) is tried again next time rather than remembered.
      found.catch(() => this.#cache.delete(key));
      this.#cache.set(key, found);
    }
    return found;
  }

  async #load(client: PublicClient, fork: Address, root: Hex): Promise<StakeSnapshot | null> {
    const file = join(this.#dir, `${fork.toLowerCase()}.json`);
    if (existsSync(file)) {
      try {
        const data = JSON.parse(readFileSync(file, 'utf8')) as { mismatch?: Hex } & Parameters<
          typeof loadSnapshot
        >[0];
        if (data.mismatch === root) return null;
        const snapshot = loadSnapshot(data);
        if (snapshot.root === root) return snapshot;
      } catch (err) {
        this.#log.warn('a stored fork snapshot could not be read; rebuilding it', {
          fork,
          error: (err as Error).message,
        });
      }
    }
    const { matches, snapshot } = await verifyForkSnapshot(client, fork);
    if (!matches || !snapshot) {
      this.#log.warn(
        'a fork’s allocation root is not its parent’s bonds at the snapshot block; no claim offered',
        {
          fork,
          root,
        },
      );
      writeFileAtomic(file, JSON.stringify({ mismatch: root }));
      return null;
    }
    writeFileAtomic(file, JSON.stringify(dumpSnapshot(snapshot)));
    return snapshot;
  }
}
