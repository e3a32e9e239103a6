#!/usr/bin/env node
// `npm run test:security`: Electronegativity (Doyensec's Electron security scanner) over src/, failing on any HIGH
// finding. It runs offline: it warns that it cannot fetch Electron's release list and uses the version given here.
// Findings go to test-results/electronegativity/ (the CSV it writes, and a summary).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test-results', 'electronegativity');
const csv = join(outDir, 'findings.csv');
const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'),
).version;

/**
 * Findings that were looked at and stay, with why. They are reported, never hidden; only HIGH fails the step.
 */
const REVIEWED = {
  PRELOAD_JS_CHECK: 'the preload exposes only window.flywheel {call, subscribe}; main checks the sender',
  OPEN_EXTERNAL_JS_CHECK: 'only http(s) URLs reach openExternal (isSafeExternalUrl, tested)',
  CSP_GLOBAL_CHECK:
    "one CSP (src/main/security/csp.ts) for header and meta; 'unsafe-inline' is for style attributes only",
};

/** RFC 4180 rows: quoted fields may hold commas and doubled quotes. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field.trim());
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field.trim());
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field.trim());
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

/** Electronegativity's CSV as counts per severity and findings with their review notes. */
export function summarize(csvText, electronVersion) {
  const [header = [], ...rows] = parseCsv(csvText);
  const col = (name) => header.indexOf(name);
  const findings = rows.map((f) => ({
    issue: f[col('issue')],
    severity: f[col('severity')],
    confidence: f[col('confidence')],
    file: f[col('filename')],
    location: f[col('location')],
    reviewed: REVIEWED[f[col('issue')]] ?? null,
  }));
  const count = (s) => findings.filter((f) => f.severity === s).length;
  return {
    electronVersion,
    high: count('HIGH'),
    medium: count('MEDIUM'),
    low: count('LOW'),
    informational: count('INFORMATIONAL'),
    findings,
  };
}

function main() {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const cli = join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
  const args = [cli, '-i', join(root, 'src'), '-e', electronVersion, '-r', '-o', csv];
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    // Its network look-ups (translations, Electron releases) fail fast offline; do not let one hang the step.
    timeout: 300_000,
  });
  writeFileSync(join(outDir, 'output.txt'), `${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.error || !existsSync(csv)) {
    process.stderr.write(
      `Electronegativity did not produce ${csv}: ${r.error?.message ?? `exit ${r.status}`}\n${r.stderr ?? ''}\n`,
    );
    process.exit(1);
  }

  const summary = summarize(readFileSync(csv, 'utf8'), electronVersion);
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

  for (const f of summary.findings) {
    const note = f.severity === 'HIGH' ? 'MUST FIX' : (f.reviewed ?? 'not reviewed yet');
    process.stdout.write(
      `${f.severity.padEnd(13)} ${f.issue.padEnd(40)} ${`${f.file}:${f.location}`.padEnd(40)} ${note}\n`,
    );
  }
  process.stdout.write(
    `Electronegativity (Electron ${electronVersion}): ${summary.high} high, ${summary.medium} medium, ` +
      `${summary.low} low — test-results/electronegativity/\n`,
  );
  if (summary.high > 0) process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
