import { describe, expect, it } from 'vitest';
import { InvalidNumberError, dot, mulberry32, parseNumber, parseOptionalNumber, quantile } from './index.ts';

describe('mulberry32', () => {
  it('gives the published stream for a seed, in [0, 1)', () => {
    const r = mulberry32(1);
    const xs = Array.from({ length: 3 }, r);
    // First draws of mulberry32(1) from the reference algorithm: a changed generator would move every seeded split.
    expect(xs.map((x) => x.toFixed(10))).toEqual(['0.6270739406', '0.0027357212', '0.5274470400']);
    const s = mulberry32(42);
    for (let i = 0; i < 1000; i++) {
      const x = s();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});

describe('dot', () => {
  it('sums products over the shorter vector, or n elements from an offset', () => {
    expect(dot(Float32Array.of(1, 2, 3), Float64Array.of(4, 5, 6))).toBe(32);
    expect(dot([1, 2, 3], [1, 1])).toBe(3);
    expect(dot([9, 9, 1, 2, 9], [3, 4], 2, 2)).toBe(11);
  });
});

describe('quantile', () => {
  it('is the nearest-rank value, whatever the input order', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(xs, 0.5)).toBe(50);
    expect(quantile(xs, 0.99)).toBe(99);
    expect(quantile(xs, 1)).toBe(100);
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile(xs, 1.5)).toThrow(RangeError);
  });
});

describe('parseNumber', () => {
  it('reads finite numbers in range', () => {
    expect(parseNumber('42', '--seed', { integer: true, min: 0 })).toBe(42);
    expect(parseNumber(' 0.15 ', '--valid-fraction', { min: 0, below: 1 })).toBe(0.15);
    expect(parseNumber('1e-4', '--l2', { min: 0 })).toBe(1e-4);
    expect(parseOptionalNumber(undefined, '--seed')).toBeUndefined();
  });

  it('refuses what Number() would let through, naming the flag and the range', () => {
    for (const bad of ['', ' ', 'abc', 'NaN', 'Infinity', '0x10', '12abc', '1,5']) {
      expect(() => parseNumber(bad, '--seed')).toThrow(InvalidNumberError);
    }
    expect(() => parseNumber('1.5', '--folds', { integer: true, min: 2 })).toThrow('--folds must be a whole number >= 2, got "1.5"');
    expect(() => parseNumber('1', '--valid-fraction', { min: 0, below: 1 })).toThrow('--valid-fraction must be a number >= 0 and < 1');
    expect(() => parseNumber('0', '--top-k', { integer: true, above: 0 })).toThrow(/> 0/);
  });
});
