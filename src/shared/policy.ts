/**
 * Verification policies in words and from words: what the job page shows ("argmax agreement ≥ 99 %") and what
 * `flywheel job post --policy` reads. Units are the contract's: errors in 1e-9, agreement in basis points.
 */
import type { VerificationPolicy, VerificationRule } from './api/jobs';
import { FlywheelError } from './errors';

/** The contract's rule codes (VerificationPolicy.rule in EconomyTypes.sol), by index. */
export const verificationRules = [
  'exact',
  'tolerance',
  'argmax',
  'logprob',
] as const satisfies readonly VerificationRule[];

/** A policy with only its rule's figures given, the rest zero (as models.json writes them). */
export function policyOf(
  spec: { rule: VerificationRule } & Partial<Omit<VerificationPolicy, 'rule'>>,
): VerificationPolicy {
  return {
    rule: spec.rule,
    maxAbsErrorE9: spec.maxAbsErrorE9 ?? 0,
    maxRelErrorE9: spec.maxRelErrorE9 ?? 0,
    minAgreementBps: spec.minAgreementBps ?? 0,
  };
}

/** "exact output", "each value within 1e-4 absolute or 1e-4 relative", "argmax agreement ≥ 99 %", … */
export function describePolicy(p: VerificationPolicy): string {
  switch (p.rule) {
    case 'exact':
      return 'exact output (same content hash)';
    case 'tolerance':
      return `each value within ${e9(p.maxAbsErrorE9)} absolute or ${e9(p.maxRelErrorE9)} relative`;
    case 'argmax':
      return `argmax agreement ≥ ${trim(p.minAgreementBps / 100)} %`;
    case 'logprob':
      return `logprobs within ${e9(p.maxAbsErrorE9)} of a re-scoring`;
  }
}

/**
 * Defaults when `--policy` names only a rule: 1e-4 for tolerances, 99 % argmax agreement, 0.05 for logprobs (what
 * thread counts and batch sizes move a llama's logprobs by, with room: src/main/verification/logprob.ts).
 */
const DEFAULT_ERROR_E9 = 100_000;
const DEFAULT_LOGPROB_E9 = 50_000_000;
const DEFAULT_AGREEMENT_BPS = 9_900;

/**
 * Reads a policy as written on the command line: `exact`, `tolerance` (1e-4 both), `tolerance:1e-3` (both),
 * `tolerance:1e-4,1e-3` (absolute, relative), `argmax` (99 %), `argmax:99.5`, `logprob` (0.05), `logprob:1e-2`.
 * Anything else is BAD_INPUT.
 */
export function parsePolicy(text: string): VerificationPolicy {
  const [rule, arg] = text.trim().split(':', 2) as [string, string | undefined];
  const bad = (why: string) =>
    new FlywheelError(`Cannot read the policy "${text}": ${why}.`, {
      code: 'BAD_INPUT',
      action: 'Use exact, tolerance[:<abs>[,<rel>]], argmax[:<agreement %>] or logprob[:<abs>].',
    });
  const error = (s: string): number => {
    const x = Number(s);
    const e9v = Math.round(x * 1e9);
    if (!s.trim() || !Number.isFinite(x) || x <= 0 || e9v < 1 || e9v > 0xffffffff) {
      throw bad(`${s} is not an error bound between 1e-9 and 4.29`);
    }
    return e9v;
  };
  switch (rule) {
    case 'exact':
      if (arg !== undefined) throw bad('exact takes no figures');
      return policyOf({ rule: 'exact' });
    case 'tolerance': {
      const [abs, rel, more] = (arg ?? '').split(',');
      if (more !== undefined) throw bad('tolerance takes at most two figures');
      const a = arg === undefined ? DEFAULT_ERROR_E9 : error(abs!);
      return policyOf({
        rule: 'tolerance',
        maxAbsErrorE9: a,
        maxRelErrorE9: rel === undefined ? a : error(rel),
      });
    }
    case 'argmax': {
      if (arg === undefined) return policyOf({ rule: 'argmax', minAgreementBps: DEFAULT_AGREEMENT_BPS });
      const pct = Number(arg);
      const bps = Math.round(pct * 100);
      if (!arg.trim() || !Number.isFinite(pct) || bps < 1 || bps > 10_000) {
        throw bad(`${arg} is not a percentage between 0.01 and 100`);
      }
      return policyOf({ rule: 'argmax', minAgreementBps: bps });
    }
    case 'logprob':
      return policyOf({
        rule: 'logprob',
        maxAbsErrorE9: arg === undefined ? DEFAULT_LOGPROB_E9 : error(arg),
      });
    default:
      throw bad(`no rule "${rule}"`);
  }
}

/** An error bound in 1e-9 units as a plain number: 100000 → "1e-4", 250000 → "2.5e-4", 5e8 → "0.5". */
function e9(units: number): string {
  const x = units / 1e9;
  if (x === 0) return '0';
  return x >= 0.01 ? trim(x) : Number(x.toPrecision(6)).toExponential();
}

function trim(x: number): string {
  return Number(x.toPrecision(6)).toString();
}
