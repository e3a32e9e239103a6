import ort from 'onnxruntime-node';
import { dtypeSizes, type Dtype, type NamedTensor } from '../safetensors';

/** onnxruntime's tensor types for each safetensors dtype it can run (BF16 has no onnxruntime-node type). */
export const ortTypes: Partial<Record<Dtype, ort.Tensor.Type>> = {
  F64: 'float64',
  F32: 'float32',
  F16: 'float16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U64: 'uint64',
  U32: 'uint32',
  U16: 'uint16',
  U8: 'uint8',
  BOOL: 'bool',
};

const dtypeOf = Object.fromEntries(Object.entries(ortTypes).map(([d, t]) => [t, d])) as Record<string, Dtype>;

const arrays: Record<Exclude<Dtype, 'BF16'>, TypedArrayConstructor> = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  I64: BigInt64Array,
  I32: Int32Array,
  I16: Int16Array,
  I8: Int8Array,
  U64: BigUint64Array,
  U32: Uint32Array,
  U16: Uint16Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

type TypedArrayConstructor = new (
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
) => ArrayBufferView;

/** An onnxruntime tensor over the safetensors bytes (copied only when they are not aligned for the type). */
export function toOrt(t: NamedTensor): ort.Tensor {
  const type = ortTypes[t.dtype];
  if (!type) throw new Error(`dtype ${t.dtype} cannot be given to onnxruntime`);
  const size = dtypeSizes[t.dtype];
  const bytes = t.data.byteOffset % size === 0 ? t.data : t.data.slice();
  const Ctor = arrays[t.dtype as keyof typeof arrays];
  const values = new Ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / size);
  return new ort.Tensor(type, values as never, t.shape);
}

/** A named safetensors tensor over an onnxruntime output (no copy). */
export function fromOrt(name: string, tensor: ort.Tensor): NamedTensor {
  const dtype = dtypeOf[tensor.type];
  if (!dtype || Array.isArray(tensor.data)) {
    throw new Error(`output "${name}" has type ${tensor.type}, which a job output cannot hold`);
  }
  const data = tensor.data as ArrayBufferView;
  return {
    name,
    dtype,
    shape: [...tensor.dims],
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

export function ortTypeToDtype(type: string): Dtype | undefined {
  return dtypeOf[type];
}
