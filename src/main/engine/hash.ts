import { createKeccak } from 'hash-wasm';
import type { Hash } from '#shared/api/define';

/**
 * keccak256 as viem computes it (same digests), in WebAssembly: viem's pure-JS keccak hashes ~7 MB/s on this
 * class of CPU, which would make a 10 MB model take over a second to verify and every job output cost more than
 * its inference. Create one hasher per thread and reuse it; it is synchronous once created.
 */
export interface Keccak256 {
  (bytes: Uint8Array): Hash;
}

export async function createKeccak256(): Promise<Keccak256> {
  const hasher = await createKeccak(256);
  return (bytes) => {
    hasher.init();
    hasher.update(bytes);
    return `0x${hasher.digest('hex')}`;
  };
}

export function isHash(value: unknown): value is Hash {
  return typeof value === 'string' && /^0x[0-9a-fA-F]{64}$/.test(value);
}
