/**
 * Realistic answers for component tests: a devnet with a genesis economy and two forks (one with a 6-decimal
 * token, so decimals are never assumed), a provider serving the genesis economy, jobs in every state, earnings
 * with history, penalties with evidence. Amounts are base-unit strings as the node sends them.
 */
import type {
  BenchmarkResult,
  BenchmarkState,
  EarningsReport,
  EconomyEstimate,
  EconomySummary,
  FleetNode,
  FleetReport,
  HardwareReport,
  JobDetail,
  JobSummary,
  NodeStatus,
  NetworkPenalty,
  Penalty,
  ProviderState,
  Settings,
  ValidatorRisk,
  ValidatorState,
  WalletInfo,
  WithdrawQuote,
} from '../../src/shared/api';
import { defaultSettings } from '../../src/shared/api/settings';
import type { ApiErrorData } from '../../src/shared/errors';

/** n whole tokens (decimal text allowed) in base units of a token with `decimals`. */
export function units(n: string, decimals = 18): string {
  const [whole, fraction = ''] = n.split('.');
  return (
    BigInt(whole!) * 10n ** BigInt(decimals) +
    BigInt(fraction.padEnd(decimals, '0') || '0')
  ).toString();
}

/** The fixtures' present: times are relative to it, so countdowns and charts look as they would live. */
export const NOW_S = Math.floor(Date.now() / 1000);

export const GENESIS = '0x1111111111111111111111111111111111111111' as const;
export const FORK_OCR = '0x2222222222222222222222222222222222222222' as const;
export const FORK_FAST = '0x3333333333333333333333333333333333333333' as const;
export const WALLET = '0x9a4c0f0e2b7f3d1c5e8a6b4d2f0e1c3a5b7d9f11' as const;

export const unavailable = (part: string): ApiErrorData => ({
  code: 'UNAVAILABLE',
  shortMessage: `The ${part} is not running on this node.`,
});

export const nodeStatus: NodeStatus = {
  version: '0.1.0',
  shell: 'headless',
  startedAt: NOW_S * 1000 - 65_000,
  uptimeS: 65,
  pid: 4242,
  platform: 'linux',
  arch: 'x64',
  dataDir: '/home/ada/.config/Flywheel',
  network: {
    kind: 'devnet',
    label: 'Devnet (local)',
    chainId: 31337,
    rpcUrl: 'http://127.0.0.1:8545',
    connected: true,
    blockNumber: 1284,
  },
  phase: { id: 'ready', label: 'Ready', state: 'done', progress: 1 },
};

export const hardware: HardwareReport = {
  detectedAt: NOW_S * 1000,
  gpus: [
    {
      id: 'gpu0',
      index: 0,
      vendor: 'nvidia',
      model: 'NVIDIA GeForce RTX 4090',
      vramMiB: 24564,
      vramUsedMiB: 1873,
      driver: '550.54.15',
      busId: '01:00.0',
      source: 'nvidia-smi',
      temperatureC: 46,
      utilizationPct: 12,
      powerW: 212,
    },
  ],
  cpu: {
    manufacturer: 'AMD',
    brand: 'Ryzen 9 7950X',
    physicalCores: 16,
    threads: 32,
    speedGHz: 4.5,
    simd: ['avx2', 'avx512f', 'fma'],
  },
  memory: { totalMiB: 65536, availableMiB: 41200 },
  os: { platform: 'linux', distro: 'Ubuntu', release: '24.04', arch: 'x64' },
  devices: [
    {
      id: 'gpu0',
      label: 'NVIDIA GeForce RTX 4090',
      kind: 'gpu',
      executionProvider: {
        chosen: 'webgpu',
        candidates: [
          {
            name: 'cuda',
            status: 'rejected',
            reason: 'CUDA provider libraries are not installed',
            action: 'npm run cuda:install',
          },
          { name: 'dml', status: 'not-applicable', reason: 'DirectML is Windows only' },
          { name: 'webgpu', status: 'chosen', reason: 'WebGPU adapter found (Vulkan)' },
          { name: 'cpu', status: 'available', reason: 'always available, slower' },
        ],
      },
    },
    {
      id: 'cpu',
      label: 'Ryzen 9 7950X',
      kind: 'cpu',
      executionProvider: {
        chosen: 'cpu',
        candidates: [{ name: 'cpu', status: 'chosen', reason: '16 cores with AVX-512' }],
      },
    },
  ],
  notes: [],
};

const params = {
  minBond: units('100'),
  minCollateral: units('5'),
  collateralFeeMultipleBps: 20_000,
  acceptWindowS: 20,
  minDeadlineS: 30,
  challengeWindowS: 60,
  voteWindowS: 60,
  protocolFeeBps: 500,
  requesterSlashShareBps: 5000,
  slashBurnBps: 5000,
  jailStrikes: 3,
  jailCooldownS: 300,
  unbondingPeriodS: 300,
  epochLengthS: 600,
  emissionPerEpoch: units('1000'),
  bootstrapEpochs: 6,
  bootstrapBonusBps: 10_000,
  maxDeclines: 3,
  validatorMinBond: units('50'),
  challengeBond: units('10'),
  minFee: units('0.1'),
  quorumBps: 3000,
  voteSlashBps: 1000,
  winnerShareBps: 5000,
  commitFeeBps: 2000,
};

const noMembership = {
  status: 'none' as const,
  bond: '0',
  locked: '0',
  free: '0',
  stake: '0',
  strikes: 0,
  unbondingEndsAt: null,
  jailedUntil: null,
  forkAllocation: null,
};

export const genesis: EconomySummary = {
  economy: GENESIS,
  name: 'Flywheel Genesis',
  token: {
    address: '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    name: 'Flywheel',
    symbol: 'FLY',
    decimals: 18,
  },
  parent: null,
  forkBlock: null,
  createdAt: NOW_S - 86_400,
  depth: 0,
  params,
  stats: {
    activeProviders: 12,
    totalBonded: units('2400'),
    jobsLast24h: 860,
    jobsPerHour: 860 / 24,
    windowS: 86_400,
    finalizedLast24h: 842,
    medianFee: units('2.5'),
    feePer1kTokens: units('50'),
    emissionPerEpoch: units('1000'),
    slashRate: 0.012,
    treasury: units('310.25'),
    activeStake: units('2250'),
  },
  membership: {
    status: 'active',
    bond: units('150'),
    locked: units('10'),
    free: units('140'),
    stake: units('150'),
    strikes: 1,
    unbondingEndsAt: null,
    jailedUntil: null,
    walletBalance: units('35.5'),
    forkAllocation: null,
  },
};

export const forkOcr: EconomySummary = {
  economy: FORK_OCR,
  name: 'OCR Guild',
  token: {
    address: '0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
    name: 'OCR Guild',
    symbol: 'OCRG',
    decimals: 18,
  },
  parent: GENESIS,
  forkBlock: 812,
  createdAt: NOW_S - 40_000,
  depth: 1,
  params: { ...params, minBond: units('50'), protocolFeeBps: 300, emissionPerEpoch: units('2500') },
  stats: {
    activeProviders: 4,
    totalBonded: units('400'),
    jobsLast24h: 310,
    jobsPerHour: 310 / 24,
    windowS: 86_400,
    finalizedLast24h: 300,
    medianFee: units('4'),
    feePer1kTokens: null,
    emissionPerEpoch: units('2500'),
    slashRate: 0.004,
    treasury: units('12'),
    activeStake: units('400'),
  },
  membership: {
    ...noMembership,
    walletBalance: units('80'),
    forkAllocation: { amount: units('42.5'), claimed: false },
  },
};

export const forkFast: EconomySummary = {
  economy: FORK_FAST,
  name: 'Fast Lane',
  token: {
    address: '0xcccccccccccccccccccccccccccccccccccccccc',
    name: 'Fast Lane',
    symbol: 'FAST',
    decimals: 6,
  },
  parent: FORK_OCR,
  forkBlock: 1100,
  createdAt: NOW_S - 9_000,
  depth: 2,
  params: {
    ...params,
    minBond: units('20', 6),
    minCollateral: units('1', 6),
    emissionPerEpoch: units('500', 6),
    unbondingPeriodS: 120,
    challengeWindowS: 30,
  },
  stats: {
    activeProviders: 2,
    totalBonded: units('60', 6),
    jobsLast24h: 95,
    jobsPerHour: 95 / 24,
    windowS: 86_400,
    finalizedLast24h: 80,
    medianFee: units('0.75', 6),
    feePer1kTokens: units('40', 6),
    emissionPerEpoch: units('500', 6),
    slashRate: 0.08,
    treasury: units('3', 6),
    activeStake: units('60', 6),
  },
  membership: { ...noMembership, walletBalance: units('25', 6) },
};

export const economies: EconomySummary[] = [genesis, forkOcr, forkFast];

/** The day-horizon fields of an estimate from its hourly ones: fees ±20 %, emission 10 % lower if one more joins. */
function day(
  e: Omit<
    EconomyEstimate,
    'postedPerHour' | 'horizonH' | 'feesOverHorizon' | 'emissionOverHorizon' | 'speedSource' | 'uptimeSource'
  >,
  postedPerHour: number,
): EconomyEstimate {
  const fees = BigInt(e.expectedFeesPerHour) * 24n;
  const emission = BigInt(e.expectedEmissionPerHour) * 24n;
  return {
    ...e,
    postedPerHour,
    horizonH: 24,
    feesOverHorizon: {
      low: ((fees * 8n) / 10n).toString(),
      expected: fees.toString(),
      high: ((fees * 12n) / 10n).toString(),
    },
    emissionOverHorizon: {
      low: ((emission * 9n) / 10n).toString(),
      expected: emission.toString(),
      high: emission.toString(),
    },
    speedSource: 'benchmark',
    uptimeSource: 'measured',
  };
}

export const estimates: Record<string, EconomyEstimate> = {
  [GENESIS]: day(
    {
      economy: GENESIS,
      bond: units('100'),
      expectedJobsPerHour: 6,
      expectedEarningsPerHour: units('14.25'),
      expectedFeesPerHour: units('14.25'),
      expectedEmissionPerHour: '0',
      emissionShare: 0,
      deadlineMissProbability: 0.004,
      expectedSlashPerDay: units('2.88'),
      basis: 'About 6 of the 36 jobs/h posted here lately would be drawn for this bond, at 99 % uptime.',
    },
    860 / 24,
  ),

  [FORK_OCR]: day(
    {
      economy: FORK_OCR,
      bond: units('50'),
      expectedJobsPerHour: 4,
      expectedEarningsPerHour: units('15.52'),
      expectedFeesPerHour: units('14.44'),
      expectedEmissionPerHour: units('1.08'),
      emissionShare: 0.1111,
      deadlineMissProbability: 0.03,
      expectedSlashPerDay: units('57.6'),
      basis: 'About 4 of the 13 jobs/h posted here lately would be drawn for this bond.',
    },
    310 / 24,
  ),

  [FORK_FAST]: day(
    {
      economy: FORK_FAST,
      bond: units('20', 6),
      expectedJobsPerHour: 2,
      expectedEarningsPerHour: units('1.4', 6),
      expectedFeesPerHour: units('1.4', 6),
      expectedEmissionPerHour: '0',
      emissionShare: 0,
      deadlineMissProbability: 0.15,
      expectedSlashPerDay: units('30', 6),
      basis: 'Deadlines here are 30 s; this machine’s OCR run takes 24 s at the median.',
    },
    95 / 24,
  ),
};

export const providerStopped: ProviderState = {
  status: 'stopped',
  reason: null,
  serving: [GENESIS],
  slots: { busy: 0, total: 2 },
};

export const providerOn: ProviderState = {
  ...providerStopped,
  status: 'providing',
  slots: { busy: 1, total: 2 },
};

export const wallet: WalletInfo = {
  exists: true,
  address: WALLET,
  locked: false,
  protection: 'passphrase',
  protectionNote: 'Linux has no secret store here: using a passphrase keystore.',
  payoutAddress: null,
  nativeBalance: units('9.87654321'),
};

export const noWallet: WalletInfo = {
  exists: false,
  address: null,
  locked: false,
  protection: null,
  protectionNote: 'Linux has no secret store here: the key will be kept in a passphrase keystore.',
  payoutAddress: null,
  nativeBalance: null,
};

function result(id: string, score: number, finishedAt: number): BenchmarkResult {
  return {
    id,
    mode: 'full',
    startedAt: finishedAt - 40_000,
    finishedAt,
    device: 'gpu0',
    executionProvider: 'webgpu',
    score,
    spreadPct: 2.8,
    figures: [
      { id: 'gemm-fp32', label: 'GEMM fp32', value: 41_230, unit: 'GFLOP/s', spreadPct: 1.9, repeats: 12 },
      { id: 'ocr-rec', label: 'OCR recognition', value: 212.4, unit: 'lines/s', spreadPct: 3.1, repeats: 8 },
      { id: 'vad', label: 'Voice activity', value: 1804, unit: 'frames/s', spreadPct: 2.2, repeats: 8 },
    ],
  };
}

const cpuResult: BenchmarkResult = {
  ...result('c1', 830, NOW_S * 1000 - 3_700_000),
  device: 'cpu',
  executionProvider: 'cpu',
  spreadPct: 1.6,
  figures: [
    { id: 'gemm-fp32', label: 'GEMM fp32', value: 1_310, unit: 'GFLOP/s', spreadPct: 1.2, repeats: 9 },
    { id: 'ocr-rec', label: 'OCR recognition', value: 96.5, unit: 'lines/s', spreadPct: 1.8, repeats: 8 },
    { id: 'vad', label: 'Voice activity', value: 7420, unit: 'frames/s', spreadPct: 1.1, repeats: 8 },
  ],
};

export const benchmark: BenchmarkState = {
  running: null,
  latest: result('b4', 5120, NOW_S * 1000 - 3_600_000),
  history: [
    result('b1', 4870, NOW_S * 1000 - 86_400_000 * 3),
    result('b2', 5010, NOW_S * 1000 - 86_400_000 * 2),
    result('b3', 4990, NOW_S * 1000 - 86_400_000),
    result('b4', 5120, NOW_S * 1000 - 3_600_000),
  ],
  drift: { flagged: false, ratio: 1.04, jobs: 37, message: 'Live jobs match the benchmark.' },
  routing: {
    devices: [
      {
        device: 'cpu',
        label: 'Ryzen 9 7950X',
        executionProvider: 'cpu',
        status: 'measured',
        result: cpuResult,
        serves: ['vad'],
        note: 'Fastest for Silero VAD: those jobs run here; NVIDIA GeForce RTX 4090 runs PP-OCRv4 recognition and other models.',
        action: null,
      },
      {
        device: 'gpu0',
        label: 'NVIDIA GeForce RTX 4090',
        executionProvider: 'webgpu',
        status: 'measured',
        result: result('b4', 5120, NOW_S * 1000 - 3_600_000),
        serves: ['ocr-rec', 'general'],
        note: 'Fastest for PP-OCRv4 recognition and other models: those jobs run here; the CPU runs Silero VAD.',
        action: 'npm run cuda:install',
      },
    ],
    workloads: [
      {
        workload: 'ocr-rec',
        label: 'PP-OCRv4 recognition',
        unit: 'lines/s',
        rates: [
          { device: 'cpu', value: 96.5 },
          { device: 'gpu0', value: 212.4 },
        ],
        device: 'gpu0',
      },
      {
        workload: 'vad',
        label: 'Silero VAD',
        unit: 'frames/s',
        rates: [
          { device: 'cpu', value: 7420 },
          { device: 'gpu0', value: 1804 },
        ],
        device: 'cpu',
      },
      {
        workload: 'general',
        label: 'other models',
        unit: 'score',
        rates: [
          { device: 'cpu', value: 830 },
          { device: 'gpu0', value: 5120 },
        ],
        device: 'gpu0',
      },
    ],
    score: 6210,
    spreadPct: 2.1,
    measuring: false,
  },
};

export const noBenchmark: BenchmarkState = {
  running: null,
  latest: null,
  history: [],
  drift: null,
  routing: { devices: [], workloads: [], score: null, spreadPct: null, measuring: false },
};

const hash = (c: string) => `0x${c.repeat(64)}` as const;

export const runningJob: JobSummary = {
  key: `${GENESIS}:41`,
  economy: GENESIS,
  economyName: 'Flywheel Genesis',
  jobId: '41',
  kind: 'fine-tune',
  status: 'Assigned',
  local: { step: 'running', progress: 0.4, etaS: 18, declineReason: null, error: null },
  modelHash: hash('a'),
  modelName: 'Tiny classifier fine-tune',
  fee: units('6'),
  tokenSymbol: 'FLY',
  deadline: NOW_S + 120,
  postedAt: NOW_S - 30,
  updatedAt: NOW_S - 2,
  provider: WALLET,
  mine: true,
};

export const finalizedJob: JobSummary = {
  key: `${GENESIS}:40`,
  economy: GENESIS,
  economyName: 'Flywheel Genesis',
  jobId: '40',
  kind: 'inference',
  status: 'Finalized',
  local: { step: 'submitted', progress: 1, etaS: null, declineReason: null, error: null },
  modelHash: hash('b'),
  modelName: 'PP-OCRv4 recognition',
  fee: units('2.5'),
  tokenSymbol: 'FLY',
  deadline: NOW_S - 200,
  postedAt: NOW_S - 300,
  updatedAt: NOW_S - 100,
  provider: WALLET,
  mine: true,
};

export const declinedJob: JobSummary = {
  key: `${FORK_OCR}:7`,
  economy: FORK_OCR,
  economyName: 'OCR Guild',
  jobId: '7',
  kind: 'inference',
  status: 'Posted',
  local: { step: 'declined', progress: null, etaS: null, declineReason: 'INPUT_HASH_MISMATCH', error: null },
  modelHash: hash('c'),
  modelName: null,
  fee: units('4'),
  tokenSymbol: 'OCRG',
  deadline: NOW_S + 600,
  postedAt: NOW_S - 400,
  updatedAt: NOW_S - 390,
  provider: null,
  mine: true,
};

export const jobs: JobSummary[] = [runningJob, finalizedJob, declinedJob];

export const finalizedDetail: JobDetail = {
  ...finalizedJob,
  requester: '0x5555555555555555555555555555555555555555',
  inputHash: hash('d'),
  inputUri: 'blob://sha256/dddd',
  outputHash: hash('e'),
  outputUri: 'blob://sha256/eeee',
  timings: { fetchMs: 120, runMs: 31, submitMs: 840 },
  txs: [
    { label: 'Submit result', hash: hash('1'), block: 1201 },
    { label: 'Finalize', hash: hash('2'), block: 1262 },
  ],
  preview: { kind: 'ocr', text: 'Flywheel 2026 GPU' },
  timeline: [
    { t: NOW_S - 300, label: 'Posted' },
    { t: NOW_S - 299, label: 'Assigned to you' },
    { t: NOW_S - 298, label: 'Result submitted', txHash: hash('1') },
    { t: NOW_S - 100, label: 'Finalized: paid', txHash: hash('2') },
  ],
  verification: {
    policy: { rule: 'argmax', maxAbsErrorE9: 0, maxRelErrorE9: 0, minAgreementBps: 9900 },
    text: 'argmax agreement ≥ 99 %',
  },
  declines: [],
  noShows: [],
  refund: {
    text: 'The fee paid the provider (less the protocol fee).',
    maxDeclines: 3,
    yours: false,
    cancellable: false,
    cancellableFromBlock: null,
  },
  // The devnet's sampling validator re-ran it on this machine and agreed: the user's result upheld.
  checks: [
    {
      validator: '0x9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a',
      by: 'Noether (devnet validator)',
      economy: GENESIS,
      jobId: '40',
      provider: '0x1234567890abcdef1234567890abcdef12345678',
      purpose: 'sample',
      updatedAt: (NOW_S - 290) * 1000,
      verdict: 'valid',
      reason: null,
      evidence: {
        policyText: 'argmax agreement ≥ 99 %',
        summary: 'argmax agrees on 40 of 40 rows (100 %) ≥ 99 %: valid',
        compared: 40,
        failed: 0,
        maxAbsError: null,
        maxRelError: null,
        agreement: 1,
        submittedHash: hash('e'),
        referenceHash: hash('f'),
        device: 'Ryzen 9 7950X',
        executionProvider: 'cpu',
        runMs: 38,
      },
      action: 'none',
      vote: null,
      outcome: null,
      reward: null,
      slashed: null,
      steps: [
        { step: 'picked', t: (NOW_S - 292) * 1000, txHash: null },
        { step: 'checked', t: (NOW_S - 291) * 1000, txHash: null },
        { step: 'passed', t: (NOW_S - 290) * 1000, txHash: null },
      ],
      votes: null,
      providerSlashed: null,
    },
  ],
};

export const vadDetail: JobDetail = {
  ...finalizedDetail,
  key: `${GENESIS}:39`,
  jobId: '39',
  modelName: 'Silero VAD v5',
  preview: {
    kind: 'vad',
    durationS: 6,
    segments: [
      { startS: 0.4, endS: 1.9 },
      { startS: 3.1, endS: 5.2 },
    ],
  },
};

/** A detector's map of one 288 × 64 line: high inside the text kernel, fading at its edges (one cell a pixel). */
function detectionCells(): string {
  const cells = new Uint8Array(288 * 64);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 288; x++) {
      const inside = Math.min(x - 18, 252 - x, y - 16, 36 - y);
      cells[y * 288 + x] = inside >= 2 ? 245 : inside >= 0 ? 120 : 0;
    }
  }
  return btoa(String.fromCharCode(...cells));
}

export const detectionDetail: JobDetail = {
  ...finalizedDetail,
  key: `${GENESIS}:38`,
  jobId: '38',
  modelName: 'PP-OCRv4 detection',
  preview: {
    kind: 'text-regions',
    width: 288,
    height: 64,
    threshold: 0.3,
    grid: { cols: 288, rows: 64, cells: detectionCells() },
    boxes: [{ x: 11, y: 11, width: 249, height: 33, score: 0.97 }],
  },
};

export const fineTuneDetail: JobDetail = {
  ...finalizedDetail,
  ...runningJob,
  requester: '0x5555555555555555555555555555555555555555',
  inputHash: hash('d'),
  inputUri: 'blob://sha256/dddd',
  outputHash: null,
  outputUri: null,
  timings: { fetchMs: 90, runMs: null, submitMs: null },
  txs: [],
  preview: { kind: 'fine-tune', lossCurve: [2.3, 1.7, 1.2, 0.9, 0.71, 0.6], evalLoss: 0.66 },
  timeline: [{ t: NOW_S - 30, label: 'Assigned to you' }],
  checks: [],
};

export const earnings: EarningsReport = {
  economies: [
    {
      economy: GENESIS,
      economyName: 'Flywheel Genesis',
      token: genesis.token,
      bonded: units('150'),
      locked: units('10'),
      pending: units('4.75'),
      claimable: units('61.2'),
      withdrawn: units('100'),
      lifetime: units('166.95'),
      slashed: units('5'),
      pendingEmission: units('1.2'),
      forfeited: units('0.8'),
    },
    {
      economy: FORK_FAST,
      economyName: 'Fast Lane',
      token: forkFast.token,
      bonded: '0',
      locked: '0',
      pending: '0',
      claimable: units('0.35', 6),
      withdrawn: '0',
      lifetime: units('0.35', 6),
      slashed: '0',
      pendingEmission: '0',
      forfeited: '0',
    },
  ],
  totals: [
    {
      token: genesis.token,
      bonded: units('150'),
      pending: units('4.75'),
      claimable: units('61.2'),
      withdrawn: units('100'),
      lifetime: units('166.95'),
    },
    {
      token: forkFast.token,
      bonded: '0',
      pending: '0',
      claimable: units('0.35', 6),
      withdrawn: '0',
      lifetime: units('0.35', 6),
    },
  ],
  history: [
    {
      t: NOW_S - 7200,
      block: 900,
      economy: GENESIS,
      kind: 'fee',
      amount: units('2.375'),
      txHash: hash('3'),
      jobId: '12',
    },
    {
      t: NOW_S - 6000,
      block: 950,
      economy: GENESIS,
      kind: 'emission',
      amount: units('160'),
      txHash: hash('4'),
      jobId: null,
    },
    {
      t: NOW_S - 5000,
      block: 990,
      economy: GENESIS,
      kind: 'slash',
      amount: units('5'),
      txHash: hash('5'),
      jobId: '15',
    },
    {
      t: NOW_S - 4500,
      block: 1000,
      economy: GENESIS,
      kind: 'forfeit',
      amount: units('0.8'),
      txHash: hash('9'),
      jobId: null,
    },
    {
      t: NOW_S - 4000,
      block: 1020,
      economy: GENESIS,
      kind: 'withdrawal',
      amount: units('100'),
      txHash: hash('6'),
      jobId: null,
    },
    {
      t: NOW_S - 3000,
      block: 1050,
      economy: FORK_FAST,
      kind: 'fee',
      amount: units('0.35', 6),
      txHash: hash('7'),
      jobId: '3',
    },
    {
      t: NOW_S - 1000,
      block: 1200,
      economy: GENESIS,
      kind: 'fee',
      amount: units('9.575'),
      txHash: hash('8'),
      jobId: '40',
    },
  ],
  payoutAddress: null,
};

export const emptyEarnings: EarningsReport = { economies: [], totals: [], history: [], payoutAddress: null };

export const quotesAll: WithdrawQuote[] = [
  {
    economy: GENESIS,
    amount: units('61.2'),
    gasCostWei: units('0.00021'),
    worthIt: true,
    advice: 'Withdraw: 61.2 FLY for about 0.00021 ETH of gas.',
  },
  {
    economy: FORK_FAST,
    amount: units('0.35', 6),
    gasCostWei: units('0.00019'),
    worthIt: false,
    advice: 'Wait: the gas would cost more than 0.35 FAST pays.',
  },
];

export const penalties: Penalty[] = [
  {
    id: 'p3',
    t: NOW_S - 600,
    block: 1230,
    txHash: hash('9'),
    economy: GENESIS,
    kind: 'timeout',
    jobId: '15',
    amount: units('5'),
    evidence: {
      deadline: NOW_S - 700,
      submittedAt: null,
      reason: 'The model fetch from the blob store timed out.',
    },
    advice: 'Check the blob store is reachable from this machine; lower "Jobs at once" if the GPU was busy.',
  },
  {
    id: 'p2',
    t: NOW_S - 5000,
    block: 990,
    txHash: hash('a'),
    economy: FORK_FAST,
    kind: 'strike',
    jobId: '2',
    amount: null,
    evidence: { deadline: NOW_S - 5100, submittedAt: NOW_S - 5088 },
    advice:
      'Deadlines in Fast Lane are short for this machine: run a full benchmark so its declared score is honest.',
  },
];

export const networkPenalties: NetworkPenalty[] = [
  {
    id: 'n2',
    t: NOW_S - 120,
    txHash: hash('b'),
    economy: GENESIS,
    provider: '0x976EA74026E726554dB657fA54763abd0C3a0aa9',
    kind: 'slash',
    jobId: '41',
    amount: units('5'),
    reason: 'it missed the deadline',
  },
  {
    id: 'n1',
    t: NOW_S - 900,
    txHash: hash('c'),
    economy: FORK_FAST,
    provider: '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955',
    kind: 'jail',
    jobId: null,
    amount: null,
    reason: '3 strikes: 3 results voted invalid',
    jailedUntil: NOW_S + 300,
  },
];

export const settings: Settings = structuredClone(defaultSettings);

/** What validating risks at `bond` in an economy (as the node's riskOf works it out): 10 % of the vote's weight. */
export function validatorRisk(address: string, bond?: string): ValidatorRisk {
  const summary = economies.find((e) => e.economy.toLowerCase() === address.toLowerCase()) ?? genesis;
  const { symbol, decimals } = summary.token;
  const b = BigInt(bond ?? summary.params.validatorMinBond);
  const wrongVote = (b * BigInt(summary.params.voteSlashBps)) / 10_000n;
  const challengeBond = BigInt(units('10', decimals));
  const commitFee = (challengeBond * BigInt(summary.params.commitFeeBps)) / 10_000n;
  const fmt = (a: bigint) => `${Number(a) / 10 ** decimals} ${symbol}`;
  return {
    validatorMinBond: summary.params.validatorMinBond,
    challengeBond: challengeBond.toString(),
    commitFee: commitFee.toString(),
    voteSlashBps: summary.params.voteSlashBps,
    wrongVoteCost: wrongVote.toString(),
    quorumBps: summary.params.quorumBps,
    challengeWindowS: summary.params.challengeWindowS,
    voteWindowS: summary.params.voteWindowS,
    unbondingPeriodS: summary.params.unbondingPeriodS,
    lines: [
      `A vote against the outcome costs 10 % of the vote's weight: ${fmt(wrongVote)} with a bond of ${fmt(b)}.`,
      `A challenge the vote upholds costs the challenge bond: ${fmt(challengeBond)} (locked while the challenge is open).`,
      `A commitment never revealed costs ${fmt(commitFee)} (20 % of the challenge bond).`,
    ],
  };
}

const PROVIDER_BABBAGE = '0x5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b' as const;
const PROVIDER_CURIE = '0xc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0' as const;

/**
 * A validator checking in the genesis economy and unbonding in the 6-decimal fork: an agreement within tolerance
 * re-run on another device, a disagreement it challenged and won, a vote on another validator's challenge, a result
 * skipped over the budget, and one still re-running.
 */
export const validator: ValidatorState = {
  on: true,
  status: 'validating',
  reason: null,
  config: { sampleRate: 0.2, jobsPerHour: 60, maxEngineSharePct: 10 },
  economies: [
    {
      economy: GENESIS,
      name: 'Flywheel Genesis',
      symbol: 'FLY',
      decimals: 18,
      standing: 'active',
      bond: units('100'),
      locked: units('10'),
      openVotes: 1,
      unbondingEndsAt: null,
      risk: validatorRisk(GENESIS, units('100')),
      earned: units('6.25'),
      lost: units('0.5'),
    },
    {
      economy: FORK_FAST,
      name: 'Fast Lane',
      symbol: 'FAST',
      decimals: 6,
      standing: 'exiting',
      bond: units('20', 6),
      locked: '0',
      openVotes: 0,
      unbondingEndsAt: NOW_S + 90,
      risk: validatorRisk(FORK_FAST, units('20', 6)),
      earned: units('0.75', 6),
      lost: '0',
    },
  ],
  stats: {
    checkedLastHour: 7,
    checked: 9,
    valid: 8,
    invalid: 1,
    skipped: 2,
    challenges: 1,
    votes: 1,
    engineSharePct: 3.4,
  },
  checks: [
    {
      economy: GENESIS,
      jobId: '52',
      provider: PROVIDER_CURIE,
      purpose: 'sample',
      updatedAt: NOW_S * 1000 - 5_000,
      verdict: 'pending',
      reason: null,
      evidence: null,
      action: 'none',
      vote: null,
      outcome: null,
      reward: null,
      slashed: null,
      steps: [{ step: 'picked', t: NOW_S * 1000 - 5_000, txHash: null }],
      votes: null,
      providerSlashed: null,
    },
    {
      economy: GENESIS,
      jobId: '51',
      provider: PROVIDER_CURIE,
      purpose: 'sample',
      updatedAt: NOW_S * 1000 - 20_000,
      verdict: 'valid',
      reason: null,
      evidence: {
        policyText: 'every value within 1e-4 (absolute) or 1e-4 (relative)',
        summary: 'max |Δ| 2.1e-6 ≤ 1e-4: valid',
        compared: 4096,
        failed: 0,
        maxAbsError: 2.1e-6,
        maxRelError: 3.3e-6,
        agreement: null,
        submittedHash: `0x${'a1'.repeat(32)}`,
        referenceHash: `0x${'b2'.repeat(32)}`,
        device: 'Ryzen 9 7950X',
        executionProvider: 'cpu',
        runMs: 184,
      },
      action: 'none',
      vote: null,
      outcome: null,
      reward: null,
      slashed: null,
      steps: [
        { step: 'picked', t: NOW_S * 1000 - 21_000, txHash: null },
        { step: 'checked', t: NOW_S * 1000 - 20_500, txHash: null },
        { step: 'passed', t: NOW_S * 1000 - 20_000, txHash: null },
      ],
      votes: null,
      providerSlashed: null,
    },
    {
      economy: GENESIS,
      jobId: '48',
      provider: PROVIDER_BABBAGE,
      purpose: 'sample',
      updatedAt: NOW_S * 1000 - 60_000,
      verdict: 'invalid',
      reason: null,
      evidence: {
        policyText: 'argmax agreement on at least 99 % of rows',
        summary: 'argmax agrees on 12 of 40 rows (30 %) < 99 %: invalid',
        compared: 40,
        failed: 28,
        maxAbsError: null,
        maxRelError: null,
        agreement: 0.3,
        submittedHash: `0x${'c3'.repeat(32)}`,
        referenceHash: `0x${'d4'.repeat(32)}`,
        device: 'NVIDIA GeForce RTX 4090',
        executionProvider: 'webgpu',
        runMs: 41,
      },
      action: 'challenged',
      vote: false,
      outcome: 'rejected',
      reward: units('6'),
      slashed: null,
      steps: [
        { step: 'picked', t: NOW_S * 1000 - 90_000, txHash: null },
        { step: 'checked', t: NOW_S * 1000 - 89_000, txHash: null },
        { step: 'committing', t: NOW_S * 1000 - 88_500, txHash: `0x${'a7'.repeat(32)}` },
        { step: 'challenged', t: NOW_S * 1000 - 86_000, txHash: `0x${'b8'.repeat(32)}` },
        { step: 'resolved', t: NOW_S * 1000 - 62_000, txHash: null },
        { step: 'settled', t: NOW_S * 1000 - 60_000, txHash: null },
      ],
      votes: { valid: 0, invalid: 3 },
      providerSlashed: units('20'),
    },
    {
      economy: GENESIS,
      jobId: '45',
      provider: PROVIDER_BABBAGE,
      purpose: 'vote',
      updatedAt: NOW_S * 1000 - 120_000,
      verdict: 'valid',
      reason: null,
      evidence: {
        policyText: 'every value within 1e-4 (absolute) or 1e-4 (relative)',
        summary: 'max |Δ| 8.0e-7 ≤ 1e-4: valid',
        compared: 512,
        failed: 0,
        maxAbsError: 8e-7,
        maxRelError: 1.1e-6,
        agreement: null,
        submittedHash: `0x${'e5'.repeat(32)}`,
        referenceHash: `0x${'f6'.repeat(32)}`,
        device: 'Ryzen 9 7950X',
        executionProvider: 'cpu',
        runMs: 95,
      },
      action: 'voted',
      vote: true,
      outcome: 'upheld',
      reward: units('0.25'),
      slashed: null,
      steps: [
        { step: 'picked', t: NOW_S * 1000 - 150_000, txHash: null },
        { step: 'checked', t: NOW_S * 1000 - 149_000, txHash: null },
        { step: 'voting', t: NOW_S * 1000 - 148_900, txHash: null },
        { step: 'voted', t: NOW_S * 1000 - 148_000, txHash: `0x${'c9'.repeat(32)}` },
        { step: 'resolved', t: NOW_S * 1000 - 121_000, txHash: null },
        { step: 'settled', t: NOW_S * 1000 - 120_000, txHash: null },
      ],
      votes: { valid: 2, invalid: 1 },
      providerSlashed: '0',
    },
    {
      economy: FORK_FAST,
      jobId: '7',
      provider: PROVIDER_CURIE,
      purpose: 'sample',
      updatedAt: NOW_S * 1000 - 300_000,
      verdict: 'skipped',
      reason: 'over the budget: 60 re-runs in the last hour (limit 60)',
      evidence: null,
      action: 'none',
      vote: null,
      outcome: null,
      reward: null,
      slashed: null,
      steps: [
        { step: 'picked', t: NOW_S * 1000 - 301_000, txHash: null },
        { step: 'skipped', t: NOW_S * 1000 - 300_000, txHash: null },
      ],
      votes: null,
      providerSlashed: null,
    },
  ],
};

/** A node that never validated: off, no validator bond anywhere, no checks. */
export const validatorOff: ValidatorState = {
  ...validator,
  on: false,
  status: 'off',
  economies: [],
  stats: {
    checkedLastHour: 0,
    checked: 0,
    valid: 0,
    invalid: 0,
    skipped: 0,
    challenges: 0,
    votes: 0,
    engineSharePct: 0,
  },
  checks: [],
};

/** A text-generation job (on-chain an inference job on the devnet's random-weight llama) while this node runs it. */
export const textJob: JobSummary = {
  ...runningJob,
  key: `${GENESIS}:43`,
  jobId: '43',
  kind: 'inference',
  local: {
    step: 'running',
    progress: 0.5,
    etaS: 1.5,
    declineReason: null,
    error: null,
    generation: { prompt: 'Once upon a time', tokens: 12, maxTokens: 24, tokensPerS: 8.04 },
  },
  modelHash: hash('f'),
  modelName: null,
};

export const textRunningDetail: JobDetail = {
  ...fineTuneDetail,
  ...textJob,
  preview: null,
  verification: {
    policy: { rule: 'logprob', maxAbsErrorE9: 50_000_000, maxRelErrorE9: 0, minAgreementBps: 0 },
    text: 'each token’s logprob within 0.05',
  },
};

/** The same job done: its text, why it stopped, and each token's logprob. */
export const textDetail: JobDetail = {
  ...finalizedDetail,
  key: `${GENESIS}:44`,
  jobId: '44',
  modelHash: hash('f'),
  modelName: null,
  verification: textRunningDetail.verification,
  preview: {
    kind: 'text',
    text: ' qu zx\nvel',
    tokens: 4,
    finishReason: 'length',
    promptTokens: 5,
    promptTokensPerS: 412.3,
    tokensPerS: 31.26,
    prompt: 'Once upon a time',
    maxTokens: 4,
    pieces: [
      { token: 301, text: ' qu', logprob: -0.105 },
      { token: 322, text: ' zx', logprob: -2.302 },
      { token: 13, text: '\n', logprob: -9.5 },
      { token: 340, text: 'vel', logprob: -0.693 },
    ],
  },
};

const fleetSince = Date.now() - 90_000;

/** Two rigs in this node's fleet: one answering with a hot GPU, one not answering. */
export const fleetRigA: FleetNode = {
  id: 'a'.repeat(16),
  label: 'rig A',
  origin: 'http://127.0.0.1:7421',
  addedAt: Date.now() - 3600_000,
  state: 'answering',
  lastAnsweredAt: Date.now(),
  notAnsweringSince: null,
  error: null,
  checkedAt: Date.now(),
  node: { version: '0.1.0', shell: 'headless', network: 'Devnet (local)', uptimeS: 7200 },
  provider: providerOn,
  jobsLastHour: 42,
  earnings: earnings.totals,
  gpus: [{ id: 'gpu0', model: 'RTX 4090', temperatureC: 86, utilizationPct: 97, powerW: 410 }],
  alerts: [{ kind: 'gpu-hot', text: 'RTX 4090 (gpu0) at 86 °C.' }],
};

export const fleetRigB: FleetNode = {
  ...fleetRigA,
  id: 'b'.repeat(16),
  label: 'rig B',
  origin: 'http://127.0.0.1:7422',
  state: 'not-answering',
  lastAnsweredAt: fleetSince - 15_000,
  notAnsweringSince: fleetSince,
  error: 'No answer from http://127.0.0.1:7422 (ECONNREFUSED).',
  alerts: [{ kind: 'not-answering', text: 'Not answering since …: No answer (ECONNREFUSED).' }],
};

export const fleet: FleetReport = { nodes: [fleetRigA, fleetRigB], tokensReadable: true, tokensNote: null };
