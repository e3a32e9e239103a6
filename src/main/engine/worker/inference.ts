import ort from 'onnxruntime-node';
import { Decline } from '#shared/decline';
import type { Runner } from '../references';
import type { NamedTensor } from '../safetensors';
import { native } from './native';
import { fromOrt, toOrt } from './tensors';
import { checkInputs, inputSpecs } from './validate';

/** Runs an inference job: checks the tensors against what the model takes, runs it, names the outputs. */
export async function runInference(
  session: ort.InferenceSession,
  tensors: NamedTensor[],
  runner: Runner,
  onProgress?: (step: number, steps: number) => void,
): Promise<NamedTensor[]> {
  if (runner.kind === 'stream') return runStream(session, tensors, runner, onProgress);
  const specs = inputSpecs(session);
  if (specs.some((s) => s.type === 'non-tensor')) {
    throw new Decline('MODEL_INVALID', 'the model takes non-tensor inputs, which jobs cannot carry');
  }
  const problem = checkInputs(tensors, specs);
  if (problem) throw new Decline('INPUT_INVALID', problem);
  const feeds = Object.fromEntries(tensors.map((t) => [t.name, toOrt(t)]));
  const outputs = await runOrRefuse(session, feeds);
  try {
    return session.outputNames.map((name) => fromOrt(name, outputs[name]!));
  } catch (err) {
    throw new Decline('MODEL_INVALID', (err as Error).message);
  }
}

/**
 * Runs a stateful model over a long 1-D input, one frame at a time, carrying its state (Silero VAD: 512 samples at
 * 16 kHz per frame, a [2,1,128] state); the output holds one value per frame. The last frame is zero-padded. Each
 * frame is a step of the job's progress.
 */
async function runStream(
  session: ort.InferenceSession,
  tensors: NamedTensor[],
  runner: Extract<Runner, { kind: 'stream' }>,
  onProgress?: (step: number, steps: number) => void,
): Promise<NamedTensor[]> {
  const problem = checkInputs(tensors, [{ name: runner.input, type: 'float32', shape: ['samples'] }]);
  if (problem) throw new Decline('INPUT_INVALID', problem);
  const audio = toOrt(tensors[0]!).data as Float32Array;
  const frames = Math.ceil(audio.length / runner.frame);
  const out = new Float32Array(frames);
  const constants = Object.fromEntries(
    runner.constants.map((c) => [
      c.name,
      c.dtype === 'I64'
        ? new ort.Tensor('int64', BigInt64Array.from([BigInt(c.value)]), [])
        : new ort.Tensor('float32', Float32Array.from([c.value]), []),
    ]),
  );
  let state: ort.Tensor = new ort.Tensor(
    'float32',
    new Float32Array(runner.state.shape.reduce((n, d) => n * d, 1)),
    runner.state.shape,
  );
  const frame = new Float32Array(runner.frame);
  for (let i = 0; i < frames; i++) {
    frame.fill(0);
    frame.set(audio.subarray(i * runner.frame, Math.min(audio.length, (i + 1) * runner.frame)));
    const outputs = await runOrRefuse(session, {
      ...constants,
      [runner.modelInput]: new ort.Tensor('float32', frame, [1, runner.frame]),
      [runner.state.input]: state,
    });
    out[i] = (outputs[runner.modelOutput]!.data as Float32Array)[0]!;
    state = outputs[runner.state.output] as ort.Tensor;
    onProgress?.(i + 1, frames);
  }
  return [fromOrt(runner.output, new ort.Tensor('float32', out, [frames]))];
}

/** One run; onnxruntime's own complaints about the values (after our shape checks passed) refuse the input. */
export async function runOrRefuse(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  fetches?: string[],
): Promise<Record<string, ort.Tensor>> {
  try {
    return (await native(() => (fetches ? session.run(feeds, fetches) : session.run(feeds)))) as Record<
      string,
      ort.Tensor
    >;
  } catch (err) {
    throw new Decline('INPUT_INVALID', `the model failed on this input: ${firstLine(err)}`);
  }
}

export function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message
    .split('\n')[0]!
    .replace(/^\/onnxruntime_src\/\S+ /, '')
    .slice(0, 300);
}
