/**
 * The routing report: for every device, its measured rates, the jobs that go to it and why, in words; for every
 * workload, the device its jobs go to; and the machine's score from the routed rates.
 */
import type {
  BenchmarkFigure,
  BenchmarkResult,
  DeviceRouting,
  RoutingReport,
  WorkloadRoute,
} from '#shared/api/benchmark';
import type { EngineDevice } from '../engine/engine';
import { GENERAL, LANGUAGE_MODEL, pickDevice, type DeviceRouter } from '../engine/router';
import { executionProviderLabel } from '../hardware/executionProviders';
import { scoreOf } from './score';

/** The suite's tests that are kinds of jobs (the GEMMs are not: other models go by the score). */
export const JOB_WORKLOADS = ['ocr-rec', 'ocr-det', 'vad', 'finetune-step', LANGUAGE_MODEL] as const;

const SHORT_LABELS: Record<string, string> = {
  'ocr-rec': 'PP-OCRv4 recognition',
  'ocr-det': 'PP-OCRv4 detection',
  vad: 'Silero VAD',
  'finetune-step': 'fine-tuning',
  [LANGUAGE_MODEL]: 'language models',
  [GENERAL]: 'other models',
};

export function workloadLabel(id: string): string {
  return SHORT_LABELS[id] ?? id;
}

export interface RoutingInput {
  router: DeviceRouter;
  devices: readonly EngineDevice[];
  /** A device's latest result on its present configuration. */
  resultOf: (device: EngineDevice) => BenchmarkResult | null;
  /** Why the suite failed on a device, where it did. */
  failures?: ReadonlyMap<string, string>;
  measuring: boolean;
}

export function routingReport({
  router,
  devices,
  resultOf,
  failures,
  measuring,
}: RoutingInput): RoutingReport {
  const results = new Map(devices.map((d) => [d.id, router.rates(d) ? resultOf(d) : null]));
  const figure = (device: string, id: string): BenchmarkFigure | undefined =>
    results.get(device)?.figures.find((f) => f.id === id);
  // Where each workload goes with empty queues: the router's own choice on the benchmark's inputs.
  const destination = (workload: string): EngineDevice =>
    pickDevice(
      devices.map((device) => {
        const rates = router.rates(device);
        const ms =
          rates === null
            ? null
            : workload === GENERAL
              ? rates.score > 0
                ? 1 / rates.score
                : null
              : router.workloadMs(device, workload);
        return { device, predictedMs: ms, backlogMs: 0 };
      }),
    ).device;
  const measuredIds = (workload: string) =>
    devices.filter((d) => router.rates(d) && (workload === GENERAL || figure(d.id, workload)));
  const present = [...JOB_WORKLOADS.filter((w) => measuredIds(w).length), GENERAL];
  const workloads: WorkloadRoute[] = present.map((workload) => {
    const to = destination(workload);
    const rates = measuredIds(workload).map((d) => {
      if (workload === GENERAL) return { device: d.id, value: router.rates(d)!.score };
      const value = figure(d.id, workload)!.value;
      const factor = router.correction(d.id, workload);
      // A rate is items per time: live runs taking `factor` times the suite's time deliver value ÷ factor.
      return factor === null ? { device: d.id, value } : { device: d.id, value, live: value / factor };
    });
    const unit = workload === GENERAL ? 'score' : (figure(rates[0]?.device ?? '', workload)?.unit ?? '');
    return { workload, label: workloadLabel(workload), unit, rates, device: to.id };
  });

  // The machine's figures: each job workload's from the device its jobs go to (every language figure from where
  // text-generation jobs go); the GEMMs from where other models go.
  const routedFigures: BenchmarkFigure[] = [];
  const general = destination(GENERAL);
  const language = destination(LANGUAGE_MODEL);
  const ids = new Set(devices.flatMap((d) => results.get(d.id)?.figures.map((f) => f.id) ?? []));
  for (const id of ids) {
    const from = (JOB_WORKLOADS as readonly string[]).includes(id)
      ? destination(id)
      : id.startsWith('llm-')
        ? language
        : general;
    const f = figure(from.id, id);
    if (f) routedFigures.push(f);
  }
  const anyMeasured = devices.some((d) => router.rates(d));
  const machine = anyMeasured && routedFigures.length ? scoreOf(routedFigures) : null;

  const reports: DeviceRouting[] = devices.map((device) => {
    const status = router.status(device);
    const serves = workloads.filter((w) => w.device === device.id).map((w) => w.workload);
    const result = results.get(device.id) ?? null;
    return {
      device: device.id,
      label: device.label,
      executionProvider: device.executionProvider,
      status,
      result,
      serves,
      ...explain(device, status, serves, workloads, devices, measuring, failures?.get(device.id)),
    };
  });
  return {
    devices: reports,
    workloads,
    score: machine ? machine.score : null,
    spreadPct: machine ? machine.spreadPct : null,
    measuring,
  };
}

/** Why a device gets the jobs it gets, and what would make it faster. */
function explain(
  device: EngineDevice,
  status: DeviceRouting['status'],
  serves: string[],
  workloads: WorkloadRoute[],
  devices: readonly EngineDevice[],
  measuring: boolean,
  failure: string | undefined,
): { note: string; action: string | null } {
  const provider = executionProviderLabel(device.executionProvider);
  const action = device.upgrade?.action ?? null;
  const isCpu = device.executionProvider === 'cpu';
  const cpu = devices.find((d) => d.executionProvider === 'cpu');
  if (status !== 'measured' && failure) {
    const elsewhere = isCpu || !cpu ? '' : ': jobs run on the CPU';
    return {
      note: `The benchmark failed on it (${provider}: ${failure})${elsewhere}.`,
      action: isCpu ? null : (action ?? 'Update the GPU driver, then run the benchmark again.'),
    };
  }
  if (status !== 'measured') {
    const when = measuring ? 'it is being measured now' : 'the benchmark measures it when jobs come';
    const lead =
      status === 'stale'
        ? `Measured with another driver, provider or Flywheel version: measured again before jobs go to it (${when}).`
        : `Not measured on this machine yet (${when}).`;
    const meanwhile = serves.length
      ? ' Meanwhile it runs every job, as the known-good default.'
      : isCpu || !cpu
        ? ''
        : ' Meanwhile jobs run on the CPU.';
    return { note: lead + meanwhile, action: null };
  }
  if (devices.length === 1) return { note: 'Runs every job: the only device.', action };
  const names = (ids: string[]) => {
    const labels = ids.map(workloadLabel);
    return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}` : (labels[0] ?? '');
  };
  if (serves.length === workloads.length) {
    return { note: `Runs every job: the fastest device for each kind (${provider}).`, action: null };
  }
  if (serves.length) {
    const elsewhere = workloads.filter((w) => w.device !== device.id);
    const others = [...new Set(elsewhere.map((w) => labelOf(devices, w.device)))].join(' and ');
    return {
      note: `Fastest for ${names(serves)}: those jobs run here; ${others} runs ${names(elsewhere.map((w) => w.workload))}.`,
      action,
    };
  }
  if (isCpu) {
    return {
      note: 'Every kind of job runs faster elsewhere: the CPU takes one only while the faster device’s queue would finish it later.',
      action: null,
    };
  }
  // A GPU slower than the CPU for everything.
  const against = cpu ?? devices.find((d) => d.id !== device.id)!;
  const compared = workloads
    .filter((w) => w.workload !== GENERAL)
    .map((w) => {
      const mine = w.rates.find((r) => r.device === device.id)?.value;
      const theirs = w.rates.find((r) => r.device === against.id)?.value;
      return mine === undefined || theirs === undefined
        ? null
        : `${w.label} ${round(mine)} vs ${round(theirs)} ${w.unit}`;
    })
    .filter((s) => s !== null);
  const why =
    device.executionProvider === 'webgpu'
      ? 'WebGPU copies dominate for small models'
      : `${provider} is slower than the ${against.id === cpu?.id ? 'CPU' : against.label} for every kind of job`;
  const where = against.id === cpu?.id ? 'the CPU' : against.label;
  return {
    note: `${why}: jobs run on ${where}${compared.length ? ` (${compared.join('; ')})` : ''}.`,
    action,
  };
}

function labelOf(devices: readonly EngineDevice[], id: string): string {
  const d = devices.find((x) => x.id === id);
  return d ? (d.executionProvider === 'cpu' ? 'the CPU' : d.label) : id;
}

function round(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : String(Number(n.toPrecision(3)));
}
