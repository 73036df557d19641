import { describe, expect, it } from 'vitest';
import { toCsr } from './features.ts';
import type { SparseVector } from './features.ts';
import { predictProba, trainNbOvr, trainSoftmax } from './logreg.ts';

/** Six features, three classes: features 0-1 mark class 0, 2-3 class 1, 4-5 class 2; feature 5 also leaks into class 1. */
const ROWS: [number[], number][] = [
  [[0, 1], 0],
  [[0], 0],
  [[1, 5], 0],
  [[2, 3], 1],
  [[2, 5], 1],
  [[3], 1],
  [[4, 5], 2],
  [[4], 2],
  [[5, 4], 2],
];
const vec = (idx: number[]): SparseVector => ({ indices: idx, values: idx.map(() => 1 / Math.sqrt(idx.length)) });
const X = toCsr(
  ROWS.map(([i]) => vec(i)),
  6,
);
const y = Uint8Array.from(ROWS, ([, c]) => c);
const OPTS = { classes: 3, l2: 1e-3, maxIter: 200, nbInterpolation: 0.5, nbAlpha: 1, classWeight: 'balanced' as const };

describe('trainNbOvr', () => {
  it('folds the three NB-scaled binary models into one table that gives their log-odds', () => {
    const folded = trainNbOvr(X, y, OPTS);
    expect(folded.converged).toBe(true);
    // Class 1's binary model, fitted by hand on features scaled by 1 − β + β·|NB log-count ratio|.
    const docs = (c: boolean): number[] => {
      const n = new Array<number>(6).fill(1);
      ROWS.forEach(([idx, cls]) => (cls === 1) === c && idx.forEach((f) => (n[f] = (n[f] as number) + 1)));
      return n;
    };
    const [p, q] = [docs(true), docs(false)];
    const [sp, sq] = [p.reduce((a, b) => a + b), q.reduce((a, b) => a + b)];
    const scale = p.map((pf, f) => 0.5 + 0.5 * Math.abs(Math.log(pf / sp / ((q[f] as number) / sq))));
    const scaled = toCsr(
      ROWS.map(([idx]) => ({ indices: idx, values: vec(idx).values.map((v, k) => v * (scale[idx[k] as number] as number)) })),
      6,
    );
    const yb = Uint8Array.from(y, (c) => (c === 1 ? 1 : 0));
    const sw = Float64Array.from(yb, (v) => (v ? 9 / 6 : 9 / 12));
    const binary = trainSoftmax(scaled, yb, { classes: 2, l2: 1e-3, maxIter: 200, sampleWeight: sw }).model;
    for (const [idx] of ROWS) {
      const v = vec(idx);
      let direct = (binary.bias[1] as number) - (binary.bias[0] as number);
      let viaTable = folded.model.bias[1] as number;
      v.indices.forEach((f, k) => {
        const x = v.values[k] as number;
        direct += x * (scale[f] as number) * ((binary.weights[f * 2 + 1] as number) - (binary.weights[f * 2] as number));
        viaTable += x * (folded.model.weights[f * 3 + 1] as number);
      });
      expect(viaTable).toBeCloseTo(direct, 9);
    }
  });

  it('separates separable classes, and its probabilities are a distribution', () => {
    const m = trainNbOvr(X, y, OPTS).model;
    const out = new Float64Array(3);
    ROWS.forEach(([idx, c]) => {
      const p = predictProba(m, vec(idx), out);
      expect(p.indexOf(Math.max(...p))).toBe(c);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    });
  });
});
