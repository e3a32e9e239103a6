/**
 * A strict safetensors reader and a canonical writer (https://github.com/huggingface/safetensors, format 0.x):
 * `u64 little-endian header length · JSON header · tensor bytes`. Job inputs come from strangers, so the reader
 * refuses anything the reference implementation would refuse (and a little more): offsets that overlap, leave gaps
 * or run past the end, sizes that do not match dtype × shape, unknown dtypes, non-string metadata.
 *
 * The writer is canonical — tensors sorted by name, fixed key order, header padded with spaces to 8 bytes, no
 * metadata unless asked — so two providers that compute the same tensors write the same bytes and the same hash.
 */

export const dtypeSizes = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
} as const;

export type Dtype = keyof typeof dtypeSizes;

export interface NamedTensor {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** The raw little-endian bytes (a view into the file when read). */
  data: Uint8Array;
}

export interface SafetensorsFile {
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

export interface ReadLimits {
  /** Largest header accepted, in bytes. */
  maxHeaderBytes?: number;
  /** Largest single tensor accepted, in bytes; larger ones raise `SafetensorsTooLarge`. */
  maxTensorBytes?: number;
}

/** The bytes are not a valid safetensors file. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** A tensor is over the configured size cap. */
export class SafetensorsTooLarge extends SafetensorsError {
  override name = 'SafetensorsTooLarge';
}

/** Any name a model may use, but not empty, not huge, and no control characters (they would make logs lie). */
function isTensorName(name: string): boolean {
  if (name.length < 1 || name.length > 1024) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && Object.hasOwn(dtypeSizes, value);
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Reads a safetensors file; throws `SafetensorsError` with the first problem found. */
export function readSafetensors(bytes: Uint8Array, limits: ReadLimits = {}): SafetensorsFile {
  const maxHeader = limits.maxHeaderBytes ?? 1 << 20;
  if (bytes.byteLength < 8) throw new SafetensorsError('shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength < 2n) throw new SafetensorsError('header length is too small');
  if (headerLength > BigInt(maxHeader)) {
    throw new SafetensorsError(`header of ${headerLength} bytes is over the ${maxHeader}-byte cap`);
  }
  const dataStart = 8 + Number(headerLength);
  if (dataStart > bytes.byteLength) throw new SafetensorsError('header runs past the end of the file');

  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (err) {
    throw new SafetensorsError(`header is not UTF-8 JSON: ${(err as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SafetensorsError('header is not a JSON object');
  }

  const dataLength = bytes.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const entries: { tensor: NamedTensor; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        throw new SafetensorsError('__metadata__ is not an object');
      }
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new SafetensorsError(`metadata "${k}" is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    entries.push(parseEntry(name, raw, dataLength, limits));
  }

  // Offsets must tile the data buffer exactly: no gaps (hidden bytes), no overlaps, nothing left over.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of entries) {
    if (e.begin !== cursor) {
      throw new SafetensorsError(`tensor "${e.tensor.name}" does not start where the previous one ends`);
    }
    cursor = e.end;
  }
  if (cursor !== dataLength) throw new SafetensorsError('the data buffer has bytes no tensor owns');

  const tensors = entries.map(({ tensor, begin, end }) => ({
    ...tensor,
    data: bytes.subarray(dataStart + begin, dataStart + end),
  }));
  tensors.sort((a, b) => compareNames(a.name, b.name));
  return { tensors, metadata };
}

function parseEntry(name: string, raw: unknown, dataLength: number, limits: ReadLimits) {
  if (!isTensorName(name)) throw new SafetensorsError(`tensor name ${JSON.stringify(name)} is not allowed`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SafetensorsError(`tensor "${name}" is not an object`);
  }
  const { dtype, shape, data_offsets: offsets, ...rest } = raw as Record<string, unknown>;
  if (Object.keys(rest).length) throw new SafetensorsError(`tensor "${name}" has unknown fields`);
  if (!isDtype(dtype))
    throw new SafetensorsError(`tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every(isDim)) {
    throw new SafetensorsError(`tensor "${name}" has a bad shape`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isDim)) {
    throw new SafetensorsError(`tensor "${name}" has bad data_offsets`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) throw new SafetensorsError(`tensor "${name}" lies outside the data`);
  const expected = elementCount(shape as number[]) * dtypeSizes[dtype];
  if (!Number.isSafeInteger(expected) || expected !== end - begin) {
    throw new SafetensorsError(
      `tensor "${name}" holds ${end - begin} bytes, its dtype and shape need ${expected}`,
    );
  }
  if (limits.maxTensorBytes !== undefined && expected > limits.maxTensorBytes) {
    throw new SafetensorsTooLarge(
      `tensor "${name}" is ${expected} bytes, over the ${limits.maxTensorBytes}-byte cap`,
    );
  }
  return { tensor: { name, dtype, shape: [...(shape as number[])], data: new Uint8Array() }, begin, end };
}

function isDim(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Byte-wise order of names, the same on every machine (localeCompare is not). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Writes the canonical safetensors bytes for these tensors (sorted by name; metadata only when given). */
export function writeSafetensors(
  tensors: readonly NamedTensor[],
  metadata?: Record<string, string>,
): Uint8Array {
  const sorted = [...tensors].sort((a, b) => compareNames(a.name, b.name));
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) {
    header.__metadata__ = Object.fromEntries(
      Object.keys(metadata)
        .sort(compareNames)
        .map((k) => [k, metadata[k]]),
    );
  }
  let offset = 0;
  const seen = new Set<string>();
  for (const t of sorted) {
    if (seen.has(t.name)) throw new SafetensorsError(`tensor "${t.name}" is given twice`);
    seen.add(t.name);
    if (!isTensorName(t.name))
      throw new SafetensorsError(`tensor name ${JSON.stringify(t.name)} is not allowed`);
    const size = elementCount(t.shape) * dtypeSizes[t.dtype];
    if (size !== t.data.byteLength) {
      throw new SafetensorsError(`tensor "${t.name}" has ${t.data.byteLength} bytes, needs ${size}`);
    }
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + padded);
  let cursor = 8 + padded;
  for (const t of sorted) {
    out.set(t.data, cursor);
    cursor += t.data.byteLength;
  }
  return out;
}

/** A tensor's bytes as a Float32Array (copied when the view is not 4-byte aligned). */
export function asFloat32(t: NamedTensor): Float32Array {
  if (t.dtype !== 'F32') throw new SafetensorsError(`tensor "${t.name}" is ${t.dtype}, not F32`);
  const data = t.data.byteOffset % 4 === 0 ? t.data : t.data.slice();
  return new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
}

/** A tensor from a typed array: the bytes are shared, not copied. */
export function tensorOf(name: string, dtype: Dtype, shape: number[], values: ArrayBufferView): NamedTensor {
  return { name, dtype, shape, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}
