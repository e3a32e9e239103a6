import { describe, expect, it } from 'vitest';
import { describePolicy, parsePolicy, policyOf } from '../../src/shared/policy';

describe('verification policies', () => {
  it('says each rule in words, with its figures as people write them', () => {
    expect(describePolicy(policyOf({ rule: 'argmax', minAgreementBps: 9900 }))).toBe(
      'argmax agreement ≥ 99 %',
    );
    expect(describePolicy(policyOf({ rule: 'argmax', minAgreementBps: 9950 }))).toBe(
      'argmax agreement ≥ 99.5 %',
    );
    expect(
      describePolicy(policyOf({ rule: 'tolerance', maxAbsErrorE9: 100_000, maxRelErrorE9: 250_000 })),
    ).toBe('each value within 1e-4 absolute or 2.5e-4 relative');
    expect(describePolicy(policyOf({ rule: 'logprob', maxAbsErrorE9: 50_000_000 }))).toBe(
      'logprobs within 0.05 of a re-scoring',
    );
    expect(describePolicy(policyOf({ rule: 'exact' }))).toBe('exact output (same content hash)');
  });

  it('reads --policy: a rule alone takes the defaults, figures are checked against the contract’s widths', () => {
    expect(parsePolicy('exact')).toEqual(policyOf({ rule: 'exact' }));
    expect(parsePolicy('tolerance')).toEqual(
      policyOf({ rule: 'tolerance', maxAbsErrorE9: 100_000, maxRelErrorE9: 100_000 }),
    );
    expect(parsePolicy('tolerance:1e-3')).toEqual(
      policyOf({ rule: 'tolerance', maxAbsErrorE9: 1_000_000, maxRelErrorE9: 1_000_000 }),
    );
    expect(parsePolicy('tolerance:1e-4,0.01')).toEqual(
      policyOf({ rule: 'tolerance', maxAbsErrorE9: 100_000, maxRelErrorE9: 10_000_000 }),
    );
    expect(parsePolicy('argmax')).toEqual(policyOf({ rule: 'argmax', minAgreementBps: 9_900 }));
    expect(parsePolicy('argmax:99.5')).toEqual(policyOf({ rule: 'argmax', minAgreementBps: 9_950 }));
    expect(parsePolicy('logprob:0.01')).toEqual(policyOf({ rule: 'logprob', maxAbsErrorE9: 10_000_000 }));
    for (const bad of [
      'fuzzy',
      'exact:1',
      'tolerance:0',
      'tolerance:5',
      'tolerance:1,2,3',
      'argmax:101',
      'argmax:x',
    ]) {
      expect(() => parsePolicy(bad), bad).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    }
  });
});
