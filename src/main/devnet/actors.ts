/**
 * The devnet's accounts as senders: each gets its own transaction manager (nonces, receipts, idempotency keys),
 * with its queue under `devnet/actors/` (or `devnet/cli/` for the CLI, another process).
 */
import type { PublicClient } from 'viem';
import type { ActionClient } from '../chain/actions/send';
import { TxManager } from '../chain/tx/manager';
import type { Logger } from '../log';
import { devnetAccount, type DevnetRole } from './accounts';

export class DevnetActors {
  readonly #clients = new Map<DevnetRole, Promise<ActionClient>>();

  constructor(
    readonly publicClient: PublicClient,
    readonly chainId: number,
    readonly dir: string,
    readonly log: Logger,
  ) {}

  /** The role's sender, opened on first use. */
  get(role: DevnetRole): Promise<ActionClient> {
    let client = this.#clients.get(role);
    if (!client) {
      client = TxManager.open({
        client: this.publicClient,
        account: devnetAccount(role),
        dataDir: this.dir,
        chainId: this.chainId,
        log: this.log.child(role),
        pollingIntervalMs: 20,
        bumpAfterMs: 15_000,
      }).then((tx) => ({ publicClient: this.publicClient, tx }));
      // A failed open is not kept: the next call tries again.
      client.catch(() => this.#clients.delete(role));
      this.#clients.set(role, client);
    }
    return client;
  }

  async close(): Promise<void> {
    const all = [...this.#clients.values()];
    this.#clients.clear();
    for (const c of all) {
      try {
        await (await c).tx.close();
      } catch {
        // never opened: nothing to close
      }
    }
  }
}
