/**
 * A small GGUF (version 3) writer and header check, for the language models the project makes itself
 * (randomModel.ts) and for telling a GGUF file from anything else before llama.cpp sees it.
 *
 * Layout (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md): magic `GGUF`, version, tensor count and
 * metadata count (u64), the metadata key/value pairs, the tensor infos (name, dims innermost first, ggml type,
 * offset into the data section), padding to `general.alignment` (32), then each tensor's data, each aligned to 32.
 * Little-endian throughout.
 */

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3;
const ALIGNMENT = 32;

/** GGUF metadata value types. */
const enum ValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

/** A metadata value with its GGUF type spelled out (JavaScript numbers do not say u32 from f32). */
export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'f32[]'; value: ArrayLike<number> }
  | { type: 'i32[]'; value: ArrayLike<number> };

/** ggml tensor types written here: F32 (0) and F16 (1). */
export type GgufTensorType = 'F32' | 'F16';
const tensorTypeCode: Record<GgufTensorType, number> = { F32: 0, F16: 1 };
const tensorTypeBytes: Record<GgufTensorType, number> = { F32: 4, F16: 2 };

export interface GgufTensor {
  name: string;
  /** ggml order: the innermost (contiguous) dimension first, e.g. [n_embd, n_vocab] for token_embd. */
  dims: readonly number[];
  type: GgufTensorType;
  /** Values in ggml order (F16 tensors are rounded from these), or a function making them when written. */
  data: Float32Array | (() => Float32Array);
}

const encoder = new TextEncoder();

/** Serialises metadata and tensors into one GGUF file. */
export function writeGguf(
  metadata: ReadonlyArray<[string, GgufValue]>,
  tensors: readonly GgufTensor[],
): Uint8Array {
  const head = new ByteWriter();
  head.u32(GGUF_MAGIC);
  head.u32(GGUF_VERSION);
  head.u64(tensors.length);
  head.u64(metadata.length);
  for (const [key, value] of metadata) {
    head.string(key);
    writeValue(head, value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    const count = t.dims.reduce((n, d) => n * d, 1);
    head.string(t.name);
    head.u32(t.dims.length);
    for (const d of t.dims) head.u64(d);
    head.u32(tensorTypeCode[t.type]);
    head.u64(offset);
    offsets.push(offset);
    offset = align(offset + count * tensorTypeBytes[t.type]);
  }
  const headBytes = head.bytes();
  const dataStart = align(headBytes.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(headBytes, 0);
  const view = new DataView(out.buffer);
  // One tensor's values at a time: a billion-parameter model never holds all of them as floats at once.
  tensors.forEach((t, i) => {
    const at = dataStart + offsets[i]!;
    const data = typeof t.data === 'function' ? t.data() : t.data;
    const count = t.dims.reduce((n, d) => n * d, 1);
    if (count !== data.length) {
      throw new Error(
        `tensor ${t.name}: dims [${t.dims.join(', ')}] hold ${count} values, not ${data.length}`,
      );
    }
    if (t.type === 'F32') {
      for (let j = 0; j < data.length; j++) view.setFloat32(at + j * 4, data[j]!, true);
    } else {
      for (let j = 0; j < data.length; j++) view.setUint16(at + j * 2, toHalf(data[j]!), true);
    }
  });
  return out;
}

function align(n: number): number {
  return Math.ceil(n / ALIGNMENT) * ALIGNMENT;
}

function writeValue(w: ByteWriter, v: GgufValue): void {
  switch (v.type) {
    case 'u32':
      w.u32(ValueType.UINT32);
      w.u32(v.value);
      return;
    case 'i32':
      w.u32(ValueType.INT32);
      w.i32(v.value);
      return;
    case 'f32':
      w.u32(ValueType.FLOAT32);
      w.f32(v.value);
      return;
    case 'bool':
      w.u32(ValueType.BOOL);
      w.u8(v.value ? 1 : 0);
      return;
    case 'string':
      w.u32(ValueType.STRING);
      w.string(v.value);
      return;
    case 'string[]':
      writeArray(w, ValueType.STRING, v.value, (s) => w.string(s));
      return;
    case 'f32[]':
      writeArray(w, ValueType.FLOAT32, v.value, (n) => w.f32(n));
      return;
    case 'i32[]':
      writeArray(w, ValueType.INT32, v.value, (n) => w.i32(n));
      return;
  }
}

/** An array value: its element type, its length, then each element. */
function writeArray<T>(w: ByteWriter, type: ValueType, items: ArrayLike<T>, write: (item: T) => void): void {
  w.u32(ValueType.ARRAY);
  w.u32(type);
  w.u64(items.length);
  for (let i = 0; i < items.length; i++) write(items[i]!);
}

/** A growable little-endian byte buffer. */
class ByteWriter {
  #buf = new Uint8Array(1 << 16);
  #view = new DataView(this.#buf.buffer);
  #len = 0;

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
  /** Appends `size` bytes that `set` writes at the end of the buffer. */
  #put(size: number, set: (view: DataView, at: number) => void): void {
    this.#room(size);
    set(this.#view, this.#len);
    this.#len += size;
  }
  u8(n: number): void {
    this.#put(1, (v, at) => v.setUint8(at, n));
  }
  u32(n: number): void {
    this.#put(4, (v, at) => v.setUint32(at, n, true));
  }
  i32(n: number): void {
    this.#put(4, (v, at) => v.setInt32(at, n, true));
  }
  f32(n: number): void {
    this.#put(4, (v, at) => v.setFloat32(at, n, true));
  }
  u64(n: number): void {
    this.#put(8, (v, at) => v.setBigUint64(at, BigInt(n), true));
  }
  string(s: string): void {
    const b = encoder.encode(s);
    this.u64(b.length);
    this.#room(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }
  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half from a float, rounding to nearest even (values here are small: no overflow handling beyond Inf). */
export function toHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  // Subnormal halves: multiples of 2^-24 (a tie rounds away from zero here; weights never sit on one).
  if (e <= 0) return sign | Math.min(0x400, Math.round(Math.abs(f32[0]!) * 2 ** 24));
  const half = sign | (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // Round to nearest, ties to even; a carry into the exponent is the right result.
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) return half + 1;
  return half;
}

/** What the first bytes of a file say: a GGUF file's version, or why it is not one. */
export function ggufHeader(bytes: Uint8Array): { ok: true; version: number } | { ok: false; reason: string } {
  if (bytes.byteLength < 24)
    return { ok: false, reason: `${bytes.byteLength} bytes is too short for a GGUF header` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== GGUF_MAGIC)
    return { ok: false, reason: 'it does not start with the GGUF magic' };
  const version = view.getUint32(4, true);
  if (version < 2 || version > 3) return { ok: false, reason: `GGUF version ${version} is not 2 or 3` };
  return { ok: true, version };
}
