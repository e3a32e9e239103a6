import { join } from 'node:path';
import type { Address } from 'viem';
import type { ApiHandlers, JobCheck, NodeStatus } from '#shared/api';
import type { BenchmarkService } from '../benchmark/benchmarkService';
import { BlobStore } from '../blobs/store';
import { endpointFromSettings } from '../chain/endpoint';
import { ChainService } from '../chain/chainService';
import { EventFeed } from '../chain/sync/feed';
import { EconomiesService } from '../economies/economiesService';
import { SnapshotStore } from '../economies/snapshots';
import { EarningsService } from '../earnings/earningsService';
import type { Engine } from '../engine/engine';
import type { EventBus } from '../events';
import type { HardwareService } from '../hardware/hardwareService';
import { JobsView } from '../jobs/views';
import type { Logger } from '../log';
import { evidenceReader, modelPolicyReader } from '../penalties/evidence';
import { PenaltiesService } from '../penalties/penaltiesService';
import type { SettingsStore } from '../settings/store';
import type { Wallet } from '../wallet/wallet';
import { ProviderService } from './providerService';

export interface OnChainPartsOptions {
  dataDir: string;
  settings: SettingsStore;
  wallet: Wallet;
  engine: Engine;
  benchmark: BenchmarkService;
  hardware: HardwareService;
  events: EventBus;
  log: Logger;
  /** Whether this process takes jobs (see ProviderServiceOptions.takeJobs); the CLI passes false. */
  takeJobs?: boolean;
  /** Validators' checks of a job's result that this node knows of, for the job's page (JobsViewOptions.checks). */
  jobChecks?: (economy: Address, jobId: bigint) => JobCheck[];
}

/** The calls the on-chain half of the node answers. */
type OnChainCalls =
  | 'economies.list'
  | 'economies.get'
  | 'economies.estimate'
  | 'provider.get'
  | 'provider.start'
  | 'provider.stop'
  | 'provider.join'
  | 'provider.addBond'
  | 'provider.exit'
  | 'provider.withdrawBond'
  | 'provider.moveBond'
  | 'provider.claimForkAllocation'
  | 'jobs.list'
  | 'jobs.get'
  | 'jobs.cancel'
  | 'earnings.get'
  | 'earnings.quote'
  | 'earnings.withdraw'
  | 'penalties.list'
  | 'penalties.network';

/** The chain half of the provider node, built once and wired to the API. */
export interface OnChainParts {
  /** The devnet hands its endpoint to `chain.connect(endpoint)`; a custom network is connected from the settings. */
  readonly chain: ChainService;
  readonly feed: EventFeed;
  readonly blobs: BlobStore;
  readonly economies: EconomiesService;
  readonly provider: ProviderService;
  readonly jobs: JobsView;
  readonly earnings: EarningsService;
  readonly penalties: PenaltiesService;
  readonly handlers: Pick<ApiHandlers, OnChainCalls>;
  /** node.status's `network` for the settings' network kind. */
  network(kind: NodeStatus['network']['kind'], fallbackLabel: string): NodeStatus['network'];
  close(): Promise<void>;
}

/**
 * Builds the chain half of the node: connection, event copy, blob store, economies, the provider (switch,
 * membership, job loop), jobs, earnings and penalties — and connects to the settings' network when it is a custom
 * one (the devnet connects itself once anvil is up). Nothing here imports electron.
 */
export function createOnChainParts(o: OnChainPartsOptions): OnChainParts {
  const log = o.log;
  const account = () => o.wallet.address;
  const blobs = new BlobStore({
    root: join(o.dataDir, 'blobs'),
    settings: () => o.settings.get(),
    log: log.child('blobs'),
    // The devnet serves inputs and outputs from this machine; real networks may not point jobs at it.
    allowPrivateNetwork: o.settings.get().network.kind === 'devnet',
  });
  const chain = new ChainService({
    dataDir: o.dataDir,
    wallet: o.wallet,
    events: o.events,
    log: log.child('chain'),
  });
  const feed = new EventFeed({ chain, dataDir: o.dataDir, log: log.child('chain'), account });
  const snapshots = new SnapshotStore(join(o.dataDir, 'chain', 'snapshots'), log.child('snapshots'));
  let provider: ProviderService | null = null;
  const economies = new EconomiesService({
    chain,
    feed,
    events: o.events,
    benchmark: o.benchmark,
    snapshots,
    account,
    uptime: () => provider?.uptime.fraction() ?? null,
    typicalRunS: () => provider?.local.typicalRunS() ?? null,
    modelBytes: (hash) => (blobs.local.has(hash) ? blobs.local.describe(hash).size : null),
    log: log.child('economies'),
  });
  provider = new ProviderService({
    dataDir: o.dataDir,
    chain,
    feed,
    economies,
    snapshots,
    blobs,
    engine: o.engine,
    benchmark: o.benchmark,
    hardware: o.hardware,
    wallet: o.wallet,
    settings: () => o.settings.get(),
    events: o.events,
    log: log.child('provider'),
    takeJobs: o.takeJobs ?? true,
  });
  const p = provider;
  const jobs = new JobsView({
    chain,
    feed,
    economies,
    journal: p.journal,
    local: p.local,
    events: o.events,
    account,
    ...(o.jobChecks ? { checks: o.jobChecks } : {}),
  });
  const offJobs = feed.onChange((change) => {
    for (const l of change.added)
      if (l.args.jobId !== undefined) jobs.changed(l.address, BigInt(String(l.args.jobId)));
  });
  const earnings = new EarningsService({
    chain,
    feed,
    economies,
    events: o.events,
    settings: () => o.settings.get(),
    account,
    log: log.child('earnings'),
  });
  const penalties = new PenaltiesService({
    feed,
    journal: p.journal,
    events: o.events,
    account,
    // economies.info caches each economy's parameters for the connection.
    jailStrikes: async (economy) => (await economies.info(economy)).params.jailStrikes,
    // A lost challenge's evidence, and its model's policy as the economy records it.
    readEvidence: evidenceReader(blobs),
    policy: modelPolicyReader(chain),
  });

  // A custom network comes from the settings; switching networks there moves the node.
  let network = JSON.stringify(o.settings.get().network);
  const follow = () => {
    const n = o.settings.get().network;
    if (n.kind === 'custom') {
      void chain
        .connect(endpointFromSettings(n))
        .catch((err: Error) => log.warn('could not connect to the custom network', { error: err.message }));
    } else if (chain.endpoint && !chain.endpoint.isDevnet) {
      void chain.disconnect();
    }
  };
  const offSettings = o.settings.onChange((s) => {
    const next = JSON.stringify(s.network);
    if (next === network) return;
    network = next;
    follow();
  });
  follow();

  const handlers: Pick<ApiHandlers, OnChainCalls> = {
    'economies.list': () => economies.list(),
    'economies.get': ({ economy }) => economies.get(economy),
    'economies.estimate': ({ economy, bond }) =>
      economies.estimate(economy, bond === undefined ? undefined : BigInt(bond)),
    'provider.get': async () => p.state(),
    'provider.start': () => p.start(),
    'provider.stop': () => p.stop(),
    'provider.join': ({ economy, bond }) => p.join(economy, BigInt(bond)),
    'provider.addBond': ({ economy, amount }) => p.addBond(economy, BigInt(amount)),
    'provider.exit': ({ economy }) => p.exit(economy),
    'provider.withdrawBond': ({ economy }) => p.withdrawBond(economy),
    'provider.moveBond': ({ fromEconomy, toEconomy, bond }) =>
      p.moveBond(fromEconomy, toEconomy, BigInt(bond)),
    'provider.claimForkAllocation': ({ economy }) => p.claimForkAllocation(economy),
    'jobs.list': (params) => jobs.list(params),
    'jobs.get': ({ key }) => jobs.get(key),
    'jobs.cancel': ({ key }) => jobs.cancel(key),
    'earnings.get': () => earnings.report(),
    'earnings.quote': ({ economy }) => earnings.quote(economy),
    'earnings.withdraw': ({ economy, force }) => earnings.withdraw(economy, force),
    'penalties.list': async ({ economy }) => penalties.list(economy),
    'penalties.network': async ({ limit }) => penalties.network(limit),
  };

  return {
    chain,
    feed,
    blobs,
    economies,
    provider: p,
    jobs,
    earnings,
    penalties,
    handlers,
    network(kind, fallbackLabel) {
      const s = chain.networkStatus();
      const custom = o.settings.get().network;
      return {
        kind,
        label: s.label ?? fallbackLabel,
        chainId: s.chainId ?? (custom.kind === 'custom' ? custom.chainId : null),
        rpcUrl: s.rpcUrl ?? (custom.kind === 'custom' ? custom.rpcUrl : null),
        connected: s.connected,
        blockNumber: s.blockNumber,
        nativeSymbol: s.nativeSymbol,
        explorerUrl: s.explorerUrl,
      };
    },
    async close() {
      offSettings();
      offJobs();
      jobs.close();
      earnings.close();
      penalties.close();
      economies.close();
      await p.close();
      feed.close();
      await chain.close();
    },
  };
}
