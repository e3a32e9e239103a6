/**
 * A strict parser of Prometheus's text exposition format (version 0.0.4), for tests: it throws on anything a
 * Prometheus server would reject or that breaks the format's rules — bad names, bad label syntax or escapes, a
 * value that is not a float, a sample before its family's TYPE, a family split in two, a repeated series, a
 * histogram whose buckets are not cumulative or whose +Inf bucket is not its count.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: Family | null = null;
  const seen = new Set<string>();
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('the exposition must end with a newline');
  lines.pop();
  lines.forEach((line, i) => {
    const at = `line ${i + 1}: ${line}`;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) return; // a plain comment
      const [, keyword, name, rest] = m as unknown as [string, 'HELP' | 'TYPE', string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in ${at}`);
      let family = families.get(name);
      if (family && family !== current) throw new Error(`family ${name} appears twice (${at})`);
      if (!family) {
        family = { name, type: 'untyped', help: '', samples: [] };
        families.set(name, family);
      }
      if (family.samples.length) throw new Error(`${keyword} after samples of ${name} (${at})`);
      current = family;
      if (keyword === 'HELP') family.help = unescape(rest, false, at);
      else {
        if (!TYPES.has(rest as MetricType)) throw new Error(`unknown type in ${at}`);
        family.type = rest as MetricType;
      }
      return;
    }
    if (line.trim() === '') return; // empty lines are ignored (the format says so)
    const sample = parseSample(line, at);
    const family = current;
    if (!family || !belongs(sample.name, family)) throw new Error(`sample without its family's TYPE (${at})`);
    const series = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(series)) throw new Error(`repeated series (${at})`);
    seen.add(series);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The sum of a family's samples (of one sample name) whose labels include `labels`. */
export function valueOf(
  families: Map<string, Family>,
  family: string,
  labels: Record<string, string> = {},
  sampleName = family,
): number {
  const f = families.get(family);
  if (!f) throw new Error(`no metric family ${family}`);
  return f.samples
    .filter((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

function belongs(sample: string, family: Family): boolean {
  if (sample === family.name) return family.type !== 'histogram';
  if (family.type === 'histogram')
    return ['_bucket', '_sum', '_count'].some((x) => sample === family.name + x);
  if (family.type === 'summary') return ['_sum', '_count'].some((x) => sample === family.name + x);
  return false;
}

function parseSample(line: string, at: string): Sample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  if (!m) throw new Error(`bad sample name in ${at}`);
  const name = m[1]!;
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const n = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(i));
      if (!n || !LABEL_NAME.test(n[1]!)) throw new Error(`bad label in ${at}`);
      if (n[1]! in labels) throw new Error(`repeated label ${n[1]} in ${at}`);
      i += n[0].length;
      let raw = '';
      while (line[i] !== '"') {
        if (i >= line.length) throw new Error(`unterminated label value in ${at}`);
        if (line[i] === '\\') {
          raw += line.slice(i, i + 2);
          i += 2;
        } else raw += line[i++];
      }
      i++;
      labels[n[1]!] = unescape(raw, true, at);
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new Error(`expected , or } in ${at}`);
    }
    i++;
  }
  if (line[i] !== ' ') throw new Error(`expected a space before the value in ${at}`);
  const parts = line.slice(i + 1).split(' ');
  if (parts.length > 2) throw new Error(`trailing text in ${at}`);
  const value = parseValue(parts[0]!, at);
  if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`bad timestamp in ${at}`);
  return { name, labels, value };
}

/** A sample value as Prometheus reads it (Go's ParseFloat: NaN and Inf in any case; prom-client writes `Nan`). */
function parseValue(text: string, at: string): number {
  const special = /^([-+]?)(inf|infinity|nan)$/i.exec(text);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') {
      if (special[1]) throw new Error(`bad value in ${at}`);
      return NaN;
    }
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad value in ${at}`);
  return Number(text);
}

function unescape(raw: string, quotes: boolean, at: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === '"' && quotes) return '"';
    throw new Error(`bad escape \\${c} in ${at}`);
  });
}

function checkHistogram(family: Family): void {
  const groups = new Map<string, { le: number; value: number }[]>();
  const key = (labels: Record<string, string>) =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([k]) => k !== 'le')
        .sort(),
    );
  for (const s of family.samples) {
    if (s.name !== `${family.name}_bucket`) continue;
    if (s.labels.le === undefined) throw new Error(`${family.name}: a bucket without le`);
    const list = groups.get(key(s.labels)) ?? [];
    list.push({ le: parseValue(s.labels.le, family.name), value: s.value });
    groups.set(key(s.labels), list);
  }
  for (const [labels, buckets] of groups) {
    buckets.sort((a, b) => a.le - b.le);
    if (buckets.at(-1)?.le !== Infinity) throw new Error(`${family.name}${labels}: no +Inf bucket`);
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i]!.value < buckets[i - 1]!.value)
        throw new Error(`${family.name}${labels}: buckets not cumulative`);
    }
    const count = family.samples.find((s) => s.name === `${family.name}_count` && key(s.labels) === labels);
    if (!count || count.value !== buckets.at(-1)!.value) {
      throw new Error(`${family.name}${labels}: the +Inf bucket is not the count`);
    }
    if (!family.samples.some((s) => s.name === `${family.name}_sum` && key(s.labels) === labels)) {
      throw new Error(`${family.name}${labels}: no _sum`);
    }
  }
}
