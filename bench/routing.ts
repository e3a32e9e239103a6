/**
 * The routing figure, shared by `npm run bench -- engine` and the GPU machine check (scripts/device/): for each
 * reference model, real jobs run on every device, turn about, and the figure is the live rate of the device the router
 * picks with empty queues (from the benchmark's rates) ÷ the best device's live rate. ≥ 0.95: routing never loses
 * more than 5 %.
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

export interface RoutingMeasurement {
  workload: string;
  picked: string;
  /** Predicted and live median run ms per device. */
  predictedMs: Record<string, number | null>;
  liveMs: Record<string, number>;
  figure: Figure;
}

/** Times each reference job on every device (3 warm-up runs each, then `turns` rotating turns) against the pick. */
export async function routingFigures(options: {
  engine: Engine;
  router: DeviceRouter;
  devices: EngineDevice[];
  keccak256: Keccak256;
  turns?: number;
  report: (line: string) => void;
}): Promise<RoutingMeasurement[]> {
  const { engine, router, devices, report } = options;
  const turns = options.turns ?? 30;
  const out: RoutingMeasurement[] = [];
  for (const [workload, job] of Object.entries(referenceJobs(options.keccak256))) {
    const picked = router.choose(job, devices, () => 0).device.id;
    const times: Record<string, number[]> = Object.fromEntries(devices.map((d) => [d.id, []]));
    for (const d of devices) for (let i = 0; i < 3; i++) await engine.runJob(job, { device: d.id });
    for (let turn = 0; turn < turns; turn++) {
      for (let i = 0; i < devices.length; i++) {
        const d = devices[(turn + i) % devices.length]!;
        times[d.id]!.push((await engine.runJob(job, { device: d.id })).timings.runMs);
      }
    }
    const liveMs = Object.fromEntries(devices.map((d) => [d.id, median(times[d.id]!)]));
    const predictedMs = Object.fromEntries(devices.map((d) => [d.id, router.predict(job, d)]));
    const best = Math.min(...Object.values(liveMs));
    const predicted = devices.map((d) => `${d.id} ${predictedMs[d.id]?.toFixed(1) ?? '—'}`).join(', ');
    const measured = devices.map((d) => `${d.id} ${liveMs[d.id]!.toFixed(1)}`).join(', ');
    report(
      `routing ${workload}: picks ${picked}; suite predicts ${predicted} ms, live median ${measured} ms`,
    );
    out.push({
      workload,
      picked,
      predictedMs,
      liveMs,
      figure: {
        id: `routing-${workload}`,
        value: best / liveMs[picked]!,
        unit: '×',
        better: 'higher',
        target: 0.95,
        note: `live rate of the device the router picks (${picked}) ÷ the best device's, from the quick suite's rates; devices ${devices.map((d) => d.id).join(', ')}, ${turns} turns of jobs each; predicted ${predicted} ms, live medians ${measured} ms`,
      },
    });
  }
  return out;
}
