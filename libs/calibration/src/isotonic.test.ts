import { describe, expect, it } from 'vitest';
import { fitIsotonic, IsotonicMap } from './isotonic.ts';
import { mulberry32 } from '@himari/numeric';
import { CalibrationInputError, type Outcome01 } from './validate.ts';

/** Textbook PAV, independent of the stack implementation: merge any adjacent violating pair until none is left. */
function referencePav(scores: number[], outcomes: number[]): { x: number[]; y: number[] } {
  const byScore = new Map<number, { w: number; wy: number }>();
  scores.forEach((s, i) => {
    const g = byScore.get(s) ?? { w: 0, wy: 0 };
    g.w += 1;
    g.wy += outcomes[i]!;
    byScore.set(s, g);
  });
  let blocks = [...byScore.entries()].sort((a, b) => a[0] - b[0]).map(([s, g]) => ({ w: g.w, wy: g.wy, wx: g.w * s }));
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i + 1 < blocks.length; i++) {
      const a = blocks[i]!;
      const b = blocks[i + 1]!;
      if (a.wy / a.w >= b.wy / b.w) {
        blocks = [...blocks.slice(0, i), { w: a.w + b.w, wy: a.wy + b.wy, wx: a.wx + b.wx }, ...blocks.slice(i + 2)];
        changed = true;
        break;
      }
    }
  }
  return { x: blocks.map((b) => b.wx / b.w), y: blocks.map((b) => b.wy / b.w) };
}

describe('fitIsotonic', () => {
  it('pools a violating pair into its mean, at the pair’s centre', () => {
    const m = fitIsotonic([0.1, 0.2, 0.3, 0.4], [1, 0, 1, 1]);
    // (0.1 → 1, 0.2 → 0) violate: one block of mean 0.5 centred at 0.15; 0.3 and 0.4 share the value 1: one block.
    expect(m.x).toHaveLength(2);
    expect(m.x[0]).toBeCloseTo(0.15, 12);
    expect(m.x[1]).toBeCloseTo(0.35, 12);
    expect(m.y).toEqual([0.5, 1]);
    expect(m.predict(0)).toBe(0.5);
    expect(m.predict(0.25)).toBeCloseTo(0.75, 12);
    expect(m.predict(1)).toBe(1);
  });

  it('weights samples', () => {
    const m = fitIsotonic([0.1, 0.2, 0.3, 0.4], [1, 0, 1, 1], { weights: [3, 1, 1, 1] });
    expect(m.y[0]).toBeCloseTo(0.75, 12);
    expect(m.x[0]).toBeCloseTo((3 * 0.1 + 0.2) / 4, 12);
    expect(m.w).toEqual([4, 2]);
  });

  it('leaves an already increasing sequence alone and pools a decreasing one into one block', () => {
    const up = fitIsotonic([0.1, 0.1, 0.5, 0.5, 0.9, 0.9], [0, 0, 0, 1, 1, 1]);
    expect(up.y).toEqual([0, 0.5, 1]);
    expect(up.x.map((v) => Number(v.toFixed(12)))).toEqual([0.1, 0.5, 0.9]);
    const down = fitIsotonic([0.1, 0.2, 0.3], [1, 1, 0]);
    expect(down.y).toHaveLength(1);
    expect(down.y[0]).toBeCloseTo(2 / 3, 12);
  });

  it('treats equal scores as one point whatever their order', () => {
    // Score 0.1: 4 of 5 right (0.8). Score 0.2: 10 of 11 right (0.909). No violation once ties are aggregated.
    const scores = [0.1, 0.1, 0.1, 0.1, 0.1, 0.2, ...Array<number>(10).fill(0.2)];
    const outcomes: Outcome01[] = [1, 1, 1, 1, 0, 0, ...Array<Outcome01>(10).fill(1)];
    const m = fitIsotonic(scores, outcomes);
    expect(m.y[0]).toBeCloseTo(0.8, 12);
    expect(m.y[1]).toBeCloseTo(10 / 11, 12);
  });

  it('matches a reference PAV on random data and predicts non-decreasing values in [0, 1]', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rnd = mulberry32(seed);
      const scores = Array.from({ length: 300 }, () => Math.round(rnd() * 50) / 50);
      const outcomes = scores.map((s) => (rnd() < s * 0.8 ? 1 : 0) as Outcome01);
      const m = fitIsotonic(scores, outcomes);
      const ref = referencePav(scores, outcomes);
      expect(m.y.length).toBe(ref.y.length);
      m.y.forEach((v, i) => expect(v).toBeCloseTo(ref.y[i]!, 12));
      m.x.forEach((v, i) => expect(v).toBeCloseTo(ref.x[i]!, 12));
      let prev = -Infinity;
      for (let s = -0.1; s <= 1.1; s += 0.001) {
        const p = m.predict(s);
        expect(p).toBeGreaterThanOrEqual(prev);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        prev = p;
      }
    }
  });

  it('round-trips through JSON and rejects a map that is not monotone', () => {
    const rnd = mulberry32(9);
    const scores = Array.from({ length: 200 }, () => rnd());
    const m = fitIsotonic(
      scores,
      scores.map((s) => (rnd() < s ? 1 : 0) as Outcome01),
    );
    const back = IsotonicMap.fromJSON(JSON.parse(JSON.stringify(m)));
    for (let s = 0; s <= 1; s += 0.01) expect(back.predict(s)).toBe(m.predict(s));
    expect(back.n).toBe(200);
    expect(() => IsotonicMap.fromJSON({ kind: 'isotonic', v: 1, x: [0.1, 0.2], y: [0.9, 0.1], w: [1, 1], n: 2 })).toThrow(
      CalibrationInputError,
    );
    expect(() => IsotonicMap.fromJSON({ kind: 'isotonic', v: 1, x: [0.2, 0.1], y: [0.1, 0.9], w: [1, 1], n: 2 })).toThrow(
      CalibrationInputError,
    );
  });

  it('rejects bad input', () => {
    expect(() => fitIsotonic([], [])).toThrow(CalibrationInputError);
    expect(() => fitIsotonic([0.1, 0.2], [1])).toThrow(CalibrationInputError);
    expect(() => fitIsotonic([NaN], [1])).toThrow(CalibrationInputError);
    expect(() => fitIsotonic([0.5], [2 as Outcome01])).toThrow(CalibrationInputError);
    expect(() => fitIsotonic([0.5], [1], { weights: [0] })).toThrow(CalibrationInputError);
  });
});
