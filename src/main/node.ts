import { join } from 'node:path';
import { version } from '../../package.json';
import type { ApiHandlers, NodePhase, NodeStatus, RotatedToken, WalletInfo } from '#shared/api';
import { FlywheelError } from '#shared/errors';
import { createDispatcher, type Dispatch } from './api/dispatch';
import { DevnetRunner } from './devnet/runner';
import { BenchmarkService } from './benchmark/benchmarkService';
import { engineDevicesFrom } from './engine/devices';
import { createEngine, type Engine } from './engine/engine';
import { chooseLlamaBackends, llamaBackendOf, probeLlamaBackend } from './engine/llama/backends';
import { withLanguageModels } from './engine/llama/runtime';
import { DeviceRouter, pickDevice } from './engine/router';
import type { WorkerHostFactory } from './engine/worker/host';
import { EventBus } from './events';
import { FleetService } from './fleet/fleetService';
import { probeExecutionProviders } from './hardware/probe';
import { detectHardware, type DetectSources } from './hardware/detect';
import { HardwareService } from './hardware/hardwareService';
import { runTool } from './hardware/tools';
import { LogSink, type LogLevel, type Logger } from './log';
import { createNodeMetrics, type NodeMetrics } from './metrics/collector';
import { MetricsEndpoint } from './metrics/endpoint';
import { createOnChainParts, type OnChainParts } from './provider/parts';
import { confBackend, createSettingsStore, type SettingsBackend, type SettingsStore } from './settings/store';
import { ValidatorService } from './validator/validatorService';
import { validatorHandlers } from './validator/handlers';
import type { KeyProtector } from './wallet/protector';
import { Wallet } from './wallet/wallet';

export interface NodeOptions {
  dataDir: string;
  shell: NodeStatus['shell'];
  /** The settings file: conf by default; the Electron shell passes electron-store. */
  settingsBackend?: () => SettingsBackend;
  consoleLogLevel?: LogLevel | 'silent';
  /** How often the node pushes `node.status` even when nothing changed. */
  heartbeatMs?: number;
  /** The OS keychain (Electron safeStorage); without one the wallet uses a passphrase keystore. */
  keyProtector?: KeyProtector;
  /**
   * Where engine workers and the execution-provider probe run. Default: worker threads (engine) and a child process
   * (probe). The Electron shell passes utilityProcesses: `child_process.fork` cannot start there (RunAsNode fuse).
   */
  workerHost?: WorkerHostFactory;
  /**
   * The embedded devnet, while the settings say `devnet`: `run` starts it (or joins one another process serves),
   * `join` only connects to a running one, `off` leaves the chain connection to the caller (tests). Default:
   * `FLYWHEEL_DEVNET` when set, else `join` for the CLI and `run` for the app.
   */
  devnet?: 'run' | 'join' | 'off';
  /**
   * Whether this node takes jobs (runs the job loop and keeps its on-chain standing in line with the Provide
   * switch). Default: the app and the headless shell do, the CLI does not — except `flywheel provide` in the
   * foreground. One process per data folder takes jobs.
   */
  takeJobs?: boolean;
  /**
   * How the vendor tools (nvidia-smi, rocm-smi) are run for hardware detection: the real ones by default. Tests
   * pass recorded output to stand for GPUs this machine does not have.
   */
  runTool?: DetectSources['runTool'];
  /** The headless shell's API token: where it is kept and how to rotate it (`node.rotateToken`). */
  apiToken?: { file: string; rotate(): Promise<RotatedToken> };
}

/** The provider node: every part of the design, wired once, behind one dispatcher and one event bus. */
export interface FlywheelNode {
  readonly dataDir: string;
  readonly events: EventBus;
  readonly dispatch: Dispatch;
  readonly settings: SettingsStore;
  readonly hardware: HardwareService;
  /** Runs jobs: `engine.runJob(job)` (see engine/jobs.ts for the job formats). */
  readonly engine: Engine;
  /** Score, history, `predictRunMs(job)` for deadline checks and `reportLiveRun` for drift. */
  readonly benchmark: BenchmarkService;
  /** The provider's key: `wallet.account()` signs once unlocked; `wallet.onChange` tells when it locks. */
  readonly wallet: Wallet;
  /**
   * The chain half: `onchain.chain.connect(endpoint)` connects the node to a network (the devnet calls it once
   * anvil is up; a custom network is connected from the settings), then economies, provider, jobs, earnings and
   * penalties follow it. `onchain.blobs` is the node's blob store.
   */
  readonly onchain: OnChainParts;
  /** The embedded devnet while the settings say `devnet`: started by the app, joined by the CLI. */
  readonly devnet: DevnetRunner;
  /** The validator role: checks other providers' results, challenges and votes (validator/validatorService.ts). */
  readonly validator: ValidatorService;
  readonly logs: LogSink;
  readonly log: Logger;
  /**
   * Prometheus metrics (metrics/): the registry, and the `/metrics` endpoint — off unless the settings turn it on
   * or the headless shell's `--metrics-port` calls `endpoint.serve`.
   */
  readonly metrics: NodeMetrics & { readonly endpoint: MetricsEndpoint };
  /** Other nodes watched and steered from this one, their tokens sealed with the wallet (fleet/). */
  readonly fleet: FleetService;
  status(): NodeStatus;
  close(): Promise<void>;
}

/** Builds the provider node from its parts. Both shells and the CLI call this; nothing here imports electron. */
export async function createNode(options: NodeOptions): Promise<FlywheelNode> {
  const startedAt = Date.now();
  const logs = new LogSink({
    file: join(options.dataDir, 'logs', 'node.log'),
    consoleLevel: options.consoleLogLevel,
  });
  const log = logs.logger('node');
  const events = new EventBus();
  logs.onEntry((entry) => events.emit('node.log', entry));

  const settingsFile = join(options.dataDir, 'settings.json');
  const settings = createSettingsStore(
    options.settingsBackend ?? (() => confBackend(options.dataDir)),
    log.child('settings'),
    settingsFile,
  );
  settings.onChange((s) => events.emit('settings.changed', s));

  let probedReport: Awaited<ReturnType<typeof chooseLlamaBackends>> | null = null;
  const hardware = new HardwareService(events, log.child('hardware'), {
    detect: () => detectHardware({ runTool: options.runTool ?? runTool }),
    // Then which llama.cpp backend each device runs language models on (engine/llama/backends.ts).
    probeProviders: (report) =>
      probeExecutionProviders(report, options.workerHost)
        .then((probed) => chooseLlamaBackends(probed, probeLlamaBackend))
        .then((probed) => (probedReport = probed)),
  });
  // Each job goes to the device where it would finish first, by measured rates; a device not measured on its present
  // configuration is measured in the background meanwhile (engine/router.ts).
  const router = new DeviceRouter({ onUnmeasured: () => void benchmark.measureInBackground() });
  const onnxEngine = createEngine({
    router,
    // Devices are settled on first use: detection plus execution-provider probing, less those settings exclude.
    devices: async () => {
      const allowed = settings.get().limits.devices;
      return engineDevicesFrom(await hardware.probed()).filter((d) => !allowed || allowed.includes(d.id));
    },
    // Read on every job: a new size limit in Settings applies at once.
    limits: {
      get maxModelBytes() {
        return settings.get().limits.maxBlobMiB * 2 ** 20;
      },
      get maxInputBytes() {
        return settings.get().limits.maxBlobMiB * 2 ** 20;
      },
    },
    log: log.child('engine'),
    ...(options.workerHost ? { host: options.workerHost } : {}),
  });
  // Text-generation jobs run on llama.cpp, on the backend the hardware report chose for each device.
  const engine = withLanguageModels(onnxEngine, {
    log: log.child('llama'),
    backendOf: (device) => llamaBackendOf(probedReport, device),
    // The device with the fastest measured language figures for the job's model and length.
    route: {
      pick: (job, devices) =>
        pickDevice(
          devices.map((device) => ({ device, predictedMs: router.predict(job, device), backlogMs: 0 })),
        ).device,
      ran: (job, device, runMs) => router.observe(job, device.id, runMs),
    },
  });
  const benchmark = new BenchmarkService({
    dataDir: options.dataDir,
    engine,
    router,
    events,
    log: log.child('benchmark'),
  });

  const wallet = await Wallet.open({
    dir: join(options.dataDir, 'wallet'),
    protector: options.keyProtector,
    payoutAddress: () => settings.get().payoutAddress,
    log: log.child('wallet'),
  });
  wallet.onChange((info) => events.emit('wallet.changed', info));
  let payoutAddress = settings.get().payoutAddress;
  settings.onChange((s) => {
    if (s.payoutAddress === payoutAddress) return;
    payoutAddress = s.payoutAddress;
    wallet.notify();
  });
  const onchain = createOnChainParts({
    dataDir: options.dataDir,
    settings,
    wallet,
    engine,
    benchmark,
    hardware,
    events,
    log: log.child('onchain'),
    takeJobs: options.takeJobs ?? options.shell !== 'cli',
    // A job's page shows the checks of its result this node knows of: its own validator's, and the devnet's
    // validators' (they run in this process), so a provider sees its results re-run and judged.
    jobChecks: (economy, jobId) => {
      const own = validator.checkOf(economy, jobId);
      const me = wallet.address;
      return [
        ...(own && me ? [{ ...own, validator: me, by: 'this node' }] : []),
        ...(devnet.devnet?.market?.validators.checksOf(economy, jobId) ?? []),
      ];
    },
  });
  // The validator role: re-runs a sample of other providers' results and challenges or votes (validator/).
  const validator = new ValidatorService({
    dataDir: options.dataDir,
    chain: onchain.chain,
    feed: onchain.feed,
    economies: onchain.economies,
    blobs: onchain.blobs,
    engine,
    events,
    settings: () => settings.get(),
    log: log.child('validator'),
    account: () => wallet.address,
    work: options.takeJobs ?? options.shell !== 'cli',
  });
  // Other nodes of the fleet: this node makes the remote calls; their tokens are as protected as the wallet.
  const fleet = new FleetService({ dataDir: options.dataDir, wallet, events, log: log.child('fleet') });
  let phase: NodePhase = { id: 'ready', label: 'Ready', state: 'done', progress: 1 };

  function status(): NodeStatus {
    const network = settings.get().network;
    return {
      version,
      shell: options.shell,
      startedAt,
      uptimeS: Math.round((Date.now() - startedAt) / 1000),
      pid: process.pid,
      platform: process.platform,
      arch: process.arch,
      dataDir: options.dataDir,
      network: onchain.network(network.kind, network.kind === 'devnet' ? 'Devnet (local)' : network.label),
      phase: devnet.phase() ?? phase,
      ...(options.apiToken ? { apiTokenFile: options.apiToken.file } : {}),
    };
  }

  /** The wallet with its gas balance read from the chain when connected (the dashboard's "Balance"). */
  async function walletWithBalance(): Promise<WalletInfo> {
    const info = wallet.info();
    if (!info.address || !onchain.chain.connected) return info;
    try {
      const balance = await onchain.chain.client().getBalance({ address: info.address });
      return { ...info, nativeBalance: balance.toString() };
    } catch {
      return info; // the chain did not answer now: shown as not known, like before it connected
    }
  }

  const handlers: ApiHandlers = {
    'node.status': async () => status(),
    'node.logs': async ({ limit }) => logs.recent(limit),
    'node.rotateToken': async () => {
      if (!options.apiToken) {
        throw new FlywheelError('Only the headless shell has an API token to rotate.', {
          code: 'UNAVAILABLE',
        });
      }
      return options.apiToken.rotate();
    },
    'hardware.get': async ({ refresh }) => hardware.get(refresh),
    'settings.get': async () => settings.get(),
    'settings.update': async ({ patch }) => settings.update(patch),
    'benchmark.get': async () => benchmark.get(),
    'benchmark.run': async ({ mode, device }) => benchmark.run(mode, device),
    'wallet.get': async () => walletWithBalance(),
    'wallet.create': async (params) => wallet.create(params),
    'wallet.import': async (params) => wallet.import(params),
    'wallet.unlock': async ({ passphrase }) => wallet.unlock(passphrase),
    // Locking takes the key away: pause on-chain first, while it can still sign; the unlock resumes.
    'wallet.lock': async () => {
      await onchain.provider.leave('locking the wallet');
      try {
        return await wallet.lock();
      } finally {
        onchain.provider.resumeAfterLeave();
      }
    },
    'wallet.export': async ({ passphrase }) => wallet.export(passphrase),
    ...onchain.handlers,
    ...validatorHandlers(validator),
    ...fleet.handlers(),
  };
  const dispatch = createDispatcher(handlers, log.child('api'));

  const heartbeat = setInterval(() => events.emit('node.status', status()), options.heartbeatMs ?? 5000);
  heartbeat.unref();
  // Detect hardware in the background so the first dashboard paint has it; failures become notes, not throws.
  void hardware.get().catch((err: Error) => log.warn('hardware detection failed', { error: err.message }));

  // The devnet starts in the background: the shells answer (and show its progress) while it deploys.
  const devnet = new DevnetRunner({
    dataDir: options.dataDir,
    settings,
    wallet,
    engine,
    chain: onchain.chain,
    blobs: onchain.blobs,
    version,
    log: log.child('devnet'),
    mode: devnetMode(options),
    keychainAvailable: () => options.keyProtector?.availability().ok === true,
    onPhase: () => events.emit('node.status', status()),
  });
  if (devnetMode(options) !== 'off') void devnet.start();

  // Metrics read the parts above at scrape time and count from their events; served only when asked for.
  const metrics = createNodeMetrics({ events, hardware, benchmark, engine, onchain, wallet, status });
  const metricsEndpoint = new MetricsEndpoint({
    registry: metrics.registry,
    settings,
    dataDir: options.dataDir,
    log: log.child('metrics'),
  });

  log.info('node started', { version, shell: options.shell, dataDir: options.dataDir });

  return {
    dataDir: options.dataDir,
    events,
    dispatch,
    settings,
    hardware,
    engine,
    benchmark,
    wallet,
    onchain,
    devnet,
    validator,
    logs,
    log,
    metrics: { ...metrics, endpoint: metricsEndpoint },
    fleet,
    status,
    async close() {
      clearInterval(heartbeat);
      fleet.close();
      await metricsEndpoint.close();
      metrics.close();
      // Every orderly stop (Ctrl-C, SIGTERM, app quit, `provide` ending) pauses on-chain before the key is gone.
      await onchain.provider.leave('stopping');
      await validator.close();
      await onchain.close();
      await devnet.close();
      hardware.close();
      await engine.close();
      phase = { id: 'stopped', label: 'Stopped', state: 'done', progress: 1 };
      log.info('node stopped');
    },
  };
}

function devnetMode(options: NodeOptions): 'run' | 'join' | 'off' {
  const env = process.env.FLYWHEEL_DEVNET;
  if (options.devnet) return options.devnet;
  if (env === 'run' || env === 'join' || env === 'off') return env;
  return options.shell === 'cli' ? 'join' : 'run';
}
