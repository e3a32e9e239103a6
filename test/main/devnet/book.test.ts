import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findEconomy, newBook, readBook, writeBook } from '../../../src/main/devnet/book';
import { tempDir } from '../../helpers/tmp';

const GENESIS = '0x1111111111111111111111111111111111111111';
const FORK = '0x2222222222222222222222222222222222222222';
const TOKEN = '0x3333333333333333333333333333333333333333';

/** The economies of a book as an older version wrote it: the address under `id`. */
function economiesV1() {
  return [
    {
      role: 'genesis',
      id: GENESIS,
      token: TOKEN,
      name: 'Flywheel',
      symbol: 'FLY',
      parent: null,
      block: '3',
      snapshotFile: null,
    },
    {
      role: 'low-fee',
      id: FORK,
      token: TOKEN,
      name: 'Flywheel Lite',
      symbol: 'LITE',
      parent: GENESIS,
      block: '9',
      snapshotFile: 'a.json',
    },
  ];
}

describe('the devnet book (devnet/devnet.json)', () => {
  const temp = tempDir('flywheel-book-');
  afterAll(() => temp.cleanup());

  it('reads a book written by version 1 (economy addresses under `id`) as today’s, and writes it back in that form', () => {
    const file = join(temp.dir, 'v1.json');
    const v1 = {
      ...newBook(31337),
      version: 1,
      status: 'ready',
      factory: TOKEN,
      factoryBlock: '1',
      economies: economiesV1(),
    };
    writeFileSync(file, JSON.stringify(v1));
    const book = readBook(file)!;
    expect(book.version).toBe(2);
    expect(book.economies.map((e) => [e.role, e.economy, e.parent])).toEqual([
      ['genesis', GENESIS, null],
      ['low-fee', FORK, GENESIS],
    ]);
    expect(book.economies[1]).not.toHaveProperty('id');
    expect(findEconomy(book, FORK.toUpperCase().replace('0X', '0x'))?.name).toBe('Flywheel Lite');
    expect(findEconomy(book, 'genesis')?.economy).toBe(GENESIS);

    writeBook(file, book);
    expect(readBook(file)).toEqual(book);
  });

  it('still reports a damaged book, of either version, with the reset to run', () => {
    const file = join(temp.dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...newBook(1), version: 1, economies: [{ id: 'not an address' }] }));
    expect(() => readBook(file)).toThrow(/bookkeeping file is damaged/);
    writeFileSync(file, JSON.stringify({ ...newBook(1), version: 3 }));
    expect(() => readBook(file)).toThrow(/bookkeeping file is damaged/);
  });
});
