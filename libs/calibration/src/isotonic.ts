/**
 * Isotonic regression by pool-adjacent-violators (PAV), weighted.
 *
 * Samples are sorted by score; equal scores form one point. Adjacent blocks are pooled while the earlier one's mean
 * outcome is not below the later one's, which leaves blocks with strictly increasing values: the least-squares
 * non-decreasing fit. Each block is kept as (centre = weighted mean score, value = weighted mean outcome, weight).
 *
 * Prediction interpolates linearly between block centres and is flat beyond the first and last centre. Linear rather
 * than a step function so that two raw confidences a hair apart do not jump a whole block; still non-decreasing.
 */
import { z } from 'zod';
import { CalibrationInputError, checkPairs, clamp01, type Outcome01 } from './validate.ts';

export const IsotonicJSON = z
  .object({
    kind: z.literal('isotonic'),
    v: z.literal(1),
    /** Block centres, strictly increasing. */
    x: z.array(z.number()).min(1),
    /** Block values in [0, 1], non-decreasing. */
    y: z.array(z.number().min(0).max(1)).min(1),
    /** Block weights (sample counts when unweighted). */
    w: z.array(z.number().positive()).min(1),
    /** Samples the map was fitted on. */
    n: z.number().int().positive(),
  })
  .refine((j) => j.x.length === j.y.length && j.y.length === j.w.length, 'x, y and w must have the same length')
  .refine((j) => j.x.every((v, i) => i === 0 || v > j.x[i - 1]!), 'x must be strictly increasing')
  .refine((j) => j.y.every((v, i) => i === 0 || v >= j.y[i - 1]!), 'y must be non-decreasing');
export type IsotonicJSON = z.infer<typeof IsotonicJSON>;

export class IsotonicMap {
  readonly kind = 'isotonic' as const;

  private constructor(
    readonly x: readonly number[],
    readonly y: readonly number[],
    readonly w: readonly number[],
    readonly n: number,
  ) {}

  /** @internal built by fitIsotonic or fromJSON, which check the invariants. */
  static of(x: number[], y: number[], w: number[], n: number): IsotonicMap {
    return new IsotonicMap(Object.freeze(x), Object.freeze(y), Object.freeze(w), n);
  }

  predict(s: number): number {
    if (Number.isNaN(s)) throw new CalibrationInputError('cannot predict for NaN');
    const { x, y } = this;
    const last = x.length - 1;
    if (s <= x[0]!) return y[0]!;
    if (s >= x[last]!) return y[last]!;
    // Largest i with x[i] <= s.
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (x[mid]! <= s) lo = mid;
      else hi = mid;
    }
    const span = x[hi]! - x[lo]!;
    if (span <= 0) return y[hi]!;
    const t = (s - x[lo]!) / span;
    return clamp01(y[lo]! + t * (y[hi]! - y[lo]!));
  }

  toJSON(): IsotonicJSON {
    return { kind: 'isotonic', v: 1, x: [...this.x], y: [...this.y], w: [...this.w], n: this.n };
  }

  static fromJSON(json: unknown): IsotonicMap {
    const r = IsotonicJSON.safeParse(json);
    if (!r.success) throw new CalibrationInputError(`invalid isotonic map: ${r.error.issues[0]?.message ?? 'invalid'}`);
    return IsotonicMap.of([...r.data.x], [...r.data.y], [...r.data.w], r.data.n);
  }
}

export interface IsotonicOptions {
  /** Per-sample weights (positive, finite); all 1 when absent. */
  weights?: readonly number[];
}

export function fitIsotonic(scores: readonly number[], outcomes: readonly Outcome01[], opts: IsotonicOptions = {}): IsotonicMap {
  checkPairs('fitIsotonic', scores, outcomes, { unitScores: false });
  const weights = opts.weights ?? scores.map(() => 1);
  if (weights.length !== scores.length)
    throw new CalibrationInputError(`fitIsotonic: ${weights.length} weights for ${scores.length} samples`);
  weights.forEach((w, i) => {
    if (!(Number.isFinite(w) && w > 0)) throw new CalibrationInputError(`fitIsotonic: weight[${i}] must be positive and finite, got ${w}`);
  });

  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  // Equal scores are one point: aggregate them before pooling, or a later tie could not undo an earlier pool.
  const gw: number[] = [];
  const gwy: number[] = [];
  const gwx: number[] = [];
  let prevScore = NaN;
  for (const i of order) {
    const s = scores[i]!;
    const w = weights[i]!;
    if (s !== prevScore) {
      gw.push(0);
      gwy.push(0);
      gwx.push(0);
      prevScore = s;
    }
    const g = gw.length - 1;
    gw[g]! += w;
    gwy[g]! += w * outcomes[i]!;
    gwx[g]! += w * s;
  }

  // Block sums: weight, weight×outcome, weight×score.
  const sw: number[] = [];
  const swy: number[] = [];
  const swx: number[] = [];
  for (let g = 0; g < gw.length; g++) {
    sw.push(gw[g]!);
    swy.push(gwy[g]!);
    swx.push(gwx[g]!);
    poolViolators(sw, swy, swx);
  }

  const x = sw.map((w, i) => swx[i]! / w);
  const y = sw.map((w, i) => clamp01(swy[i]! / w));
  return IsotonicMap.of(x, y, [...sw], scores.length);
}

/** Merges the top two blocks while the lower one's mean is not below the upper one's. */
function poolViolators(sw: number[], swy: number[], swx: number[]): void {
  while (sw.length >= 2) {
    const t = sw.length - 1;
    if (swy[t - 1]! / sw[t - 1]! < swy[t]! / sw[t]!) return;
    sw[t - 1]! += sw[t]!;
    swy[t - 1]! += swy[t]!;
    swx[t - 1]! += swx[t]!;
    sw.pop();
    swy.pop();
    swx.pop();
  }
}
