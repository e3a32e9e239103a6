import { join } from 'node:path';
import type { Address } from 'viem';
import { AppendLog, parseWith } from '../../fs/appendLog';
import type { Logger } from '../../log';
import { isFinal, txRecordSchema, type TxRecord } from './record';

/**
 * The manager's persisted queue for one account on one chain: `<dataDir>/tx/<chainId>-<address>.jsonl`, a JSON
 * line per change, fsync'd before the manager acts (a signed transaction is written down before it is
 * broadcast). At open the last line of each key wins; the file is compacted when it has grown or holds expired
 * records, keeping pending records and final ones younger than `keepFinalMs` (they answer re-submissions of the
 * same key).
 */
export class TxStore {
  readonly #file: AppendLog<TxRecord>;
  readonly #records = new Map<string, TxRecord>();
  #lines: number;

  private constructor(file: AppendLog<TxRecord>, records: TxRecord[]) {
    this.#file = file;
    for (const r of records) this.#records.set(r.key, r);
    this.#lines = records.length;
  }

  static path(dataDir: string, chainId: number, address: Address): string {
    return join(dataDir, 'tx', `${chainId}-${address.toLowerCase()}.jsonl`);
  }

  static open(path: string, options: { log: Logger; keepFinalMs?: number; now?: number }): TxStore {
    const { log: file, records } = AppendLog.open(path, {
      parse: parseWith(txRecordSchema),
      log: options.log,
    });
    const store = new TxStore(file, records);
    const keepAfter = (options.now ?? Date.now()) - (options.keepFinalMs ?? 30 * 24 * 3600 * 1000);
    const expired = store.all().some((r) => isFinal(r.state) && r.updatedAt < keepAfter);
    if (expired || store.#lines > 2 * store.#records.size + 100) store.compact(keepAfter);
    return store;
  }

  get(key: string): TxRecord | undefined {
    return this.#records.get(key);
  }

  all(): TxRecord[] {
    return [...this.#records.values()];
  }

  pending(): TxRecord[] {
    return this.all()
      .filter((r) => r.state === 'pending')
      .sort((a, b) => (a.nonce ?? 0) - (b.nonce ?? 0));
  }

  /** Writes a record's new state durably (returns after fsync). */
  write(record: TxRecord): void {
    this.#file.append(record);
    this.#records.set(record.key, record);
    this.#lines++;
  }

  /** Keeps pending records and final ones updated after `keepAfter` (unix ms); rewrites the file atomically. */
  compact(keepAfter: number): void {
    for (const [key, r] of this.#records)
      if (isFinal(r.state) && r.updatedAt < keepAfter) this.#records.delete(key);
    this.#file.rewrite(this.all());
    this.#lines = this.#records.size;
  }

  close(): void {
    this.#file.close();
  }
}
