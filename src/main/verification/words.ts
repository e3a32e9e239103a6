/**
 * Verification policies and verdicts in words, for the evidence a challenger publishes and for the Penalties page:
 * "argmax agreement ≥ 99 %", "agreement 41.2 % < 99 %". Figures are cut, never rounded, towards the threshold
 * they are compared with, so a failing figure never reads as equal to it.
 */
import type { VerificationRule } from '#shared/api/jobs';
import type { FailurePoint, Verdict } from './policy';

/** A bound or figure: 3 significant digits, exponent form below 0.001 ("1e-4", "3.2e-8"). */
export function formatNumber(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e6) {
    const [m, e] = x.toExponential(1).split('e');
    return `${m!.replace(/\.0$/, '')}e${e!.replace('+', '')}`;
  }
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  return String(Number(x.toPrecision(3)));
}

/** A share (0..1) as a percentage, cut (not rounded) to `decimals`: 0.41239 → "41.2 %", 0.99 → "99 %". */
export function formatPercent(share: number, decimals = 1): string {
  if (!Number.isFinite(share)) return `${formatNumber(share)} %`;
  const pct = share * 100;
  if (pct !== 0 && Math.abs(pct) < 0.01) return `${formatNumber(pct)} %`;
  if (pct >= 1000) return `${formatNumber(pct)} %`;
  const f = 10 ** decimals;
  // The nudge keeps 0.99 × 100 (98.99999…) from being cut to 98.9.
  return `${String(Math.trunc(pct * f + 1e-6) / f)} %`;
}

/** A short form of a hash: 0x1234…abcd. */
export function shortHash(hash: string): string {
  return hash.length > 14 ? `${hash.slice(0, 6)}…${hash.slice(-4)}` : hash;
}

/** The verdict's figures against the policy, in one line: "agreement 41.2 % < 99 % (23 of 40 rows differ)". */
export function summarize(v: Omit<Verdict, 'summary'>): string {
  const { policy, figures: f, firstFailure: first } = v;
  const abs = policy.maxAbsErrorE9 / 1e9;
  const rel = policy.maxRelErrorE9 / 1e9;
  // A structural failure (unreadable file, missing tensor, other shape) has no figures: its reason is the summary.
  if (first && first.index === null && policy.rule !== 'exact') return first.reason;
  switch (policy.rule) {
    case 'exact': {
      if (v.pass) return `output hash ${shortHash(v.submittedHash)} = the re-run’s`;
      const head = `output hash ${shortHash(v.submittedHash)} ≠ the re-run’s ${shortHash(v.referenceHash)}`;
      if (first?.index === null || f.maxAbsError === null || f.compared === 0) {
        return first ? `${head}: ${first.reason}` : head;
      }
      return `${head}; max |Δ| ${formatNumber(f.maxAbsError)}`;
    }
    case 'tolerance': {
      const figures = [
        `max |Δ| ${formatNumber(f.maxAbsError ?? 0)}${abs > 0 ? ` ${cmp(f.maxAbsError ?? 0, abs)} ${formatNumber(abs)}` : ''}`,
        `max relative Δ ${formatPercent(f.maxRelError ?? 0, 4)}${rel > 0 ? ` ${cmp(f.maxRelError ?? 0, rel)} ${formatPercent(rel, 4)}` : ''}`,
      ].join(', ');
      return v.pass
        ? `all ${count(f.compared)} elements within tolerance (${figures})`
        : `${count(f.failed)} of ${count(f.compared)} elements outside tolerance (${figures})`;
    }
    case 'argmax': {
      const min = policy.minAgreementBps / 10_000;
      const agreement = f.agreement ?? 1;
      const line = `agreement ${formatPercent(agreement)} ${agreement >= min ? '≥' : '<'} ${formatPercent(min, 2)}`;
      return f.failed ? `${line} (${count(f.failed)} of ${count(f.compared)} rows differ)` : line;
    }
    case 'logprob': {
      if (first && first.index !== null && typeof first.submitted !== 'number') return first.reason;
      const line = `max |Δ logprob| ${formatNumber(f.maxAbsError ?? 0)} ${cmp(f.maxAbsError ?? 0, abs)} ${formatNumber(abs)}`;
      return v.pass
        ? `${line} over ${count(f.compared)} tokens`
        : first && first.index === null
          ? `${first.reason}; ${line}`
          : `${line} (${count(f.failed)} of ${count(f.compared)} tokens off)`;
    }
  }
}

/** Where the output first broke the policy, with both values: "first at t[0, 3]: 0.52, the re-run 0.011". */
export function describeFailure(first: FailurePoint | null, rule: VerificationRule): string | null {
  // A structural failure has no place to point at: the summary already gives its reason.
  if (!first || first.index === null) return null;
  const value = (x: number | string | null) => (typeof x === 'number' ? formatNumber(x) : JSON.stringify(x));
  if (first.tensor === null) {
    return `first at token ${first.index}: ${value(first.submitted)} claimed, ${value(first.reference)} re-scored`;
  }
  const where = `${first.tensor}[${(first.at ?? [first.index]).join(', ')}]`;
  if (rule === 'argmax') {
    return `first differing row ${where}: largest value at ${String(first.submitted)}, the re-run’s at ${String(first.reference)}`;
  }
  return `first at ${where}: ${value(first.submitted)}, the re-run ${value(first.reference)}`;
}

function cmp(x: number, bound: number): string {
  return x <= bound ? '≤' : '>';
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
