import type { CallName } from '../../src/shared/api';
import { TestBridge } from './bridge';
import { fixtureAnswers } from './fixtureAnswers';
import * as f from './fixtures';

/** A bridge that answers every read of the contract with the fixtures: the node as it will be once it is whole. */
export function fixtureBridge(): TestBridge {
  const bridge = new TestBridge();
  for (const [name, answer] of Object.entries(fixtureAnswers)) {
    bridge.answer(name as CallName, answer as never);
  }
  return bridge;
}

/** Answers every call of the parts the node does not run yet with UNAVAILABLE, as the node does today. */
export function unavailableBridge(): TestBridge {
  const chain = f.unavailable('chain connection');
  return fixtureBridge()
    .answer('benchmark.get', f.unavailable('benchmark'))
    .answer('wallet.get', f.unavailable('wallet'))
    .answer('economies.list', chain)
    .answer('economies.estimate', chain)
    .answer('provider.get', chain)
    .answer('jobs.list', chain)
    .answer('jobs.get', chain)
    .answer('earnings.get', chain)
    .answer('earnings.quote', chain)
    .answer('penalties.list', chain)
    .answer('penalties.network', chain)
    .answer('validator.get', chain)
    .answer('validator.risk', chain);
}

/** A promise and its resolver, to hold a call open until the test lets it finish. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
