/**
 * `npm run bench [-- <name> …]`: runs the benchmarks in bench/*.bench.ts (all, or those named), writes
 * bench/results/<name>.json and prints a table of figures against their targets and baselines. It exits non-zero
 * when a figure misses its target, a benchmark fails, or a process a benchmark started is still running at the end
 * (Ctrl-C stops them all before it exits).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stop as stopEsbuild } from 'esbuild';
import { load1, machine, meetsTarget, type Benchmark, type BenchReport } from './lib';
import { canTrack, markRun, stopMarked, waitForNone, type Marked } from './processes';

const dir = import.meta.dirname;
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length) {
  console.error(`No benchmark named ${unknown.join(', ')}. Available: ${available.join(', ')}`);
  process.exit(2);
}

// Before anything starts a process: every process started from here on carries the mark (processes.ts).
const runId = markRun();
const listed = (ps: Marked[]) => ps.map((p) => `  pid ${p.pid}: ${p.command.slice(0, 200)}`).join('\n');
let interrupted = false;
/** Stops every process the benchmarks started, then exits with `code`. */
const abort = (why: string, code: number) => {
  if (interrupted) return;
  interrupted = true;
  console.error(`\n${why}: stopping the processes the benchmarks started…`);
  void stopMarked(runId).then((killed) => {
    if (killed.length) console.error(`killed (they did not stop within 10 s):\n${listed(killed)}`);
    process.exit(code);
  });
};
process.on('SIGINT', () => abort('SIGINT', 130));
process.on('SIGTERM', () => abort('SIGTERM', 143));
// An error no benchmark caught (a child's event handler, a promise nobody awaited) ends the run the same way.
const crash = (err: unknown) => {
  console.error(`\nUncaught: ${(err as Error)?.stack ?? String(err)}`);
  abort('crashed', 1);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const resultsDir = join(dir, 'results');
mkdirSync(resultsDir, { recursive: true });
let failedTargets = 0;
const failedBenches: string[] = [];

const benches: Benchmark[] = [];
for (const name of wanted.length ? wanted : available) {
  const mod = (await import(pathToFileURL(join(dir, `${name}.bench.ts`)).href)) as { default: Benchmark };
  benches.push(mod.default);
}
// What the benchmarks need from the machine (Chromium, …), found or installed before the first one runs.
try {
  for (const bench of benches) await bench.prepare?.((line) => console.log(`   ${line}`));
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

for (const bench of benches) {
  if (interrupted) break;
  console.log(`\n━━ ${bench.name}: ${bench.summary}`);
  const started = Date.now();
  const loadAtStart = load1();
  let figures;
  try {
    figures = await bench.run((line) => console.log(`   ${line}`));
  } catch (err) {
    if (interrupted) break;
    console.error(`   ${bench.name} failed: ${(err as Error).stack ?? String(err)}`);
    failedBenches.push(bench.name);
    continue;
  }
  const report: BenchReport = {
    name: bench.name,
    machine: machine(),
    startedAt: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 100) / 10,
    load: { atStart: loadAtStart, atEnd: load1() },
    figures,
  };
  writeFileSync(join(resultsDir, `${bench.name}.json`), JSON.stringify(report, null, 2) + '\n');
  const rows = figures.map((f) => {
    const ok = meetsTarget(f);
    return {
      figure: f.id,
      value: `${round(f.value)} ${f.unit}`,
      target: f.target === undefined ? '' : `${f.better === 'lower' ? '≤' : '≥'} ${round(f.target)}`,
      baseline: f.baseline === undefined ? '' : `${round(f.baseline)} (×${round(f.value / f.baseline)})`,
      result: ok === undefined ? '' : ok ? 'ok' : 'MISSED',
    };
  });
  console.table(rows);
  failedTargets += rows.filter((r) => r.result === 'MISSED').length;
  console.log(
    `   wrote bench/results/${bench.name}.json (load average ${report.load.atStart} → ${report.load.atEnd} on ${report.machine.cores} cores)`,
  );
}

if (interrupted) await new Promise(() => undefined); // the signal handler exits once the processes are stopped

// esbuild's service process (the node bundle, the app build) lives as long as this one unless it is stopped.
await stopEsbuild();

// Nothing a benchmark started may outlive it: anything still running now was left behind (a few seconds' grace for
// those on their way out, e.g. anvil writing its state).
const left = await waitForNone(runId, 15_000);
if (left.length) {
  console.error(
    `\nLEFT RUNNING: ${left.length} process(es) started by the benchmarks are still alive:\n${listed(left)}`,
  );
  const killed = await stopMarked(runId);
  console.error(`stopped them${killed.length ? ` (${killed.length} with SIGKILL)` : ''}.`);
} else if (!canTrack) {
  console.log(
    '\n(This platform has no /proc: whether the benchmarks left processes running was not checked.)',
  );
}

if (failedTargets) console.log(`\n${failedTargets} figure(s) missed their target.`);
if (failedBenches.length) console.error(`\nFailed: ${failedBenches.join(', ')}.`);
if (failedTargets || failedBenches.length || left.length) process.exitCode = 1;

function round(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  return abs >= 100 ? n.toFixed(0) : abs >= 1 ? n.toFixed(2) : n.toPrecision(3);
}
