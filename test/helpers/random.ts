/**
 * xorshift32: draws in [0, 1) that are the same for the same seed (0 counts as 1), so a failing randomized run
 * (crash tests, the flaky RPC proxy) can be replayed with its seed.
 */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}
