import type { CallName, CallParams, CallResult, Settings } from '../../src/shared/api';
import * as f from './fixtures';

type Answers = { [N in CallName]?: (params: CallParams<N>) => CallResult<N> };

/**
 * The node as it will be once it is whole, answering every read of the contract from the fixtures. Shared by the
 * component tests (through TestBridge) and the browser spec that renders the pages with data (through routes).
 */
export const fixtureAnswers: Answers = {
  'node.status': () => f.nodeStatus,
  'hardware.get': () => f.hardware,
  'benchmark.get': () => f.benchmark,
  'settings.get': () => f.settings,
  'settings.update': ({ patch }) =>
    ({
      ...f.settings,
      ...patch,
      limits: { ...f.settings.limits, ...patch.limits },
      ui: { ...f.settings.ui, ...patch.ui },
    }) as Settings,
  'wallet.get': () => f.wallet,
  'economies.list': () => f.economies,
  // Addresses are `unknown` on the input side of the contract's schemas: the node validates them.
  'economies.estimate': ({ economy, bond }) => {
    const estimate = f.estimates[economy as string]!;
    return { ...estimate, bond: bond ?? estimate.bond };
  },
  'provider.get': () => f.providerStopped,
  'jobs.list': ({ mine }) => (mine ? f.jobs.filter((j) => j.mine) : f.jobs),
  'jobs.get': ({ key }) => {
    const detail = [
      f.finalizedDetail,
      f.vadDetail,
      f.detectionDetail,
      f.fineTuneDetail,
      f.textRunningDetail,
      f.textDetail,
    ].find((d) => d.key === key);
    if (!detail) throw new Error(`no fixture for job ${key}`);
    return detail;
  },
  'earnings.get': () => f.earnings,
  'earnings.quote': ({ economy }) =>
    economy === 'all' ? f.quotesAll : f.quotesAll.filter((q) => q.economy === economy),
  'penalties.list': () => f.penalties,
  'penalties.network': () => f.networkPenalties,
  'validator.get': () => f.validator,
  'fleet.list': () => f.fleet,
  'fleet.refresh': () => f.fleet,
  'validator.risk': ({ economy, bond }) => f.validatorRisk(economy as string, bond),
};
