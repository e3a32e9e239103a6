/**
 * Type tests of `sendCall`, `eventIn` and the action helpers, checked by `npm run typecheck` (this file is never run): the contract's function names
 * and argument types are the compiler's to check, so a call that no longer matches the ABI does not build. Each
 * `@ts-expect-error` fails the typecheck the day its line compiles.
 */
import { expectTypeOf } from 'vitest';
import type { Address, TransactionReceipt } from 'viem';
import { economyAbi } from '../../../../src/main/chain/artifacts';
import { jobAction, standingAction } from '../../../../src/main/chain/actions/economyAction';
import { readProvider } from '../../../../src/main/chain/actions/readProvider';
import {
  eventIn,
  sendCall,
  type ActionClient,
  type ActionReceipt,
} from '../../../../src/main/chain/actions/send';

export function sendCallIsTyped(client: ActionClient, economy: Address, to: Address): void {
  const base = { client, abi: economyAbi, address: economy, key: 'k', label: 'l' } as const;

  // Right name, right arguments.
  expectTypeOf(sendCall({ ...base, functionName: 'pause', args: [] })).toEqualTypeOf<
    Promise<ActionReceipt>
  >();
  void sendCall({ ...base, functionName: 'withdrawBond', args: [to] });
  void sendCall({ ...base, functionName: 'addBond', args: [10n] });

  // @ts-expect-error a function the economy does not have (a renamed one)
  void sendCall({ ...base, functionName: 'pauseProvider', args: [] });
  // @ts-expect-error a view: nothing to send
  void sendCall({ ...base, functionName: 'providerOf', args: [to] });
  // @ts-expect-error an argument of the wrong type (an amount where an address goes)
  void sendCall({ ...base, functionName: 'withdrawBond', args: [10n] });
  // @ts-expect-error an argument missing
  void sendCall({ ...base, functionName: 'withdrawBond', args: [] });
  // @ts-expect-error an argument too many
  void sendCall({ ...base, functionName: 'pause', args: [to] });
  // @ts-expect-error the factory's function on the economy's ABI
  void sendCall({ ...base, functionName: 'fork', args: [] });
}

export function eventInIsTyped(receipt: TransactionReceipt, economy: Address): void {
  expectTypeOf(eventIn(receipt, economyAbi, economy, 'JobPosted').jobId).toEqualTypeOf<bigint>();
  // @ts-expect-error an event the economy does not emit
  eventIn(receipt, economyAbi, economy, 'JobPostedd');
}

export function actionHelpersAreTyped(): void {
  const provider = { read: readProvider, key: () => [], label: 'l' } as const;
  standingAction({ ...provider, name: 'pauseProvider', functionName: 'pause', args: () => [] as const });
  // @ts-expect-error arguments the function does not take
  standingAction({ ...provider, name: 'pauseProvider', functionName: 'pause', args: () => [1n] as const });
  // @ts-expect-error a function the economy does not have
  standingAction({ ...provider, name: 'pauseProvider', functionName: 'pauze', args: () => [] as const });

  jobAction({ name: 'finalize', functionName: 'finalize', label: () => 'l', done: () => true });
  // @ts-expect-error a job action calls f(jobId): vote also takes the verdict
  jobAction({ name: 'vote', functionName: 'vote', label: () => 'l', done: () => true });
}
