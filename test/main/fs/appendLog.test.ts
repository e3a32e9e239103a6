import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppendLog } from '../../../src/main/fs/appendLog';
import { writeFileAtomic } from '../../../src/main/fs/atomicWrite';
import { LogSink } from '../../../src/main/log';
import { tempDir } from '../../helpers/tmp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function folder() {
  const { dir, cleanup } = tempDir('flywheel-fs-');
  cleanups.push(cleanup);
  return dir;
}
const parse = (v: unknown) =>
  typeof v === 'object' && v !== null && 'n' in v ? (v as { n: number }) : undefined;

describe('atomic writes and append logs', () => {
  it('writes a file whole with mode 0600 and leaves no temporary file', () => {
    const dir = folder();
    const file = join(dir, 'sub', 'a.json');
    writeFileAtomic(file, '{"a":1}');
    writeFileAtomic(file, '{"a":2}');
    expect(readFileSync(file, 'utf8')).toBe('{"a":2}');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['a.json']);
  });

  it('rewrites atomically, removes files a cut-short rewrite left, and keeps appending after', () => {
    const dir = folder();
    const file = join(dir, 'log.jsonl');
    const sink = new LogSink({ consoleLevel: 'silent' });
    const { log } = AppendLog.open(file, { parse, log: sink.logger('t') });
    for (let n = 1; n <= 5; n++) log.append({ n });
    log.rewrite([{ n: 5 }]);
    log.append({ n: 6 });
    log.close();
    // What a crash in the middle of a rewrite leaves: a temporary file beside the log.
    writeFileSync(join(dir, '.log.jsonl.123.abcdef.tmp'), '{"n":99}\n');

    const again = AppendLog.open(file, { parse, log: sink.logger('t') });
    expect(again.records).toEqual([{ n: 5 }, { n: 6 }]);
    expect(readdirSync(dir)).toEqual(['log.jsonl']);
    expect(sink.recent(10).map((e) => e.message)).toContain('removed files left by a rewrite cut short');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    again.log.close();
  });
});
