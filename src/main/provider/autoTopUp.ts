import { existsSync, readFileSync } from 'node:fs';
import type { Address } from 'viem';
import { formatTokenAmount } from '#shared/units';
import { writeFileAtomic } from '../fs/atomicWrite';

/**
 * What auto top-up added to the bond by itself in each economy, in total (`<dataDir>/provider/topups.json`), so the
 * user's cap holds across restarts. An amount is recorded before its transaction is sent and taken back only when
 * the send fails: a crash in between counts it, so the cap is never exceeded.
 */
export class TopUpRecord {
  readonly #file: string;
  #added: Record<string, string>;

  constructor(file: string) {
    this.#file = file;
    let added: Record<string, string> = {};
    if (existsSync(file)) {
      try {
        const raw = JSON.parse(readFileSync(file, 'utf8')) as { added?: Record<string, unknown> };
        for (const [k, v] of Object.entries(raw.added ?? {}))
          if (typeof v === 'string' && /^\d+$/.test(v)) added[k] = v;
      } catch {
        // A damaged record counts nothing added: the cap then allows its full amount again, which the user set.
        added = {};
      }
    }
    this.#added = added;
  }

  /** Base units added so far in `economy` on chain `chainId`. */
  added(chainId: number, economy: Address): bigint {
    return BigInt(this.#added[key(chainId, economy)] ?? '0');
  }

  /** Adds `amount` (negative: takes back one that was never sent) to the economy's total. */
  add(chainId: number, economy: Address, amount: bigint): void {
    const k = key(chainId, economy);
    const next = this.added(chainId, economy) + amount;
    this.#added = { ...this.#added, [k]: (next < 0n ? 0n : next).toString() };
    writeFileAtomic(this.#file, JSON.stringify({ added: this.#added }));
  }
}

function key(chainId: number, economy: Address): string {
  return `${chainId}:${economy.toLowerCase()}`;
}

export interface TopUpFacts {
  bond: bigint;
  minBond: bigint;
  /** The user's cap for this economy, base units. */
  cap: bigint;
  /** Added by auto top-up so far in this economy. */
  added: bigint;
  /** The wallet's token balance in this economy. */
  balance: bigint;
  token: { symbol: string; decimals: number };
}

/**
 * What auto top-up does for one membership: nothing while the bond is at or over the minimum; otherwise add exactly
 * the shortfall, or nothing with the reason when that would pass the cap or the wallet's balance (a part of the
 * shortfall would still leave the provider undrawable, so it is never added). Pure, so each rule is tested.
 */
export function planTopUp(f: TopUpFacts): { amount: bigint } | { skip: string } | null {
  if (f.bond >= f.minBond) return null;
  const shortfall = f.minBond - f.bond;
  const fmt = (v: bigint) => formatTokenAmount(v, f.token);
  const left = f.cap > f.added ? f.cap - f.added : 0n;
  if (shortfall > left) {
    return {
      skip: `needs ${fmt(shortfall)} but the cap leaves ${fmt(left)} (${fmt(f.added)} of ${fmt(f.cap)} added so far)`,
    };
  }
  if (shortfall > f.balance) {
    return { skip: `needs ${fmt(shortfall)} but the wallet holds ${fmt(f.balance)}` };
  }
  return { amount: shortfall };
}
