/**
 * Platt scaling: p = σ(a·s + b), fitted by maximum likelihood with Newton's method and a backtracking line search
 * (the algorithm of Lin, Lin & Weng, "A note on Platt's probabilistic outputs", 2007).
 *
 * Targets are smoothed as Platt proposed: a positive counts as (N₊+1)/(N₊+2) and a negative as 1/(N₋+2), so a small
 * or perfectly separable sample cannot drive the map to 0 or 1.
 */
import { z } from 'zod';
import { CalibrationInputError, checkPairs, type Outcome01 } from './validate.ts';

export const PlattJSON = z.object({
  kind: z.literal('platt'),
  v: z.literal(1),
  a: z.number().refine(Number.isFinite, 'a must be finite'),
  b: z.number().refine(Number.isFinite, 'b must be finite'),
  n: z.number().int().positive(),
});
export type PlattJSON = z.infer<typeof PlattJSON>;

export class PlattMap {
  readonly kind = 'platt' as const;

  constructor(
    readonly a: number,
    readonly b: number,
    readonly n: number,
  ) {}

  predict(s: number): number {
    if (Number.isNaN(s)) throw new CalibrationInputError('cannot predict for NaN');
    return sigmoid(this.a * s + this.b);
  }

  toJSON(): PlattJSON {
    return { kind: 'platt', v: 1, a: this.a, b: this.b, n: this.n };
  }

  static fromJSON(json: unknown): PlattMap {
    const r = PlattJSON.safeParse(json);
    if (!r.success) throw new CalibrationInputError(`invalid Platt map: ${r.error.issues[0]?.message ?? 'invalid'}`);
    return new PlattMap(r.data.a, r.data.b, r.data.n);
  }
}

export interface PlattOptions {
  /** @default 100 */
  maxIterations?: number;
}

const MIN_STEP = 1e-10;
/** Keeps the Hessian positive definite when every score is equal. */
const RIDGE = 1e-12;

export function fitPlatt(scores: readonly number[], outcomes: readonly Outcome01[], opts: PlattOptions = {}): PlattMap {
  checkPairs('fitPlatt', scores, outcomes, { unitScores: false });
  const n = scores.length;
  const nPos = outcomes.reduce<number>((acc, o) => acc + o, 0);
  const nNeg = n - nPos;
  const hiTarget = (nPos + 1) / (nPos + 2);
  const loTarget = 1 / (nNeg + 2);
  const t = outcomes.map((o) => (o === 1 ? hiTarget : loTarget));
  // Gradient tolerance scales with n: the gradient is a sum over samples.
  const gradTol = 1e-9 * Math.max(1, n);

  let a = 0;
  let b = Math.log((nPos + 1) / (nNeg + 1));
  let loss = nll(scores, t, a, b);
  const maxIter = opts.maxIterations ?? 100;
  for (let iter = 0; iter < maxIter; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = RIDGE;
    let hab = 0;
    let hbb = RIDGE;
    for (let i = 0; i < n; i++) {
      const s = scores[i]!;
      const p = sigmoid(a * s + b);
      const d = p - t[i]!;
      const q = p * (1 - p);
      ga += d * s;
      gb += d;
      haa += q * s * s;
      hab += q * s;
      hbb += q;
    }
    if (Math.abs(ga) < gradTol && Math.abs(gb) < gradTol) break;
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    // Newton direction: −H⁻¹g.
    const da = -(hbb * ga - hab * gb) / det;
    const db = -(-hab * ga + haa * gb) / det;
    const slope = ga * da + gb * db;
    let step = 1;
    let accepted = false;
    while (step >= MIN_STEP) {
      const na = a + step * da;
      const nb = b + step * db;
      const nl = nll(scores, t, na, nb);
      if (nl < loss + 1e-4 * step * slope) {
        a = na;
        b = nb;
        loss = nl;
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) break;
  }
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new CalibrationInputError('fitPlatt: the fit diverged');
  return new PlattMap(a, b, n);
}

/** Cross-entropy against the smoothed targets, computed without overflow for large |f|. */
function nll(scores: readonly number[], t: readonly number[], a: number, b: number): number {
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const f = a * scores[i]! + b;
    const ti = t[i]!;
    sum += f >= 0 ? Math.log1p(Math.exp(-f)) + (1 - ti) * f : Math.log1p(Math.exp(f)) - ti * f;
  }
  return sum;
}

export function sigmoid(f: number): number {
  if (f >= 0) return 1 / (1 + Math.exp(-f));
  const e = Math.exp(f);
  return e / (1 + e);
}
