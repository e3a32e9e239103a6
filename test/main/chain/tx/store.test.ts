import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { TxRecord } from '../../../../src/main/chain/tx/record';
import { TxStore } from '../../../../src/main/chain/tx/store';
import { LogSink } from '../../../../src/main/log';
import { tempDir } from '../../../helpers/tmp';

const from = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const log = new LogSink({ consoleLevel: 'silent' }).logger('tx');
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function record(key: string, state: TxRecord['state'], updatedAt: number, nonce = 0): TxRecord {
  return {
    v: 1,
    key,
    state,
    from,
    chainId: 31337,
    request: { to: from, value: '1', gas: '21000' },
    nonce,
    attempts: [],
    createdAt: updatedAt,
    updatedAt,
  };
}

describe('persisted transaction queue', () => {
  it('keeps the last line of each key, and compacts old final records away once the file has grown', () => {
    const { dir, cleanup } = tempDir('flywheel-txstore-');
    cleanups.push(cleanup);
    const path = TxStore.path(dir, 31337, from);
    expect(path).toMatch(/tx\/31337-0x70997970c51812dc3a010c7d01b50e0d17dc79c8\.jsonl$/);
    const store = TxStore.open(path, { log });
    const old = Date.now() - 40 * 24 * 3600 * 1000;
    for (let i = 0; i < 120; i++) store.write(record(`old:${i}`, 'confirmed', old, i));
    store.write(record('live', 'pending', Date.now(), 120));
    store.write(record('live', 'pending', Date.now(), 120));
    store.write(record('recent', 'confirmed', Date.now(), 121));
    store.close();

    const again = TxStore.open(path, { log });
    expect(
      again
        .all()
        .map((r) => r.key)
        .sort(),
    ).toEqual(['live', 'recent']);
    expect(again.pending().map((r) => r.key)).toEqual(['live']);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
    again.close();
  });
});
