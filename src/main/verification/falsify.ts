/**
 * Wrong outputs for the demo market's sloppy provider: a real output changed so that it truly fails its model's
 * policy — the same check every validator runs catches it, as it would catch a broken GPU or a provider that
 * skips the work — yet stays plausible: the same tensors, dtypes and shapes, values in the same range (a softmax
 * row stays a distribution, a probability stays in [0, 1]). A random hash would only ever fail `exact`.
 */
import { readSafetensors, writeSafetensors, type NamedTensor } from '../engine/safetensors';
import { compareOutputs, thresholds, VerificationError, type VerificationPolicy } from './policy';

/**
 * `reference` with enough of it changed to fail `policy`: for `argmax`, the two leading values swapped in more rows
 * than the agreement allows (60 % at least); for `logprob`, half the logprobs lowered past the bound; otherwise
 * the middle half of every float tensor moved well past the tolerance (by 0.5, or more when the bounds are wider).
 * Throws a VerificationError when no such change fails the policy (an output without float values under a
 * tolerance rule).
 */
export function falsifyOutput(reference: Uint8Array, policy: VerificationPolicy): Uint8Array {
  const file = readSafetensors(reference);
  const tensors = file.tensors.map((t) => ({ ...t, data: t.data.slice() }));
  const floats = tensors.filter((t) => t.dtype === 'F32' || t.dtype === 'F64');
  const bounds = thresholds(policy);
  if (policy.rule === 'argmax') {
    const share = Math.min(1, Math.max(0.6, 1 - bounds.minAgreement + 0.05));
    for (const t of floats) swapLeaders(t, share);
  } else if (policy.rule === 'logprob') {
    const logprobs = floats.find((t) => t.name === 'logprobs');
    if (logprobs) shift(logprobs, () => -(2 * bounds.maxAbsError + 0.5), 0, 0.5);
  } else {
    // Past both bounds for every value: a probability (in [0, 1]) moves by half the range towards the far end and
    // stays a probability; any other value moves away from zero by twice the wider bound, and by 0.5 more.
    const halfFails = bounds.maxAbsError < 0.5 && bounds.maxRelError < 0.5;
    for (const t of floats) {
      shift(t, (x) => {
        if (halfFails && x >= 0 && x <= 1) return x < 0.5 ? 0.5 : -0.5;
        const d = 2 * Math.max(bounds.maxAbsError, bounds.maxRelError * Math.abs(x)) + 0.5;
        return x >= 0 ? d : -d;
      });
    }
  }
  const wrong = writeSafetensors(tensors, Object.keys(file.metadata).length ? file.metadata : undefined);
  // Whether the hashes are equal is whether the bytes are: compared directly, since keccak in JS over a 1 MB
  // output takes ~120 ms a side, more than the rest of a demo round.
  const same = Buffer.compare(wrong, reference) === 0;
  const submitted = { bytes: wrong, hash: same ? REFERENCE : OTHER };
  if (!compareOutputs(policy, submitted, { bytes: reference, hash: REFERENCE }).pass) return wrong;
  throw new VerificationError(`no plausible change of this output fails a ${policy.rule} policy`);
}

/** Stand-ins for the two outputs' hashes in the check above: equal exactly when the bytes are. */
const REFERENCE = `0x${'0'.repeat(64)}` as const;
const OTHER = `0x${'0'.repeat(63)}1` as const;

/** A tensor's elements as a float array over a copy of its bytes (written back by `data`). */
function floatsOf(t: NamedTensor): Float32Array | Float64Array {
  const { buffer, byteOffset, byteLength } = t.data;
  return t.dtype === 'F64'
    ? new Float64Array(buffer, byteOffset, byteLength / 8)
    : new Float32Array(buffer, byteOffset, byteLength / 4);
}

/** Adds `delta(x)` to the elements from `from` to `to` (shares of the tensor's length). */
function shift(t: NamedTensor, delta: (x: number) => number, from = 0.25, to = 0.75): void {
  const v = floatsOf(t);
  for (let i = Math.floor(v.length * from); i < Math.ceil(v.length * to); i++) v[i] = v[i]! + delta(v[i]!);
}

/**
 * In `share` of the rows along the last axis (spread over the tensor), swaps the largest value with the next
 * distinct one, so the row keeps its values (a softmax stays a distribution) and its argmax moves.
 */
function swapLeaders(t: NamedTensor, share: number): void {
  const v = floatsOf(t);
  const width = t.shape.length ? t.shape.at(-1)! : 1;
  if (width < 2) return;
  const rows = v.length / width;
  const changed = Math.ceil(rows * share);
  for (let k = 0; k < changed; k++) {
    const row = Math.floor((k * rows) / changed);
    const start = row * width;
    let top = start;
    for (let i = start + 1; i < start + width; i++) if (v[i]! > v[top]!) top = i;
    let next = -1;
    for (let i = start; i < start + width; i++) {
      if (v[i]! < v[top]! && (next < 0 || v[i]! > v[next]!)) next = i;
    }
    if (next < 0) {
      // A flat row: raise one other value above the rest.
      next = top === start ? start + 1 : start;
      v[next] = v[top]! + Math.max(0.5, Math.abs(v[top]!));
      continue;
    }
    const keep = v[top]!;
    v[top] = v[next]!;
    v[next] = keep;
  }
}
