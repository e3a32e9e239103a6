/**
 * What every write action shares: the sending account's transaction manager (nonces, fee bumps, idempotency keys,
 * receipts) and a public client to read. One action per file in this folder, each exporting its parameters, its
 * return type and one `async function action(client, params)`.
 */
import {
  decodeEventLog,
  encodeFunctionData,
  type Abi,
  type Address,
  type Hash,
  type PublicClient,
  type TransactionReceipt,
} from 'viem';
import { FlywheelError } from '#shared/errors';
import type { TxManager, TxRequest } from '../tx/manager';
import type { TxFailedError } from '../tx/errors';

/** A sending account on one chain: the tx manager signs and sends; the public client reads and simulates. */
export interface ActionClient {
  publicClient: PublicClient;
  tx: TxManager;
}

/** What a write action gives back: the transaction (null when the action was found already done on-chain). */
export interface ActionReceipt {
  hash: Hash | null;
  receipt: TransactionReceipt | null;
}

/** The errors a write action throws: a revert or refusal (TX_FAILED), an unreachable RPC (RPC_FAILED). */
export type ActionErrorType = TxFailedError | FlywheelError;

export interface SendCall<A extends Abi> {
  client: ActionClient;
  abi: A;
  address: Address;
  functionName: string;
  args: readonly unknown[];
  /** Idempotency key (see TxRequest.key): the same key is never sent twice, also across restarts. */
  key: string;
  label: string;
  alreadyDone?: () => Promise<boolean>;
  /** Called with each signed attempt before it is broadcast (see TxRequest.onSent): the job journal's hook. */
  onSent?: TxRequest['onSent'];
}

/** Encodes the call and hands it to the account's transaction manager; waits for the receipt. */
export async function sendCall<A extends Abi>(call: SendCall<A>): Promise<ActionReceipt> {
  const data = encodeFunctionData({
    abi: call.abi as Abi,
    functionName: call.functionName,
    args: call.args as unknown[],
  });
  const outcome = await call.client.tx.submit({
    key: call.key,
    label: call.label,
    to: call.address,
    data,
    abi: call.abi,
    ...(call.alreadyDone ? { alreadyDone: call.alreadyDone } : {}),
    ...(call.onSent ? { onSent: call.onSent } : {}),
  });
  if (outcome.status === 'alreadyDone') return { hash: null, receipt: null };
  return { hash: outcome.hash, receipt: outcome.receipt };
}

/** The first log of `eventName` emitted by `address` in a receipt, decoded; throws when there is none. */
export function eventIn<A extends Abi>(
  receipt: TransactionReceipt,
  abi: A,
  address: Address,
  eventName: string,
): Record<string, unknown> {
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address.toLowerCase()) continue;
    try {
      const ev = decodeEventLog({ abi: abi as Abi, data: log.data, topics: log.topics });
      if (ev.eventName === eventName) return ev.args as unknown as Record<string, unknown>;
    } catch {
      continue; // another event of the same contract
    }
  }
  throw new FlywheelError(`The transaction emitted no ${eventName} event.`, {
    code: 'TX_FAILED',
    details: receipt.transactionHash,
  });
}
