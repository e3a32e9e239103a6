/** The validator's states in words, shared by the Validate page, its Dashboard card and the Earnings page. */
import type { CheckStep, ValidatorCheck, ValidatorEconomy, ValidatorStanding } from '#shared/api';
import { compareAmounts, formatAmount, type TokenLike } from './money';

export const standingText: Record<ValidatorStanding, string> = {
  none: 'not bonded',
  active: 'validating',
  exiting: 'unbonding',
  exited: 'exited',
};

/** The badge class for a standing: the provider membership badges mean the same. */
export const standingBadge: Record<ValidatorStanding, string> = {
  none: 'badge-member-none',
  active: 'badge-member-active',
  exiting: 'badge-member-exiting',
  exited: 'badge-member-exited',
};

export const verdictText: Record<ValidatorCheck['verdict'], string> = {
  pending: 'checking',
  valid: 'agrees',
  invalid: 'disagrees',
  skipped: 'skipped',
};

export const verdictBadge: Record<ValidatorCheck['verdict'], string> = {
  pending: 'badge-active',
  valid: 'badge-ok',
  invalid: 'badge-bad',
  skipped: 'badge-neutral',
};

/** What this node did about a check, in words: its challenge or its vote. */
export function actionText(check: ValidatorCheck): string | null {
  switch (check.action) {
    case 'none':
      return null;
    case 'committing':
      return 'challenging: commitment sent, reveal follows inside the window';
    case 'challenged':
      return 'challenged the result (voted invalid)';
    case 'voting':
      return `voting ${check.vote === null ? '' : check.vote ? 'valid' : 'invalid'}`.trim();
    case 'voted':
      return `voted ${check.vote ? 'valid' : 'invalid'}`;
    case 'released':
      return 'challenge withdrawn before the reveal (the commitment was released)';
    case 'missed':
      return 'its turn was missed (the window closed first): nothing was sent';
  }
}

export const outcomeText: Record<NonNullable<ValidatorCheck['outcome']>, string> = {
  open: 'vote open',
  upheld: 'the result stood',
  rejected: 'the result was rejected',
  'no quorum': 'no quorum: the result stood, nobody paid',
};

/** A check's steps in words, for its history (commit → reveal, or the vote, then the outcome). */
export const stepText: Record<CheckStep, string> = {
  picked: 'picked',
  checked: 're-run here and judged',
  passed: 'agrees: nothing to challenge',
  skipped: 'skipped',
  committing: 'challenge committed (the commitment sent)',
  challenged: 'challenge revealed with the evidence',
  releasing: 'releasing the commitment',
  released: 'commitment released',
  voting: 'vote decided',
  voted: 'vote cast',
  resolved: 'challenge resolved',
  settled: 'vote settled and paid out',
  missed: 'its turn missed',
};

/** True for checks that involve a challenge or a vote (this node's or another validator's). */
export function isChallengeOrVote(check: ValidatorCheck): boolean {
  return check.action !== 'none' || check.purpose === 'vote';
}

export function tokenOf(e: Pick<ValidatorEconomy, 'symbol' | 'decimals'>): TokenLike {
  return { symbol: e.symbol, decimals: e.decimals };
}

/**
 * Amounts summed per token ("1.2 FLY · 0.5 LITE"): economies have their own tokens, so amounts only add up within
 * one symbol. Economies with nothing in them are left out; "0" when all are empty.
 */
export function perToken(
  economies: readonly ValidatorEconomy[],
  pick: (e: ValidatorEconomy) => string,
): string {
  const sums = new Map<string, { token: TokenLike; total: bigint }>();
  for (const e of economies) {
    const key = `${e.symbol}:${e.decimals}`;
    const s = sums.get(key) ?? { token: tokenOf(e), total: 0n };
    s.total += BigInt(pick(e));
    sums.set(key, s);
  }
  const parts = [...sums.values()]
    .filter((s) => compareAmounts(s.total, 0n) > 0)
    .map((s) => formatAmount(s.total, s.token));
  return parts.length > 0 ? parts.join(' · ') : '0';
}
