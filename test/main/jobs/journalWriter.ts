/**
 * A stand-in for the job loop, run as a child process by journal.test.ts and killed with SIGKILL at random
 * moments: it replays the journal, then drives jobs through their steps as fast as it can, compacting now and
 * then, and prints `ack <seq> <key> <step>` to stdout after each append returns (pipes are synchronous on Linux,
 * so a line the parent read was acknowledged before the kill).
 */
import { keccak256, toHex, type Hash } from 'viem';
import { Journal, type JournalJob } from '../../../src/main/jobs/journal';
import { LogSink } from '../../../src/main/log';
import { xorshift32 } from '../../helpers/random';

const [file, seedArg] = process.argv.slice(2) as [string, string];
// Reproducible runs for a given seed.
const random = xorshift32(Number(seedArg));
const sink = new LogSink({ consoleLevel: 'silent' });
const journal = Journal.open(file, { log: sink.logger('journal') });
const torn = sink.recent(100).filter((e) => /torn/.test(e.message)).length;
process.stdout.write(`ready ${journal.unfinished().length} ${torn}\n`);

const economies = [
  '0x00000000000000000000000000000000000000E1',
  '0x00000000000000000000000000000000000000E2',
] as const;
const h = (s: string): Hash => keccak256(toHex(s));
let nextJob = journal.jobs().reduce((m, j) => Math.max(m, Number(j.jobId)), 0) + 1;
let appends = 0;

function advance(job: JournalJob): JournalJob {
  const { economy, jobId } = job;
  switch (job.step) {
    case 'assigned':
      return random() < 0.1
        ? journal.append(economy, jobId, 'declined', { reason: 'INPUT_INVALID' })
        : journal.append(economy, jobId, 'fetched', { modelPath: `m/${jobId}`, inputPath: `i/${jobId}` });
    case 'fetched':
      // Journals from before `running` was a step go straight on to `ran`.
      if (random() < 0.7) return journal.append(economy, jobId, 'running', {});
      return journal.append(economy, jobId, 'ran', {
        outputHash: h(`out${jobId}`),
        outputURI: `blob:${h(`out${jobId}`)}`,
      });
    case 'running':
      return journal.append(economy, jobId, 'ran', {
        outputHash: h(`out${jobId}`),
        outputURI: `blob:${h(`out${jobId}`)}`,
      });
    case 'ran':
      return journal.append(economy, jobId, 'submitting', { txHash: h(`tx${jobId}:0`) });
    case 'submitting':
      return random() < 0.3
        ? journal.append(economy, jobId, 'submitting', { txHash: h(`tx${jobId}:${random()}`) })
        : journal.append(economy, jobId, 'submitted', { txHash: job.fields.txHash! });
    case 'submitted':
      return journal.append(economy, jobId, 'finalized', {});
    default:
      throw new Error(`nothing follows ${job.step}`);
  }
}

for (;;) {
  const open = journal.unfinished();
  let job: JournalJob;
  if (open.length === 0 || (open.length < 6 && random() < 0.3)) {
    const economy = economies[nextJob % 2]!;
    job = journal.append(economy, String(nextJob++), 'assigned', {
      modelHash: h('model'),
      inputHash: h('input'),
      inputURI: `blob:${h('input')}`,
      deadline: 1_900_000_000,
    });
  } else {
    job = advance(open[Math.floor(random() * open.length)]!);
  }
  process.stdout.write(`ack ${job.seq} ${job.key} ${job.step}\n`);
  if (++appends % 15 === 0) journal.compact();
}
