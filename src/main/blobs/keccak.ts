import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, type Hash } from 'viem';

/** keccak-256 over a stream of chunks, so large models are hashed while they are written, not read twice. */
export class KeccakStream {
  readonly #hash = keccak_256.create();
  #size = 0;

  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.#size += chunk.length;
  }

  get size(): number {
    return this.#size;
  }

  digest(): Hash {
    return bytesToHex(this.#hash.digest());
  }
}
