import { describe, expect, it } from 'vitest';
import {
  SafetensorsError,
  SafetensorsTooLarge,
  readSafetensors,
  tensorOf,
  writeSafetensors,
} from '../../../src/main/engine/safetensors';

function file(header: unknown, data = new Uint8Array()): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips tensors and metadata, sorted by name', () => {
    const bytes = writeSafetensors(
      [
        tensorOf('b', 'I64', [2], BigInt64Array.from([1n, -2n])),
        tensorOf('a', 'F32', [2, 2], Float32Array.from([1, 2, 3, 4])),
        tensorOf('c', 'U8', [3], Uint8Array.from([7, 8, 9])),
      ],
      { steps: '10' },
    );
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ steps: '10' });
    expect(back.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['a', 'F32', [2, 2]],
      ['b', 'I64', [2]],
      ['c', 'U8', [3]],
    ]);
    expect(Array.from(new Float32Array(back.tensors[0]!.data.slice().buffer))).toEqual([1, 2, 3, 4]);
  });

  it('writes the same bytes whatever the order the tensors come in (canonical output)', () => {
    const a = tensorOf('a', 'F32', [1], Float32Array.from([1]));
    const b = tensorOf('b', 'F32', [1], Float32Array.from([2]));
    expect(writeSafetensors([a, b])).toEqual(writeSafetensors([b, a]));
    // The header is padded with spaces to 8 bytes, as the reference implementation does.
    const bytes = writeSafetensors([a]);
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
  });

  const F4 = new Uint8Array(4);
  it.each([
    ['shorter than 8 bytes', new Uint8Array(3)],
    ['a header longer than the file', file({}).slice(0, 9)],
    [
      'a header that is not JSON',
      (() => {
        const f = file({ a: 1 });
        f[9] = 0x7b;
        f[10] = 0x7b;
        return f;
      })(),
    ],
    ['a header that is an array', file([])],
    ['an unknown dtype', file({ t: { dtype: 'F128', shape: [1], data_offsets: [0, 4] } }, F4)],
    [
      'a size that does not match dtype × shape',
      file({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, F4),
    ],
    ['offsets past the end', file({ t: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, F4)],
    ['a gap before the data', file({ t: { dtype: 'U8', shape: [2], data_offsets: [2, 4] } }, F4)],
    [
      'overlapping tensors',
      file(
        {
          a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] },
          b: { dtype: 'U8', shape: [2], data_offsets: [2, 4] },
        },
        F4,
      ),
    ],
    ['bytes no tensor owns', file({ t: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, F4)],
    ['a negative dimension', file({ t: { dtype: 'U8', shape: [-4], data_offsets: [0, 4] } }, F4)],
    ['unknown fields', file({ t: { dtype: 'U8', shape: [4], data_offsets: [0, 4], extra: 1 } }, F4)],
    ['non-string metadata', file({ __metadata__: { steps: 10 } })],
  ])('refuses %s', (_, bytes) => {
    expect(() => readSafetensors(bytes)).toThrow(SafetensorsError);
  });

  it('refuses a tensor over the size cap with its own error', () => {
    const bytes = writeSafetensors([tensorOf('big', 'F32', [1024], new Float32Array(1024))]);
    expect(() => readSafetensors(bytes, { maxTensorBytes: 1000 })).toThrow(SafetensorsTooLarge);
    expect(readSafetensors(bytes, { maxTensorBytes: 4096 }).tensors).toHaveLength(1);
  });
});
