/**
 * The engine worker: one per compute device. It holds onnxruntime sessions (cached by model hash), runs inference
 * and fine-tune jobs and benchmark loops, and probes execution providers. It never trusts a job: every refusal
 * is a Decline with a decline reason, and nothing a job does can leave it in a state the next job sees,
 * except a cached session of a model whose bytes hashed right.
 */
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import type { Hash } from '#shared/api/define';
import type { OutputPreview } from '#shared/api/jobs';
import { Decline } from '#shared/decline';
import { createKeccak256, type Keccak256 } from '../hash';
import { probeModel } from '../onnx/models';
import { ctcDecode, parseKeys } from '../preview/ocr';
import { textRegions } from '../preview/textRegions';
import { speechSegments } from '../preview/vad';
import {
  SafetensorsError,
  SafetensorsTooLarge,
  asFloat32,
  readSafetensors,
  writeSafetensors,
  type NamedTensor,
} from '../safetensors';
import { timeModel } from './bench';
import { runFineTune } from './finetune';
import { firstLine, runInference } from './inference';
import { native, setControl } from './native';
import { ModelBytes, connectPort, postError } from './port';
import type { ToWorker, WorkerBench, WorkerDevice, WorkerJob, WorkerLimits } from './protocol';
import { SessionCache, sessionOptions } from './sessions';

const port = connectPort();
const keccak256: Keccak256 = await createKeccak256();
let device: WorkerDevice | undefined;
let limits: WorkerLimits | undefined;
let cache: SessionCache | undefined;
const models = new ModelBytes(port, keccak256);
let queue = Promise.resolve();
const keys = new Map<string, string[]>();

port.onMessage((message: ToWorker) => {
  switch (message.type) {
    case 'init':
      device = message.device;
      limits = message.limits;
      setControl(message.control);
      cache = new SessionCache(device, limits.sessionCacheBytes);
      return;
    case 'model':
      models.answer(message.id, message.bytes);
      return;
    case 'job':
      queue = queue.then(() => handleJob(message.id, message.job));
      return;
    case 'bench':
      queue = queue.then(() => handleBench(message.id, message.bench));
      return;
    case 'probe':
      queue = queue.then(() => handleProbe(message.id, message.executionProvider, message.deviceIndex));
      return;
    case 'backends':
      port.post({ type: 'backends-result', id: message.id, backends: listBackends() });
      return;
  }
});
port.post({ type: 'ready' });

async function handleJob(id: number, job: WorkerJob): Promise<void> {
  try {
    const { session, loadMs } = await sessionFor(id, job.modelHash, job.model);
    if (job.inputHash && keccak256(job.input) !== job.inputHash.toLowerCase()) {
      throw new Decline('INPUT_HASH_MISMATCH', `the input bytes do not hash to ${job.inputHash}`);
    }
    const file = parseInput(job.input);
    const started = performance.now();
    let tensors: NamedTensor[];
    let preview: OutputPreview;
    // At most ten progress messages a second, and always the last step.
    let lastPost = 0;
    const progress = (step: number, steps: number, loss?: number) => {
      const now = performance.now();
      if (now - lastPost < 100 && step !== steps) return;
      lastPost = now;
      port.post({ type: 'progress', id, step, steps, ...(loss !== undefined ? { loss } : {}) });
    };
    if (job.kind === 'fine-tune') {
      const outcome = await runFineTune(session, file, progress);
      tensors = outcome.tensors;
      preview = outcome.preview;
    } else {
      tensors = await runInference(session, file.tensors, job.runner, progress);
      preview = previewOf(job, tensors);
    }
    const runMs = performance.now() - started;
    const outputStarted = performance.now();
    const outputBytes = tensors.reduce((n, t) => n + t.data.byteLength, 0);
    if (outputBytes > limits!.maxOutputBytes) {
      throw new Decline(
        'INPUT_TOO_LARGE',
        `the output would be ${outputBytes} bytes, over the ${limits!.maxOutputBytes}-byte cap`,
      );
    }
    let output: Uint8Array;
    try {
      output = writeSafetensors(tensors);
    } catch (err) {
      throw new Decline('MODEL_INVALID', `its outputs cannot be written: ${(err as Error).message}`);
    }
    const outputHash = keccak256(output);
    const outputMs = performance.now() - outputStarted;
    await cache!.trim(job.modelHash);
    port.post(
      {
        type: 'result',
        id,
        output,
        outputHash,
        preview,
        timings: { loadMs, runMs, outputMs },
        cached: cache!.hashes(),
        sessionsCreated: cache!.created,
      },
      [output.buffer as ArrayBuffer],
    );
  } catch (err) {
    report(id, err);
  }
}

async function handleBench(id: number, bench: WorkerBench): Promise<void> {
  try {
    const { session, loadMs } = await sessionFor(id, bench.modelHash, bench.model);
    const feeds = readSafetensors(bench.feeds).tensors;
    const runMs = await timeModel(session, feeds, bench);
    port.post({
      type: 'bench-result',
      id,
      runMs,
      loadMs,
      cached: cache!.hashes(),
      sessionsCreated: cache!.created,
    });
  } catch (err) {
    report(id, err);
  }
}

/** Tries an execution provider with the probe model: a session, one run, and the right answer. */
async function handleProbe(
  id: number,
  executionProvider: WorkerDevice['executionProvider'],
  deviceIndex: number,
) {
  const started = performance.now();
  try {
    const options = sessionOptions({ id: 'probe', executionProvider, deviceIndex, intraOpThreads: 1 }, true);
    const session = await native(() => ort.InferenceSession.create(probeModel(), options));
    const x = new ort.Tensor(
      'float32',
      Float32Array.from({ length: 8 }, (_, i) => i),
      [1, 8],
    );
    const out = await native(() => session.run({ x }));
    const y = out.y!.data as Float32Array;
    await native(() => session.release());
    if (!y.every((v, i) => v === i + 1))
      throw new Error('it ran the probe model but computed a wrong answer');
    port.post({ type: 'probe-result', id, ok: true, ms: performance.now() - started });
  } catch (err) {
    port.post({
      type: 'probe-result',
      id,
      ok: false,
      error: firstLine(err),
      ms: performance.now() - started,
    });
  }
}

/** The cached session for a model, or a new one from bytes that must hash to `hash`. */
async function sessionFor(id: number, hash: Hash, given?: Uint8Array) {
  if (!cache) throw new Error('worker used before init');
  const key = hash.toLowerCase() as Hash;
  const cached = cache.get(key);
  if (cached) return { session: cached, loadMs: 0 };
  const started = performance.now();
  const bytes = await models.get(id, hash, given);
  try {
    const session = await cache.create(key, bytes);
    return { session, loadMs: performance.now() - started };
  } catch (err) {
    throw new Decline('MODEL_INVALID', `onnxruntime cannot load it: ${firstLine(err)}`);
  }
}

function parseInput(bytes: Uint8Array) {
  try {
    return readSafetensors(bytes, { maxTensorBytes: limits!.maxTensorBytes });
  } catch (err) {
    if (err instanceof SafetensorsTooLarge) throw new Decline('INPUT_TOO_LARGE', err.message);
    if (err instanceof SafetensorsError)
      throw new Decline('INPUT_INVALID', `not safetensors: ${err.message}`);
    throw err;
  }
}

function previewOf(job: WorkerJob, tensors: NamedTensor[]): OutputPreview {
  const spec = job.preview;
  if (spec?.kind === 'ocr' && job.previewFile && tensors[0]) {
    let dictionary = keys.get(job.previewFile);
    if (!dictionary) {
      dictionary = parseKeys(readFileSync(job.previewFile, 'utf8'));
      keys.set(job.previewFile, dictionary);
    }
    return {
      kind: 'ocr',
      text: ctcDecode(asFloat32(tensors[0]), tensors[0].shape, dictionary, {
        probabilities: spec.probabilities === true,
      })
        .map((line) => line.trim())
        .join('\n'),
    };
  }
  if (spec?.kind === 'text-regions' && tensors[0]?.shape.length === 4) {
    const [, , height, width] = tensors[0].shape as [number, number, number, number];
    return { kind: 'text-regions', ...textRegions(asFloat32(tensors[0]), height, width, spec) };
  }
  if (spec?.kind === 'vad' && tensors[0]) {
    const probs = asFloat32(tensors[0]);
    return {
      kind: 'vad',
      durationS: (probs.length * spec.frame) / spec.sampleRate,
      segments: speechSegments(probs, spec),
    };
  }
  return { kind: 'tensors', tensors: tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })) };
}

function listBackends(): { name: string; bundled: boolean }[] {
  const list = (ort as unknown as { listSupportedBackends?: () => { name: string; bundled: boolean }[] })
    .listSupportedBackends;
  return list ? list().map(({ name, bundled }) => ({ name, bundled })) : [{ name: 'cpu', bundled: true }];
}

function report(id: number, err: unknown): void {
  postError(port, id, err, cache?.hashes() ?? []);
}
