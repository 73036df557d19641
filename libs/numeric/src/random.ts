/**
 * mulberry32: a tiny, fully specified seeded PRNG returning floats in [0, 1). One generator for splits, fixtures,
 * fuzzers, encoder training and random baselines: the same seed gives the same stream on every machine and Node
 * version, which is what makes a committed model reproducible byte for byte.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
