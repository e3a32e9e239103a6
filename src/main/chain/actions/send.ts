/**
 * What every write action shares: the sending account's transaction manager (nonces, fee bumps, idempotency keys,
 * receipts) and a public client to read. One action per file in this folder, each exporting its parameters, its
 * return type and one `action(client, params)`; what they refuse or fail they throw as `ActionErrorType`.
 */
import {
  decodeEventLog,
  encodeFunctionData,
  type Abi,
  type Address,
  type ContractEventName,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type ContractFunctionParameters,
  type DecodeEventLogReturnType,
  type EncodeFunctionDataParameters,
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

/**
 * The one error type of every action in this folder: a `FlywheelError`, told apart by its `code`.
 * - TX_FAILED: the call reverted in simulation or on-chain or the node refused it (a `TxFailedError`, with its
 *   idempotency key and the receipt when there is one), or the receipt lacks the event the action reads.
 * - RPC_FAILED: the chain could not be reached, after retries.
 * - UNAVAILABLE: the transaction manager is stopped, or the chain offers no EIP-1559 fees.
 * - CONFLICT: done earlier under the same key, and what it returned can no longer be read (createFork, postJob).
 * - NOT_FOUND: a read found nothing (readJobPosted).
 * - BAD_INPUT: refused before anything is sent (an empty key; a model or input URI at a metadata address).
 * A plain read of the chain (the read actions, and what a write action reads before it sends) passes viem's own
 * error on when the RPC fails.
 */
export type ActionErrorType = TxFailedError | FlywheelError;

/** Functions a transaction can call (no value is sent, so a payable one is called with none). */
export type Writable = 'nonpayable' | 'payable';

/**
 * One contract call, typed as viem's `writeContract` types it: `functionName` must be a writable function of `abi`
 * and `args` its arguments, so a renamed or re-typed contract function fails to compile here.
 */
export type SendCall<
  abi extends Abi | readonly unknown[] = Abi,
  functionName extends ContractFunctionName<abi, Writable> = ContractFunctionName<abi, Writable>,
  args extends ContractFunctionArgs<abi, Writable, functionName> = ContractFunctionArgs<
    abi,
    Writable,
    functionName
  >,
> = ContractFunctionParameters<abi, Writable, functionName, args> & {
  client: ActionClient;
  /** Idempotency key (see TxRequest.key): the same key is never sent twice, also across restarts. */
  key: string;
  label: string;
  alreadyDone?: () => Promise<boolean>;
  /** Called with each signed attempt before it is broadcast (see TxRequest.onSent): the job journal's hook. */
  onSent?: TxRequest['onSent'];
};

/** Encodes the call and hands it to the account's transaction manager; waits for the receipt. */
export async function sendCall<
  const abi extends Abi | readonly unknown[],
  functionName extends ContractFunctionName<abi, Writable>,
  const args extends ContractFunctionArgs<abi, Writable, functionName>,
>(call: SendCall<abi, functionName, args>): Promise<ActionReceipt> {
  const data = encodeFunctionData({
    abi: call.abi,
    functionName: call.functionName,
    args: call.args,
  } as EncodeFunctionDataParameters);
  const outcome = await call.client.tx.submit({
    key: call.key,
    label: call.label,
    to: call.address,
    data,
    abi: call.abi as Abi,
    ...(call.alreadyDone ? { alreadyDone: call.alreadyDone } : {}),
    ...(call.onSent ? { onSent: call.onSent } : {}),
  });
  if (outcome.status === 'alreadyDone') return { hash: null, receipt: null };
  return { hash: outcome.hash, receipt: outcome.receipt };
}

/** The first log of `eventName` emitted by `address` in a receipt, its arguments decoded; throws when there is none. */
export function eventIn<const abi extends Abi, eventName extends ContractEventName<abi>>(
  receipt: TransactionReceipt,
  abi: abi,
  address: Address,
  eventName: eventName,
): DecodeEventLogReturnType<abi, eventName>['args'] {
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address.toLowerCase()) continue;
    try {
      const ev = decodeEventLog({ abi: abi as Abi, data: log.data, topics: log.topics });
      if (ev.eventName === eventName) return ev.args as DecodeEventLogReturnType<abi, eventName>['args'];
    } catch {
      continue; // another event of the same contract
    }
  }
  throw new FlywheelError(`The transaction emitted no ${eventName} event.`, {
    code: 'TX_FAILED',
    details: receipt.transactionHash,
  });
}
