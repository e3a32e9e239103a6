/**
 * `npm run bench [-- <name> …]`: runs the benchmarks in bench/*.bench.ts (all, or those named), writes
 * bench/results/<name>.json and prints a table of figures against their targets and baselines.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { machine, meetsTarget, type Benchmark, type BenchReport } from './lib';

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

const resultsDir = join(dir, 'results');
mkdirSync(resultsDir, { recursive: true });
let failedTargets = 0;

for (const name of wanted.length ? wanted : available) {
  const mod = (await import(pathToFileURL(join(dir, `${name}.bench.ts`)).href)) as { default: Benchmark };
  const bench = mod.default;
  console.log(`\n━━ ${bench.name}: ${bench.summary}`);
  const started = Date.now();
  const figures = await bench.run((line) => console.log(`   ${line}`));
  const report: BenchReport = {
    name: bench.name,
    machine: machine(),
    startedAt: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 100) / 10,
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
  console.log(`   wrote bench/results/${bench.name}.json`);
}

if (failedTargets) console.log(`\n${failedTargets} figure(s) missed their target.`);

function round(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  return abs >= 100 ? n.toFixed(0) : abs >= 1 ? n.toFixed(2) : n.toPrecision(3);
}
