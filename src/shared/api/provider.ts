import { z } from 'zod';
import { amountSchema, economyCallSchema as economy, type Membership } from './economies';
import { defineCall, defineEvent, type Address, type Amount, type Hash } from './define';
import { addressSchema } from './settings';

export type RunState = 'stopped' | 'starting' | 'providing' | 'held' | 'error';

/** The big switch, and why it is where it is. */
export interface ProviderState {
  status: RunState;
  /** Why paused or in error, in words: "GPU at 88 °C (limit 85 °C)", "Wallet locked", … */
  reason: string | null;
  /** Economies this provider takes jobs in. */
  serving: Address[];
  slots: { busy: number; total: number };
  /**
   * Economies joined where the contract gives this provider no weight in the draw (bond under the minimum, jailed,
   * paused after no-shows), with why in words and the bond top-up that fixes it; they are not in `serving`.
   * Absent: none.
   */
  notDrawable?: { economy: Address; name: string; reason: string; topUp: Amount | null }[];
  /**
   * Auto top-up (Settings): in each economy where it added to the bond or last could not, what it added against the
   * cap ("added 5 LITE of the 20 LITE cap") or why it could not, in words. Absent: nothing to say.
   */
  autoTopUp?: { economy: Address; name: string; added: Amount; text: string }[];
}

/** What auto top-up just did in one economy: added the shortfall to the bond, or could not (cap or balance). */
export interface AutoTopUpNotice {
  economy: Address;
  name: string;
  outcome: 'added' | 'skipped';
  /** Base units added (null when skipped). */
  amount: Amount | null;
  /** In words: "Added 5 LITE to the bond in Flywheel Lite (bond 45 LITE < 50 minimum); 5 LITE of the 20 LITE cap used". */
  text: string;
  t: number;
}

/** A transaction the node sent for the user, for progress and links. */
export interface TxRef {
  label: string;
  hash: Hash;
  economy: Address | null;
  /**
   * Sent by the job loop on its own (draw, submit, decline, finalize): many a minute while providing, so the UI
   * speaks of them only when they fail; the job feed shows the rest.
   */
  routine?: boolean;
}

export interface LifecycleResult {
  membership: Membership;
  txs: TxRef[];
}

export const providerCalls = {
  'provider.get': defineCall<ProviderState>()(
    'Whether the node is providing, and in which economies.',
    z.object({}).strict(),
  ),
  'provider.start': defineCall<ProviderState>()(
    'Start taking jobs in the economies joined.',
    z.object({}).strict(),
  ),
  'provider.stop': defineCall<ProviderState>()(
    'Stop taking jobs: new assignments are declined inside their accept window (no slash); running jobs finish.',
    z.object({}).strict(),
  ),
  'provider.join': defineCall<LifecycleResult>()(
    'Register in an economy with a bond (or add to the bond if registered), with the job kinds and capacity served.',
    z.object({ economy: addressSchema, bond: amountSchema }).strict(),
  ),
  'provider.addBond': defineCall<LifecycleResult>()(
    'Add to the bond in an economy.',
    z.object({ economy: addressSchema, amount: amountSchema }).strict(),
  ),
  'provider.exit': defineCall<LifecycleResult>()(
    'Request exit: the bond unbonds over the unbonding period.',
    economy,
  ),
  'provider.withdrawBond': defineCall<LifecycleResult>()('Withdraw the bond once unbonded.', economy),
  'provider.moveBond': defineCall<LifecycleResult>()(
    'Move the bond: exit one economy and join another with a bond (the old bond keeps unbonding).',
    z.object({ fromEconomy: addressSchema, toEconomy: addressSchema, bond: amountSchema }).strict(),
  ),
  'provider.claimForkAllocation': defineCall<LifecycleResult>()(
    'Claim this wallet’s genesis allocation in a fork (Merkle proof of its bond in the parent).',
    economy,
  ),
};

export const providerEvents = {
  'provider.changed': defineEvent<ProviderState>('The provider switch or its reason changed.'),
  'provider.autoTopUp': defineEvent<AutoTopUpNotice>(
    'Auto top-up added to the bond by itself after a slash left it under the minimum, or could not (cap, balance).',
  ),
  'tx.updated': defineEvent<TxRef & { status: 'pending' | 'confirmed' | 'failed'; error?: string }>(
    'A transaction the node sent moved on.',
  ),
};
