import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAddress, keccak256, toHex } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import { isFinished, Journal, type JournalJob } from '../../../src/main/jobs/journal';
import { LogSink } from '../../../src/main/log';
import { bundleForNode } from '../../helpers/bundle';
import { tempDir } from '../../helpers/tmp';

const E1 = '0x00000000000000000000000000000000000000E1';
const OUT = keccak256(toHex('output'));
const TX = keccak256(toHex('tx'));
const IN = keccak256(toHex('input'));

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function journalFile() {
  const { dir, cleanup } = tempDir('flywheel-journal-');
  cleanups.push(cleanup);
  return join(dir, 'jobs', 'journal.jsonl');
}

function open(file: string, now?: () => number) {
  const sink = new LogSink({ consoleLevel: 'silent' });
  const journal = Journal.open(file, { log: sink.logger('journal'), now });
  cleanups.push(() => journal.close());
  return {
    journal,
    warnings: () =>
      sink
        .recent(100)
        .filter((e) => e.level === 'warn')
        .map((e) => e.message),
  };
}

/** A replayed job holds what its step promises. */
function expectConsistent(job: JournalJob) {
  const f = job.fields;
  if (['ran', 'submitting', 'submitted', 'finalized'].includes(job.step)) {
    expect(f.outputHash, job.key).toMatch(/^0x[0-9a-f]{64}$/);
    expect(f.outputURI, job.key).toBeTruthy();
  }
  if (['submitting', 'submitted', 'finalized'].includes(job.step)) expect(f.txHash, job.key).toBeTruthy();
  if (job.step === 'declined') expect(f.reason, job.key).toBeTruthy();
}

describe('job journal', () => {
  it('replays each job to its last step with every field of its round', () => {
    const file = journalFile();
    const { journal } = open(file);
    const heard: string[] = [];
    journal.onAppend((j) => heard.push(`${j.jobId} ${j.step}`));
    journal.append(E1, 7n, 'assigned', { deadline: 1_900_000_000, inputURI: 'blob:' + IN });
    journal.append(E1, 7n, 'fetched', {});
    journal.append(E1, 7n, 'running', {});
    journal.append(E1, 7n, 'ran', { outputHash: OUT, outputURI: 'blob:' + OUT });
    journal.append(E1, 7n, 'submitting', { txHash: TX });
    journal.append(E1, '8', 'assigned', {});
    journal.append(E1, '8', 'declined', { reason: 'MODEL_HASH_MISMATCH' });
    journal.close();
    // Each step is heard once, after it is on disk, with the job as it stands then.
    expect(heard).toEqual([
      '7 assigned',
      '7 fetched',
      '7 running',
      '7 ran',
      '7 submitting',
      '8 assigned',
      '8 declined',
    ]);

    const { journal: again } = open(file);
    const job = again.get(E1, 7n)!;
    expect(job).toMatchObject({
      key: `${getAddress(E1)}:7`,
      step: 'submitting',
      fields: {
        deadline: 1_900_000_000,
        inputURI: 'blob:' + IN,
        outputHash: OUT,
        outputURI: 'blob:' + OUT,
        txHash: TX,
      },
    });
    expect(job.history.map((h) => h.step)).toEqual(['assigned', 'fetched', 'running', 'ran', 'submitting']);
    expect(again.unfinished().map((j) => j.jobId)).toEqual(['7']);
    expect(again.get(E1, 8n)?.fields.reason).toBe('MODEL_HASH_MISMATCH');
  });

  it('refuses a step that cannot follow, or lacks what it needs, and writes nothing', () => {
    const file = journalFile();
    const { journal } = open(file);
    expect(() => journal.append(E1, 1n, 'submitted', { txHash: TX })).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    journal.append(E1, 1n, 'assigned', {});
    expect(() => journal.append(E1, 1n, 'ran', { outputHash: OUT, outputURI: 'x' })).toThrow(
      expect.objectContaining({ code: 'CONFLICT', details: '"ran" cannot follow "assigned"' }),
    );
    expect(() => journal.append(E1, 1n, 'fetched', { modelPath: 5 } as never)).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
    expect(() => journal.append(E1, 1n, 'declined', {} as never)).toThrow(
      expect.objectContaining({ code: 'CONFLICT', details: '"declined" needs reason' }),
    );
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('drops a torn last line with a log line, keeps everything before it, and appends cleanly after', () => {
    const file = journalFile();
    const { journal } = open(file);
    journal.append(E1, 1n, 'assigned', {});
    journal.append(E1, 1n, 'fetched', {});
    journal.close();
    appendFileSync(
      file,
      '{"seq":3,"t":1,"economy":"0x00000000000000000000000000000000000000E1","jobId":"1","st',
    );

    const { journal: again, warnings } = open(file);
    expect(warnings()).toContain('dropped a torn last line (an append cut short by a crash)');
    expect(again.get(E1, 1n)?.step).toBe('fetched');
    again.append(E1, 1n, 'ran', { outputHash: OUT, outputURI: 'blob:x' });
    again.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l).step)).toEqual(['assigned', 'fetched', 'ran']);
    expect(open(file).journal.get(E1, 1n)?.step).toBe('ran');
  });

  it('skips unreadable lines in the middle instead of crashing', () => {
    const file = journalFile();
    const { journal } = open(file);
    journal.append(E1, 1n, 'assigned', {});
    journal.close();
    appendFileSync(file, 'garbage\n{"seq":2,"t":1,"economy":"nope"}\n');
    const { journal: again, warnings } = open(file);
    expect(warnings().filter((w) => w === 'skipped an unreadable line')).toHaveLength(2);
    expect(again.get(E1, 1n)?.step).toBe('assigned');
  });

  it('compacts: one record per job, finished jobs past retention dropped, replay unchanged', () => {
    const file = journalFile();
    let now = 1_000_000;
    const { journal } = open(file, () => now);
    for (let id = 1; id <= 3; id++) {
      journal.append(E1, BigInt(id), 'assigned', {});
      journal.append(E1, BigInt(id), 'fetched', {});
      journal.append(E1, BigInt(id), 'ran', { outputHash: OUT, outputURI: 'u' });
      journal.append(E1, BigInt(id), 'submitting', { txHash: TX });
    }
    journal.append(E1, 1n, 'submitted', { txHash: TX });
    journal.append(E1, 1n, 'finalized', {});
    now += 8 * 24 * 3600 * 1000;
    journal.append(E1, 2n, 'submitted', { txHash: TX });
    journal.append(E1, 2n, 'finalized', {});
    const before = journal.jobs();

    expect(journal.compact()).toEqual({ jobs: 2, dropped: 1 });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readdirSync(join(file, '..'))).toEqual(['journal.jsonl']);
    journal.append(E1, 3n, 'submitted', { txHash: TX });
    journal.close();

    const { journal: again } = open(file);
    const after = again.jobs().sort((a, b) => Number(a.jobId) - Number(b.jobId));
    expect(after.map((j) => [j.jobId, j.step, j.fields])).toEqual([
      ['2', 'finalized', before.find((j) => j.jobId === '2')!.fields],
      ['3', 'submitted', before.find((j) => j.jobId === '3')!.fields],
    ]);
    // Sequence numbers keep growing after compaction.
    expect(again.append(E1, 3n, 'finalized', {}).seq).toBeGreaterThan(Math.max(...after.map((j) => j.seq)));
  });

  it('loses no acknowledged step when the writer is killed with SIGKILL mid-run, again and again', async () => {
    const file = journalFile();
    const writer = await bundleForNode(join(import.meta.dirname, 'journalWriter.ts'), join(file, '..', '..'));
    const acked = new Map<string, { seq: number; step: string }>();
    let lastSeq = 0;
    let restarts = 0;

    for (let round = 0; round < 8; round++) {
      const child = spawn(process.execPath, [writer, file, String(round + 1)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const exited = new Promise<NodeJS.Signals | null>((r) =>
        child.once('exit', (_code, signal) => r(signal)),
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.startsWith('ready')) resolve();
        });
        child.once('exit', () => reject(new Error(`writer exited before it was ready: ${err}`)));
      });
      await new Promise((r) => setTimeout(r, 30 + ((round * 37) % 120)));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      restarts++;

      for (const line of out.split('\n')) {
        const m = /^ack (\d+) (\S+) (\S+)$/.exec(line);
        if (!m) continue;
        const seq = Number(m[1]);
        expect(seq).toBeGreaterThan(lastSeq);
        lastSeq = seq;
        acked.set(m[2]!, { seq, step: m[3]! });
      }

      // The harness replays what the killed writer left: every acknowledged step is there, every job is whole.
      const { journal } = open(file);
      const jobs = new Map(journal.jobs().map((j) => [j.key, j]));
      for (const [key, ack] of acked) {
        const job = jobs.get(key);
        expect(job, key).toBeDefined();
        expect(job!.seq, key).toBeGreaterThanOrEqual(ack.seq);
        if (job!.seq === ack.seq) expect(job!.step).toBe(ack.step);
      }
      for (const job of jobs.values()) expectConsistent(job);
      journal.close();
    }
    expect(restarts).toBe(8);
    expect(acked.size).toBeGreaterThan(10);
    const { journal } = open(file);
    expect(journal.jobs().filter((j) => isFinished(j.step)).length).toBeGreaterThan(0);
  }, 60_000);

  it('keeps a complete last line that only lacks its newline', () => {
    const file = journalFile();
    const { journal } = open(file);
    journal.append(E1, 1n, 'assigned', {});
    journal.close();
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.trimEnd());
    const { journal: again, warnings } = open(file);
    expect(warnings()).toEqual([]);
    expect(again.get(E1, 1n)?.step).toBe('assigned');
    again.append(E1, 1n, 'fetched', {});
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
  });
});
