import type ort from 'onnxruntime-node';
import type { NamedTensor } from '../safetensors';
import { ortTypes } from './tensors';

export interface InputSpec {
  name: string;
  type: string;
  /** Fixed sizes, or names for sizes given at run time ('' = free, unnamed). */
  shape: (number | string)[];
}

/** The tensor inputs a session declares (non-tensor inputs have no spec: such models are refused elsewhere). */
export function inputSpecs(session: ort.InferenceSession): InputSpec[] {
  return session.inputMetadata.map((m) => {
    if (!m.isTensor) return { name: m.name, type: 'non-tensor', shape: [] };
    return { name: m.name, type: m.type, shape: [...m.shape] };
  });
}

/**
 * Checks job tensors against the inputs a model declares: every input present, none extra, the right dtype, the
 * right rank, fixed sizes equal, and one value for each named size across inputs. Returns the first problem, in
 * words, or null.
 */
export function checkInputs(tensors: readonly NamedTensor[], specs: readonly InputSpec[]): string | null {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const missing = specs.filter((s) => !byName.has(s.name)).map((s) => s.name);
  if (missing.length) return `missing input tensor(s): ${missing.join(', ')}`;
  const declared = new Set(specs.map((s) => s.name));
  const extra = tensors.filter((t) => !declared.has(t.name)).map((t) => t.name);
  if (extra.length) return `input tensor(s) the model does not take: ${extra.join(', ')}`;
  const sizes = new Map<string, number>();
  for (const spec of specs) {
    const t = byName.get(spec.name)!;
    if (ortTypes[t.dtype] !== spec.type)
      return `input "${spec.name}" is ${t.dtype}, the model takes ${spec.type}`;
    if (t.shape.length !== spec.shape.length) {
      return `input "${spec.name}" has rank ${t.shape.length}, the model takes rank ${spec.shape.length}`;
    }
    for (let i = 0; i < spec.shape.length; i++) {
      const want = spec.shape[i]!;
      const got = t.shape[i]!;
      if (typeof want === 'number') {
        if (want !== got)
          return `input "${spec.name}" has size ${got} in dimension ${i}, the model takes ${want}`;
      } else if (want !== '') {
        const seen = sizes.get(want);
        if (seen !== undefined && seen !== got) {
          return `input "${spec.name}" has size ${got} for "${want}", another input set it to ${seen}`;
        }
        sizes.set(want, got);
      }
    }
  }
  return null;
}
