import type { Settings } from '../../src/shared/api';
import { TestBridge } from './bridge';
import * as f from './fixtures';

/** A bridge that answers every call of the contract with the fixtures: the node as it will be once it is whole. */
export function fixtureBridge(): TestBridge {
  return (
    new TestBridge()
      .answer('node.status', f.nodeStatus)
      .answer('hardware.get', f.hardware)
      .answer('benchmark.get', f.benchmark)
      .answer('settings.get', f.settings)
      .answer(
        'settings.update',
        ({ patch }) =>
          ({
            ...f.settings,
            ...patch,
            limits: { ...f.settings.limits, ...patch.limits },
            ui: { ...f.settings.ui, ...patch.ui },
          }) as Settings,
      )
      .answer('wallet.get', f.wallet)
      .answer('economies.list', f.economies)
      // Addresses are `unknown` on the input side of the contract's schemas: the node validates them.
      .answer('economies.estimate', ({ id, bond }) => {
        const estimate = f.estimates[id as string]!;
        return { ...estimate, bond: bond ?? estimate.bond };
      })
      .answer('provider.get', f.providerStopped)
      .answer('jobs.list', ({ mine }) => (mine ? f.jobs.filter((j) => j.mine) : f.jobs))
      .answer('jobs.get', ({ key }) => {
        const detail = [f.finalizedDetail, f.vadDetail, f.fineTuneDetail].find((d) => d.key === key);
        if (!detail) throw new Error(`no fixture for job ${key}`);
        return detail;
      })
      .answer('earnings.get', f.earnings)
      .answer('earnings.quote', ({ economyId }) =>
        economyId === 'all' ? f.quotesAll : f.quotesAll.filter((q) => q.economyId === economyId),
      )
      .answer('penalties.list', f.penalties)
  );
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
    .answer('penalties.list', chain);
}

/** A promise and its resolver, to hold a call open until the test lets it finish. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
