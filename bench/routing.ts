/**
 * The routing figure, shared by `npm run bench -- engine` and the GPU machine check (scripts/device/): for each
 * reference model, real jobs run on every device and through the router, turn about, and the figure is the best
 * device's live rate ÷ the routed jobs' once the router has learned from them. ≥ 0.95: routing loses at most 5 %.
 */
import { FINETUNE_HEAD } from '../src/main/benchmark/workloads';
import type { Engine, EngineDevice } from '../src/main/engine/engine';
import type { Keccak256 } from '../src/main/engine/hash';
import type { EngineJob } from '../src/main/engine/jobs';
import { pseudoRandom } from '../src/main/engine/onnx/models';
import { readReferenceModel, referenceById } from '../src/main/engine/references';
import type { DeviceRouter } from '../src/main/engine/router';
import { tensorOf, writeSafetensors } from '../src/main/engine/safetensors';
import { buildTrainingGraph } from '../src/main/engine/training/graph';
import { median, type Figure } from './lib';

/** One job per reference workload, with fixed inputs: a 320-wide text line, a 320² image, 1 s of audio, 20 steps. */
export function referenceJobs(keccak256: Keccak256): Record<string, EngineJob> {
  const ref = (id: string) => {
    const model = referenceById(id);
    return { modelHash: model.keccak256, model: readReferenceModel(model, keccak256) };
  };
  const train = buildTrainingGraph(FINETUNE_HEAD);
  const rows = 320;
  return {
    'ocr-rec': {
      kind: 'inference',
      ...ref('ocr-rec'),
      input: writeSafetensors([tensorOf('x', 'F32', [1, 3, 48, 320], pseudoRandom(3 * 48 * 320, 11))]),
    },
    'ocr-det': {
      kind: 'inference',
      ...ref('ocr-det'),
      input: writeSafetensors([tensorOf('x', 'F32', [1, 3, 320, 320], pseudoRandom(3 * 320 * 320, 13))]),
    },
    vad: {
      kind: 'inference',
      ...ref('vad'),
      input: writeSafetensors([
        tensorOf(
          'audio',
          'F32',
          [16_000],
          pseudoRandom(16_000, 17).map((v) => v * 0.1),
        ),
      ]),
    },
    'finetune-step': {
      kind: 'fine-tune',
      modelHash: keccak256(train),
      model: train,
      input: writeSafetensors(
        [
          tensorOf('x', 'F32', [rows, FINETUNE_HEAD.inputs], pseudoRandom(rows * FINETUNE_HEAD.inputs, 19)),
          tensorOf(
            'y',
            'I64',
            [rows],
            BigInt64Array.from({ length: rows }, (_, i) => BigInt(i % FINETUNE_HEAD.classes)),
          ),
        ],
        { steps: '20', lr: '0.001', batch_size: '256', eval_fraction: '0.2' },
      ),
    },
  };
}

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((first, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]),
  );
}

export interface RoutingMeasurement {
  workload: string;
  /** The device the router sends this workload's jobs to once settled (most of the second half's routed jobs). */
  picked: string;
  /** Predicted (the suite's) and live median run ms per device. */
  predictedMs: Record<string, number | null>;
  liveMs: Record<string, number>;
  /** Routed jobs run off the pick, and how many routed jobs ran before the pick stayed put. */
  elsewhere: number;
  settledAfter: number;
  figure: Figure;
}

/**
 * Times each reference job on every device and through the router, turn about: each turn runs the job once on every
 * device named (in a rotating order; named runs teach the router nothing) and once routed, as a node would run it.
 * The figure is the best device's live median ÷ the mean, over the routed jobs of the second half of the turns, of
 * the live median of the device each ran on: what routing loses once it has learned from its own jobs, its tries
 * included (the first half, where it learns, is told as information).
 */
export async function routingFigures(options: {
  engine: Engine;
  router: DeviceRouter;
  devices: EngineDevice[];
  keccak256: Keccak256;
  turns?: number;
  report: (line: string) => void;
}): Promise<RoutingMeasurement[]> {
  const { engine, router, devices, report } = options;
  const turns = options.turns ?? 60;
  const out: RoutingMeasurement[] = [];
  for (const [workload, job] of Object.entries(referenceJobs(options.keccak256))) {
    const predictedMs = Object.fromEntries(devices.map((d) => [d.id, router.predict(job, d)]));
    const times: Record<string, number[]> = Object.fromEntries(devices.map((d) => [d.id, []]));
    const routed: { device: string; ms: number }[] = [];
    // Each turn runs every device named and one routed job, in each order in turn: a run just after one on the same
    // worker reads up to 30 % slower here, so every kind of run must follow every other as often.
    const slots = devices.length + 1;
    const order = permutations([...Array(slots).keys()]);
    for (const d of devices) for (let i = 0; i < 3; i++) await engine.runJob(job, { device: d.id });
    for (let turn = 0; turn < turns; turn++) {
      for (let i = 0; i < slots; i++) {
        const k = order[turn % order.length]![i]!;
        if (k === devices.length) {
          const result = await engine.runJob(job);
          routed.push({ device: result.device, ms: result.timings.runMs });
        } else {
          const d = devices[k]!;
          times[d.id]!.push((await engine.runJob(job, { device: d.id })).timings.runMs);
        }
      }
    }
    const liveMs = Object.fromEntries(devices.map((d) => [d.id, median(times[d.id]!)]));
    const best = Math.min(...Object.values(liveMs));
    const late = routed.slice(Math.floor(turns / 2));
    const counts = new Map<string, number>();
    for (const r of late) counts.set(r.device, (counts.get(r.device) ?? 0) + 1);
    const picked = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    // Off the pick: the tries that teach the router (and, before it settles, its first choice).
    const elsewhere = routed.filter((r) => r.device !== picked).length;
    // Settled: from the first routed job after which at most one job (a later try) left the pick.
    const settledAfter = routed.findIndex(
      (_, i) => routed.slice(i).filter((r) => r.device !== picked).length <= 1,
    );
    const predicted = devices.map((d) => `${d.id} ${predictedMs[d.id]?.toFixed(1) ?? '—'}`).join(', ');
    const measured = devices.map((d) => `${d.id} ${liveMs[d.id]!.toFixed(1)}`).join(', ');
    // Each late routed job counted at its device's live median: the runs named and routed interleave, but which run
    // a run follows changes its time here by up to 20 %, so the routed jobs' own times would measure the order.
    const routedMs = late.reduce((sum, r) => sum + liveMs[r.device]!, 0) / late.length;
    report(
      `routing ${workload}: settles on ${picked} after ${settledAfter} routed jobs (${elsewhere} of ${turns} elsewhere); suite predicts ${predicted} ms, live median ${measured} ms, routed ${routedMs.toFixed(1)} ms (the routed jobs' own median ${median(late.map((r) => r.ms)).toFixed(1)} ms)`,
    );
    out.push({
      workload,
      picked,
      predictedMs,
      liveMs,
      elsewhere,
      settledAfter,
      figure: {
        id: `routing-${workload}`,
        value: best / routedMs,
        unit: '×',
        better: 'higher',
        target: 0.95,
        note: `the best device's live median ÷ the mean of the live medians of the devices the routed jobs of the second half of ${turns} turns ran on (each turn runs the job on every device named and once routed); devices ${devices.map((d) => d.id).join(', ')}; the suite predicted ${predicted} ms, live medians ${measured} ms; routed jobs settled on ${picked} after ${settledAfter}, ${elsewhere} of ${turns} ran elsewhere`,
      },
    });
  }
  return out;
}
