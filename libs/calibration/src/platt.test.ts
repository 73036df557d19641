import { describe, expect, it } from 'vitest';
import { fitPlatt, PlattMap, sigmoid } from './platt.ts';
import { mulberry32 } from '@himari/numeric';
import type { Outcome01 } from './validate.ts';

function sample(n: number, seed: number, a: number, b: number): { s: number[]; y: Outcome01[] } {
  const rnd = mulberry32(seed);
  const s: number[] = [];
  const y: Outcome01[] = [];
  for (let i = 0; i < n; i++) {
    const x = rnd();
    s.push(x);
    y.push(rnd() < sigmoid(a * x + b) ? 1 : 0);
  }
  return { s, y };
}

describe('fitPlatt', () => {
  for (const [a, b] of [
    [4, -2],
    [-3, 1],
    [8, -6],
  ] as const) {
    it(`recovers σ(${a}·s + ${b}) from 20 000 samples`, () => {
      const { s, y } = sample(20_000, 11, a, b);
      const m = fitPlatt(s, y);
      expect(Math.abs(m.a - a)).toBeLessThan(0.4);
      expect(Math.abs(m.b - b)).toBeLessThan(0.25);
      for (let x = 0; x <= 1; x += 0.05) expect(Math.abs(m.predict(x) - sigmoid(a * x + b))).toBeLessThan(0.02);
    });
  }

  it('fits the smoothed targets exactly on separable data instead of running to 0 and 1', () => {
    // Three positives at 1, three negatives at 0: targets (3+1)/(3+2) = 0.8 and 1/(3+2) = 0.2, reachable exactly.
    const m = fitPlatt([0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1]);
    expect(m.predict(1)).toBeCloseTo(0.8, 6);
    expect(m.predict(0)).toBeCloseTo(0.2, 6);
  });

  it('fits the mean smoothed target when every score is equal', () => {
    const y: Outcome01[] = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0];
    const m = fitPlatt(Array<number>(10).fill(0.5), y);
    const expected = (7 * (8 / 9) + 3 * (1 / 5)) / 10;
    expect(m.predict(0.5)).toBeCloseTo(expected, 6);
  });

  it('round-trips through JSON', () => {
    const { s, y } = sample(500, 3, 2, -1);
    const m = fitPlatt(s, y);
    const back = PlattMap.fromJSON(JSON.parse(JSON.stringify(m)));
    expect(back.predict(0.37)).toBe(m.predict(0.37));
    expect(() => PlattMap.fromJSON({ kind: 'platt', v: 1, a: 'x', b: 0, n: 1 })).toThrow();
  });
});
