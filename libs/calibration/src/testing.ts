/** Seeded synthetic data for calibration tests and benchmarks: same seed, same data, on every machine. */
import { mulberry32 } from '@himari/numeric';
import type { Outcome01 } from './validate.ts';

export interface Labelled {
  conf: number[];
  correct: Outcome01[];
}

/**
 * n samples whose true hit rate at confidence c is `trueRate(c)`; confidence drawn uniformly from [lo, hi).
 * trueRate = identity gives a perfectly calibrated source.
 */
export function synthetic(n: number, seed: number, trueRate: (c: number) => number, lo = 0, hi = 1): Labelled {
  const rnd = mulberry32(seed);
  const conf: number[] = [];
  const correct: Outcome01[] = [];
  for (let i = 0; i < n; i++) {
    const c = lo + (hi - lo) * rnd();
    conf.push(c);
    correct.push(rnd() < trueRate(c) ? 1 : 0);
  }
  return { conf, correct };
}

/** Says 0.5..1 but is right only 0.5..0.75 of the time: the typical overconfident drafter. */
export const overconfidentRate = (c: number): number => 0.5 + 0.5 * (c - 0.5);

export function overconfident(n: number, seed: number): Labelled {
  return synthetic(n, seed, overconfidentRate, 0.5, 1);
}
