import type { Address } from 'viem';
import type { JobDecline, JobRefund, JobStatus } from '#shared/api/jobs';
import { declineReasonByCode, declineReasons } from '#shared/decline';
import { sameAddress, type StoredLog } from '../chain/sync/storedLog';

/** Blocks after a job's draw block before its requester may cancel it (EconomyBase.sol, CANCEL_DELAY_BLOCKS). */
export const CANCEL_DELAY_BLOCKS = 256n;
/** Draws that kept nobody after which the requester may cancel at once (EconomyBase.sol, CANCEL_AFTER_MISSES). */
export const CANCEL_AFTER_MISSES = 16;

/** Each decline of a job, oldest first, with its reason in words (shared/decline.ts). */
export function jobDeclines(events: readonly StoredLog[]): JobDecline[] {
  return events
    .filter((l) => l.name === 'JobDeclined')
    .map((l) => {
      const code = Number(l.args.reason ?? 0);
      const name = declineReasonByCode(code) ?? null;
      return {
        provider: String(l.args.provider ?? '') as Address,
        reason: name,
        label: name ? declineReasons[name].label : `Unknown reason ${code}`,
        meaning: name ? declineReasons[name].meaning : null,
        t: l.t,
      };
    });
}

/** Providers drawn for a job that never accepted it inside the accept window (re-drawn, nobody slashed). */
export function jobNoShows(events: readonly StoredLog[]): { provider: Address; t: number }[] {
  return events
    .filter((l) => l.name === 'JobNoShow')
    .map((l) => ({ provider: String(l.args.provider ?? '') as Address, t: l.t }));
}

export interface RefundFacts {
  status: JobStatus;
  requester: Address;
  /** This wallet (null: none yet). */
  me: Address | null;
  /** The job's events, chain order (a name and a transaction each is enough). */
  events: readonly Pick<StoredLog, 'name' | 'tx'>[];
  /** The economy's maxDeclines (null: its parameters could not be read). */
  maxDeclines: number | null;
  /** Posted: the block whose hash seeds the next draw (the contract's `drawBlock`), and the chain's latest block. */
  drawBlock: bigint | null;
  latestBlock: bigint | null;
}

/**
 * How the fee of a job comes back to its requester, in words, and whether this wallet may cancel it now. The
 * contract refunds a job by itself at its `maxDeclines`-th decline, no-show or timeout (EconomyBase._redrawOrRefund);
 * a job nobody can be drawn for (every provider declined it, or none is eligible) stays Posted until its requester
 * cancels it (EconomyModule.cancelJob), which the contract allows from 256 blocks after its last draw block, or at
 * once after 16 draws that kept nobody. Pure, so each case is tested.
 */
export function refundInfo(f: RefundFacts): JobRefund {
  const yours = !!f.me && sameAddress(f.requester, f.me);
  const owner = yours ? 'your' : 'the requester’s';
  const misses = f.events.filter(
    (l) => l.name === 'JobDeclined' || l.name === 'JobNoShow' || l.name === 'JobTimedOut',
  ).length;
  const max = f.maxDeclines;
  const atMax =
    max === null ? 'after too many declines' : `at the ${ordinal(max)} decline, no-show or timeout`;
  const none = { maxDeclines: max, yours, cancellable: false, cancellableFromBlock: null };
  switch (f.status) {
    case 'Refunded': {
      const refunded = f.events.findLast((l) => l.name === 'JobRefunded');
      const last = f.events.findLast(
        (l) => l.name === 'JobDeclined' || l.name === 'JobNoShow' || l.name === 'JobTimedOut',
      );
      const byItself = !!refunded && !!last && refunded.tx === last.tx;
      const claim = yours ? ' Withdraw it from Earnings.' : '';
      return {
        ...none,
        text: byItself
          ? `Refunded by itself after ${misses} declines, no-shows or timeouts (this economy refunds ${atMax}): the fee went to ${owner} claimable balance.${claim}`
          : `Cancelled by ${yours ? 'you' : 'its requester'}: the fee went to ${owner} claimable balance.${claim}`,
      };
    }
    case 'Rejected':
      return { ...none, text: `The result was rejected: the fee went back to ${owner} claimable balance.` };
    case 'Finalized':
      return { ...none, text: 'The fee paid the provider (less the protocol fee).' };
    case 'Submitted':
    case 'Voting':
      return {
        ...none,
        text: 'The fee is held until the result finalizes (it pays the provider) or a challenge rejects it (it goes back to the requester).',
      };
    case 'Assigned':
      return {
        ...none,
        text: `The fee is held while the provider works on it; a decline, a no-show or a missed deadline draws the job again, and it is refunded by itself ${atMax}.`,
      };
    case 'Posted': {
      const so = misses && max !== null ? `${misses} of ${max} declines, no-shows or timeouts so far. ` : '';
      const auto = `${so}Refunded by itself ${atMax}; if nobody can be drawn for it, ${yours ? 'you' : 'its requester'} can cancel it.`;
      if (f.drawBlock === null || f.latestBlock === null) return { ...none, text: auto };
      const draws = f.events.filter((l) => l.name === 'DrawMissed').length;
      const from = f.drawBlock + CANCEL_DELAY_BLOCKS + 1n;
      // A transaction sent now lands in the next block at the earliest.
      const now = draws >= CANCEL_AFTER_MISSES || f.latestBlock + 1n >= from;
      const when = now
        ? 'now'
        : `from block ${from} (now ${f.latestBlock}, ${from - f.latestBlock} blocks to go), or at once after ${CANCEL_AFTER_MISSES} draws that keep nobody (${draws} so far)`;
      const text = yours
        ? `${so}Refunded by itself ${atMax}. You can cancel it ${when} to take the fee back.`
        : `${so}Refunded by itself ${atMax}; its requester can cancel it ${when}.`;
      return {
        ...none,
        text,
        cancellable: yours && now,
        cancellableFromBlock: now ? null : from.toString(),
      };
    }
  }
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
