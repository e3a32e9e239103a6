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

const SEVERITIES = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];

/**
 * Electronegativity's CSV split into records. Each finding starts on a line that begins with its issue id
 * (`SOME_CHECK,`); a line that does not continues the record before it when that record has a quote left open
 * (a sample spanning lines), and is a record of its own otherwise. Electronegativity 1.10 writes some lines that are
 * not valid CSV (a stray quote after "Failed to parse CSP, it may not be valid."): read as one CSV text, such a quote
 * would swallow every finding after it, HIGH ones included.
 */
export function splitRecords(text) {
  const records = [];
  for (const line of text.split(/\r?\n/)) {
    const last = records.at(-1);
    const open = last !== undefined && (last.match(/"/g)?.length ?? 0) % 2 === 1;
    if (open && !/^[A-Z0-9_]+,"/.test(line)) records[records.length - 1] = `${last}\n${line}`;
    else if (line.trim() !== '') records.push(line);
  }
  return records;
}

/** Electronegativity's CSV as counts per severity and findings with their review notes. */
export function summarize(csvText, electronVersion) {
  const [headerLine = '', ...records] = splitRecords(csvText);
  const header = parseCsv(headerLine)[0] ?? [];
  const col = (name) => header.indexOf(name);
  const findings = records.map((record) => {
    const f = parseCsv(record)[0] ?? [];
    const issue = f[col('issue')] ?? '';
    if (f.length === header.length && /^[A-Z0-9_]+$/.test(issue) && SEVERITIES.includes(f[col('severity')])) {
      return {
        issue,
        severity: f[col('severity')],
        confidence: f[col('confidence')],
        file: f[col('filename')],
        location: f[col('location')],
        reviewed: REVIEWED[issue] ?? null,
      };
    }
    // A line that is not a finding: kept and shown, never dropped. A severity it names still counts, so an
    // unreadable HIGH fails the step.
    const named = SEVERITIES.find((s) => record.includes(`"${s}"`));
    return {
      issue: 'UNREADABLE_LINE',
      severity: named ?? 'UNKNOWN',
      confidence: null,
      file: 'N/A',
      location: '0:0',
      reviewed: null,
      line: record,
    };
  });
  const count = (s) => findings.filter((f) => f.severity === s).length;
  return {
    electronVersion,
    high: count('HIGH'),
    medium: count('MEDIUM'),
    low: count('LOW'),
    informational: count('INFORMATIONAL'),
    unreadable: findings.filter((f) => f.issue === 'UNREADABLE_LINE').length,
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
    const note =
      f.severity === 'HIGH'
        ? 'MUST FIX'
        : f.line !== undefined
          ? `a line of the report that is not a finding: ${f.line}`
          : (f.reviewed ?? 'not reviewed yet');
    process.stdout.write(
      `${f.severity.padEnd(13)} ${f.issue.padEnd(40)} ${`${f.file}:${f.location}`.padEnd(40)} ${note}\n`,
    );
  }
  process.stdout.write(
    `Electronegativity (Electron ${electronVersion}): ${summary.high} high, ${summary.medium} medium, ` +
      `${summary.low} low${summary.unreadable ? `, ${summary.unreadable} unreadable line(s)` : ''} — ` +
      `test-results/electronegativity/\n`,
  );
  if (summary.high > 0) process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
