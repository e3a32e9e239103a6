import type { EconomyParams, Membership, TokenInfo } from './api/economies';
import { formatUnits } from './units';

/** No-shows in a row after which the contract pauses a provider (`ProviderPaused`, see the accept step). */
export const NO_SHOW_PAUSE = 3;

/** Why the contract gives this provider no weight in the draw now, with the top-up that would fix it. */
export interface NotDrawable {
  /** In words: "not drawable: bond 45 LITE < 50 minimum — add 5 LITE", "jailed until …", … */
  reason: string;
  /** The bond to add (base units) for the bond case; null where adding bond does not help. */
  topUp: string | null;
}

/**
 * Whether a membership is drawable, and why not when it is not: the standing the contract actually weighs, so no
 * page says "serving" while the draw passes this provider by. Null for a drawable provider and for
 * one that is not a member (nothing to warn about). The bond case comes first: jail and pause end by themselves
 * or by a click, a bond under the minimum only by adding to it.
 */
export function notDrawable(
  m: Pick<Membership, 'status' | 'bond' | 'jailedUntil'> & { noShows?: number },
  params: { minBond: EconomyParams['minBond'] | bigint },
  token: Pick<TokenInfo, 'symbol' | 'decimals'>,
): NotDrawable | null {
  if (m.status === 'none' || m.status === 'exiting' || m.status === 'exited') return null;
  const bond = BigInt(m.bond);
  const min = BigInt(params.minBond);
  if (bond < min) {
    const fmt = (v: bigint) => `${formatUnits(v, token.decimals)} ${token.symbol}`;
    return {
      reason: `not drawable: bond ${fmt(bond)} < ${formatUnits(min, token.decimals)} minimum — add ${fmt(min - bond)}`,
      topUp: (min - bond).toString(),
    };
  }
  if (m.status === 'jailed') {
    const until = m.jailedUntil === null ? '' : ` until ${utcMinute(m.jailedUntil)}`;
    return { reason: `jailed${until}`, topUp: null };
  }
  if (m.status === 'paused' && (m.noShows ?? 0) >= NO_SHOW_PAUSE) {
    return { reason: `paused on-chain after ${m.noShows} no-shows`, topUp: null };
  }
  return null;
}

/** Unix seconds as "2026-12-04 21:05 UTC": the same in every shell and test. */
function utcMinute(s: number): string {
  return `${new Date(s * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
