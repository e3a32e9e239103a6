/** How a CLI command answers: JSON for scripts (`--json`), aligned `key: value` lines for people. */
export function printResult(
  value: Record<string, unknown>,
  json: boolean,
  write = (s: string) => process.stdout.write(s),
): void {
  if (json) {
    write(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
    return;
  }
  const width = Math.max(...Object.keys(value).map((k) => k.length));
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const text = v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
    write(`${k.padEnd(width)}  ${text}\n`);
  }
}

/** A progress line on stderr (stdout stays clean for `--json`). */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
