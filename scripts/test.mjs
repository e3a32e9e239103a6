#!/usr/bin/env node
// `npm test`: every check, in order, each one named, timed and reported; nothing is skipped without saying so.
//   npm test                    all steps
//   npm test -- --only unit,e2e some of them (names below)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const npmScript = (name) => (pkg.scripts[name] ? ['npm', ['run', '--silent', name]] : null);

/** Each step: a name, a command, and why it exists. A step whose command is null says so in the summary. */
const steps = [
  { name: 'typecheck', what: 'TypeScript: node, web and e2e projects', cmd: npmScript('typecheck') },
  {
    name: 'lint',
    what: 'ESLint (electron imports, IPC rules, hooks)',
    cmd: [bin('eslint'), ['--max-warnings', '0', '.']],
  },
  { name: 'format', what: 'Prettier check', cmd: [bin('prettier'), ['--check', '--log-level', 'warn', '.']] },
  {
    name: 'security',
    what: 'Electronegativity over src/: no HIGH finding (test-results/electronegativity/)',
    cmd: npmScript('test:security'),
  },
  { name: 'contracts', what: 'Solidity: artefacts fresh + forge tests', cmd: npmScript('test:contracts') },
  { name: 'unit', what: 'Vitest: node and renderer projects', cmd: [bin('vitest'), ['run']] },
  { name: 'e2e', what: 'Playwright in Chromium against the headless shell', cmd: npmScript('test:e2e') },
];

const onlyArg = process.argv.find((a) => a.startsWith('--only'));
const only = onlyArg
  ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : process.argv[process.argv.indexOf(onlyArg) + 1]).split(
      ',',
    )
  : null;
const unknown = only?.filter((n) => !steps.some((s) => s.name === n)) ?? [];
if (unknown.length) {
  process.stderr.write(
    `Unknown step(s): ${unknown.join(', ')}. Steps: ${steps.map((s) => s.name).join(', ')}\n`,
  );
  process.exit(2);
}

const results = [];
for (const step of steps) {
  if (only && !only.includes(step.name)) {
    results.push({ ...step, status: 'not selected', ms: 0 });
    continue;
  }
  if (!step.cmd) {
    // Only the contracts step may be absent, and only while the repository has no Solidity at all.
    const none = step.name === 'contracts' && !existsSync(join(root, 'contracts', 'src'));
    results.push({ ...step, status: none ? 'none yet' : 'missing', ms: 0 });
    continue;
  }
  process.stdout.write(`\n━━ ${step.name}: ${step.what}\n`);
  const started = Date.now();
  const [cmd, args] = step.cmd;
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  results.push({ ...step, status: r.status === 0 ? 'passed' : 'FAILED', ms: Date.now() - started });
}

process.stdout.write('\n━━ summary\n');
for (const r of results) {
  const mark = r.status === 'passed' ? '✓' : r.status === 'FAILED' || r.status === 'missing' ? '✗' : '·';
  const time = r.ms ? `${(r.ms / 1000).toFixed(1)} s` : '';
  process.stdout.write(
    `${mark} ${r.name.padEnd(10)} ${r.status.padEnd(13)} ${time.padStart(8)}  ${r.what}\n`,
  );
}
const failed = results.filter((r) => r.status === 'FAILED' || r.status === 'missing');
if (failed.length) {
  process.stdout.write(`\n${failed.length} step(s) did not pass: ${failed.map((r) => r.name).join(', ')}\n`);
  process.exit(1);
}
