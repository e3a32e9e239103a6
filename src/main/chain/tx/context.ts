import type { Abi, Address, Hash, Hex, LocalAccount, PublicClient, TransactionReceipt } from 'viem';
import type { Logger } from '../../log';
import type { ErrorUnits } from './contractErrors';
import type { TxRecord } from './record';
import type { TxStore } from './store';
import type { Waiters } from './waiters';

export interface TxRequest {
  /**
   * Names the action, so it is never sent twice: `submitResult:<economy>:<jobId>`. A second `submit` with the
   * same key attaches to the first (pending), or answers from it (confirmed, already done) — also after a restart.
   * A key whose transaction failed or reverted may be submitted again.
   */
  key: string;
  /** For logs and the UI ("Submit result of job 12"). */
  label?: string;
  to: Address;
  data?: Hex;
  value?: bigint;
  /** Gas limit; when left out it is estimated (which also simulates the call) and given the margin. */
  gas?: bigint;
  /** The contract's ABI, to name a revert in the simulation by its custom error (`JobNotAssigned()`). */
  abi?: Abi;
  /** How token amounts in a revert are written (the economy's symbol); "tokens" with 18 decimals when left out. */
  units?: ErrorUnits;
  /**
   * Asked before anything is signed, and again when the simulation reverts: true when the action is already
   * done on-chain (the result is already submitted, the bond already added). Then nothing is sent.
   */
  alreadyDone?: () => Promise<boolean>;
  /**
   * Called with each signed attempt (the first, fee bumps, a cancel) after it is written down and before it is
   * broadcast: the job journal records `submitting(txHash)` here.
   */
  onSent?: (hash: Hash, nonce: number) => void | Promise<void>;
}

export type TxOutcome =
  | { status: 'confirmed'; key: string; hash: Hash; nonce: number; receipt: TransactionReceipt }
  | { status: 'alreadyDone'; key: string };

export interface TxManagerOptions {
  /** A viem public client on the chain (its transport's own retries may stay on: they are harmless here). */
  client: PublicClient;
  /** The signing account (the unlocked wallet's). */
  account: LocalAccount;
  /** The persisted queue goes to `<dataDir>/tx/`. */
  dataDir: string;
  log: Logger;
  /** Asked from the chain when left out. */
  chainId?: number;
  /** Blocks on top of the one with the transaction before it counts (1 = mined). */
  confirmations?: number;
  /** How often pending transactions are checked: ~20 ms on the devnet, ~1 s on a real chain. */
  pollingIntervalMs?: number;
  /** How long a transaction may wait unmined before it is replaced with higher fees. */
  bumpAfterMs?: number;
  /** Replacement fee increase, percent (≥ 12.5). */
  bumpPct?: number;
  /** How long between checks that a pending transaction is still in the node's mempool. */
  dropCheckMs?: number;
  /** Margin on gas estimates, percent. */
  gasMarginPct?: number;
  /**
   * Gas added to a contract call's estimate beyond the margin, for work the block may do that the estimate did not:
   * see `GAS_HEADROOM`. Plain transfers get none.
   */
  gasHeadroom?: bigint;
  /** Fee bumps stop at this max fee per gas (wei). */
  maxFeePerGasCap?: bigint;
  /** Tries per RPC call before it counts as RPC_FAILED. */
  rpcAttempts?: number;
  now?: () => number;
}

/** The options with their defaults filled in. */
export type TxSettings = Required<Omit<TxManagerOptions, 'maxFeePerGasCap' | 'chainId'>> & {
  maxFeePerGasCap?: bigint;
};

/** What the manager's parts (sending, tracking, fees, nonces) share: one account on one chain and its queue. */
export interface TxContext {
  readonly o: TxSettings;
  readonly address: Address;
  readonly chainId: number;
  readonly store: TxStore;
  readonly waiters: Waiters;
  /** The requests of keys not final yet: a replacement attempt is announced through their `onSent` too. */
  readonly requests: Map<string, TxRequest>;
  /** Keys being signed and broadcast for the first time: tracking leaves them alone until that is over. */
  readonly sending: Set<string>;
  /** Whether the manager was closed. */
  closed(): boolean;
  /** Writes a record down (fsync'd) and tells the listeners. */
  write(record: TxRecord): void;
  /** An RPC call, tried again while the connection fails (RPC_FAILED after the last try). */
  rpc<T>(what: string, fn: () => Promise<T>): Promise<T>;
}
