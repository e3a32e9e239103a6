import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlywheelNode } from '../../../src/main/node';
import { startTestNode } from '../../helpers/node';
import { tempDir } from '../../helpers/tmp';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const OPS = join(ROOT, 'resources', 'ops');
// js-yaml comes with electron-builder; Prometheus's files are YAML.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ['instance', 'job', 'fleet'];
/** Series Prometheus makes itself. */
const PROMETHEUS_SERIES = new Map([['up', [] as string[]]]);

let node: { node: FlywheelNode; stop: () => Promise<void> };
/** Every metric the node serves, with its label names (from the node's own registry). */
let metrics: Map<string, { type: string; labels: string[] }>;

beforeAll(async () => {
  node = await startTestNode({ devnet: 'off' });
  metrics = new Map(
    node.node.metrics.registry.getMetricsAsArray().map((m) => {
      const meta = m as unknown as { name: string; type: string; labelNames?: string[] };
      return [meta.name, { type: String(meta.type), labels: meta.labelNames ?? [] }];
    }),
  );
});
afterAll(() => node?.stop());

/**
 * Checks a PromQL expression against the node's metrics: each series it selects exists (a histogram's _bucket, _sum
 * and _count included), each label it matches or groups by is one that series has or Prometheus adds.
 */
function checkExpr(expr: string): string[] {
  const problems: string[] = [];
  const selectors = [...expr.matchAll(/\b((?:flywheel|process|nodejs)_[a-z0-9_]+|up)\b(\{[^}]*\})?/g)];
  if (!selectors.length) problems.push(`selects no Flywheel metric: ${expr}`);
  const used = new Set<string>();
  for (const [, name, matchers] of selectors) {
    const base = name!.replace(/_(bucket|sum|count)$/, '');
    const known =
      metrics.get(name!) ??
      (metrics.get(base)?.type === 'histogram' ? metrics.get(base) : undefined) ??
      (PROMETHEUS_SERIES.has(name!) ? { type: 'gauge', labels: PROMETHEUS_SERIES.get(name!)! } : undefined);
    if (!known) {
      problems.push(`${name} is not a metric the node serves`);
      continue;
    }
    const labels = [...known.labels, ...TARGET_LABELS, ...(name!.endsWith('_bucket') ? ['le'] : [])];
    labels.forEach((l) => used.add(l));
    for (const [, label] of (matchers ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) {
      if (!labels.includes(label!)) problems.push(`${name} has no label ${label}`);
    }
  }
  for (const [, list] of expr.matchAll(/\b(?:by|on|without|group_left|group_right)\s*\(([^)]*)\)/g)) {
    for (const label of list!
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean)) {
      if (!used.has(label)) problems.push(`groups by ${label}, which none of its metrics has`);
    }
  }
  return problems;
}

describe('the ops files in resources/ops', () => {
  it('the expression checker catches a wrong metric or label (so the checks below mean something)', () => {
    expect(checkExpr('flywheel_jobs_total{outcome="finalized"}')).toEqual([]);
    expect(checkExpr('flywheel_job_run_seconds_bucket{le="1"}')).toEqual([]);
    expect(checkExpr('flywheel_job_total')).toEqual(['flywheel_job_total is not a metric the node serves']);
    expect(checkExpr('flywheel_jobs_total{result="x"}')).toEqual(['flywheel_jobs_total has no label result']);
    expect(checkExpr('sum by (device) (flywheel_jobs_total)')).toEqual([
      'groups by device, which none of its metrics has',
    ]);
  });

  it('alert rules: YAML Prometheus can load, the five alerts the README names, every expression on real metrics', () => {
    const file = yaml.load(readFileSync(join(OPS, 'flywheel-alerts.yml'), 'utf8')) as {
      groups: { name: string; rules: Record<string, unknown>[] }[];
    };
    const rules = file.groups.flatMap((g) => g.rules);
    const names = rules.map((r) => r.alert);
    for (const alert of [
      'FlywheelNodeDown',
      'FlywheelJobsFailing',
      'FlywheelSlashed',
      'FlywheelGpuHot',
      'FlywheelChainHeadLag',
    ]) {
      expect(names).toContain(alert);
    }
    for (const rule of rules) {
      expect(
        Object.keys(rule).every((k) => ['alert', 'expr', 'for', 'labels', 'annotations'].includes(k)),
      ).toBe(true);
      expect(typeof rule.expr).toBe('string');
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
      expect((rule.labels as { severity?: string }).severity).toMatch(/^(critical|warning|info)$/);
      expect((rule.annotations as { summary?: string }).summary).toBeTruthy();
      expect(checkExpr(rule.expr as string), String(rule.alert)).toEqual([]);
    }
  });

  it('prometheus.yml: loads the rules file next to it and sends a bearer token from a file', () => {
    const config = yaml.load(readFileSync(join(OPS, 'prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: {
        job_name: string;
        metrics_path: string;
        authorization: { type: string; credentials_file: string };
        static_configs: { targets: string[] }[];
      }[];
    };
    for (const f of config.rule_files) expect(existsSync(join(OPS, f)), f).toBe(true);
    const job = config.scrape_configs.find((s) => s.job_name === 'flywheel')!;
    expect(job.metrics_path).toBe('/metrics');
    expect(job.authorization).toMatchObject({ type: 'Bearer' });
    expect(job.authorization.credentials_file).toMatch(/^\//);
    expect(job.static_configs[0]!.targets.every((t) => /:9464$/.test(t))).toBe(true);
  });

  it('the Grafana dashboard: every panel’s query on real metrics, its variables defined', () => {
    const text = readFileSync(join(OPS, 'grafana-dashboard.json'), 'utf8');
    const dash = JSON.parse(text) as {
      uid: string;
      templating: { list: { name: string }[] };
      panels: { id: number; type: string; gridPos: object; targets?: { expr: string }[] }[];
    };
    expect(dash.uid).toBe('flywheel-fleet');
    const ids = dash.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const vars = dash.templating.list.map((v) => v.name);
    for (const [, v] of text.matchAll(/\$\{?([a-z_]+)\}?/g)) {
      if (!v!.startsWith('__')) expect(vars, `$${v}`).toContain(v);
    }
    const queries = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(queries.length).toBeGreaterThan(20);
    for (const q of queries) expect(checkExpr(q), q).toEqual([]);
    // The fleet view covers what the README says it does.
    for (const metric of [
      'flywheel_provider_status',
      'flywheel_jobs_total',
      'flywheel_earnings_claimable_tokens',
      'flywheel_gpu_temperature_celsius',
      'flywheel_chain_head_lag_seconds',
      'flywheel_penalties_total',
    ]) {
      expect(
        queries.some((q) => q.includes(metric)),
        metric,
      ).toBe(true);
    }
  });

  it('the systemd unit: every flag it passes is one the headless shell takes; systemd-analyze verify accepts it', () => {
    const unit = readFileSync(join(OPS, 'flywheel.service'), 'utf8');
    const exec = /^ExecStart=((?:.*\\\n)*.*)$/m.exec(unit)![1]!;
    const flags = [...exec.matchAll(/--([a-z-]+)/g)].map((m) => m[1]!);
    const main = readFileSync(join(ROOT, 'src', 'main', 'headless', 'main.ts'), 'utf8');
    const taken = [...main.matchAll(/^\s+'?([a-z-]+)'?: \{ type: '(?:string|boolean)'/gm)].map((m) => m[1]!);
    expect(flags).toEqual(
      expect.arrayContaining([
        'data-dir',
        'passphrase-file',
        'metrics-port',
        'metrics-host',
        'metrics-token-file',
      ]),
    );
    for (const f of flags) expect(taken, `--${f}`).toContain(f);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^LoadCredential=passphrase:/m);

    const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (analyze.status !== 0) return; // no systemd on this machine: the checks above stand alone
    const { dir, cleanup } = tempDir('flywheel-unit-');
    try {
      const copy = join(dir, 'flywheel.service');
      writeFileSync(copy, unit.replace('/usr/bin/node', process.execPath));
      const verify = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
      expect(`${verify.stdout}${verify.stderr}`.trim()).toBe('');
      expect(verify.status).toBe(0);
    } finally {
      cleanup();
    }
  });

  it('promtool: checks the rules and the config, and its unit tests of every alert pass (flywheel-alerts.test.yml)', (ctx) => {
    const tool = promtool();
    if (!tool) ctx.skip(); // neither on PATH nor fetchable from Debian here
    const run = (...args: string[]) =>
      spawnSync(tool!, args, { encoding: 'utf8', cwd: OPS, timeout: 60_000 });
    const rules = run('check', 'rules', 'flywheel-alerts.yml');
    expect(rules.stdout + rules.stderr).toContain('SUCCESS: 6 rules found');
    expect(rules.status).toBe(0);
    const tests = run('test', 'rules', 'flywheel-alerts.test.yml');
    expect(tests.stdout + tests.stderr).toContain('SUCCESS');
    expect(tests.status).toBe(0);
    // Every alert has a test that makes it fire.
    const tested = readFileSync(join(OPS, 'flywheel-alerts.test.yml'), 'utf8');
    for (const alert of readFileSync(join(OPS, 'flywheel-alerts.yml'), 'utf8').matchAll(/- alert: (\w+)/g)) {
      expect(tested, alert[1]).toMatch(new RegExp(`alertname: ${alert[1]}\\n\\s+exp_alerts:\\n`));
    }
    // The config, with its token file where this machine has one.
    const { dir, cleanup } = tempDir('flywheel-prom-');
    try {
      const token = join(dir, 'token');
      writeFileSync(token, 'x'.repeat(43), { mode: 0o600 });
      const config = readFileSync(join(OPS, 'prometheus.yml'), 'utf8').replace(
        '/etc/prometheus/flywheel-metrics-token',
        token,
      );
      expect(config).toContain(token);
      writeFileSync(join(dir, 'prometheus.yml'), config);
      writeFileSync(join(dir, 'flywheel-alerts.yml'), readFileSync(join(OPS, 'flywheel-alerts.yml')));
      const checked = spawnSync(tool!, ['check', 'config', join(dir, 'prometheus.yml')], {
        encoding: 'utf8',
      });
      expect(checked.stdout + checked.stderr).toMatch(
        /SUCCESS: .*prometheus\.yml is valid prometheus config file syntax/,
      );
      expect(checked.status).toBe(0);
    } finally {
      cleanup();
    }
  });
});

/**
 * promtool: on PATH, or from Debian's `prometheus` package unpacked into node_modules/.cache/promtool (apt-get
 * download, dpkg -x: about 19 MB, once). Null where neither works.
 */
function promtool(): string | null {
  if (spawnSync('promtool', ['--version']).status === 0) return 'promtool';
  const cache = join(ROOT, 'node_modules', '.cache', 'promtool');
  const bin = join(cache, 'usr', 'bin', 'promtool');
  if (existsSync(bin)) return bin;
  const { dir, cleanup } = tempDir('flywheel-promtool-');
  try {
    const download = spawnSync('apt-get', ['download', 'prometheus'], { cwd: dir, timeout: 120_000 });
    const deb = download.status === 0 ? readdirSync(dir).find((f) => f.endsWith('.deb')) : undefined;
    if (!deb || spawnSync('dpkg', ['-x', join(dir, deb), cache], { timeout: 120_000 }).status !== 0)
      return null;
    return existsSync(bin) ? bin : null;
  } finally {
    cleanup();
  }
}
