import { describe, expect, it } from 'vitest';
import { expectedCalibrationError, maxCalibrationError, reliabilityBins } from './metrics.ts';
import { overconfident, overconfidentRate, synthetic } from './testing.ts';
import { CalibrationInputError } from './validate.ts';

describe('reliability, ECE and MCE', () => {
  it('match a case worked by hand', () => {
    // Two bins. [0, 0.5): conf 0.1, 0.2 → mean 0.15, accuracy 1/2, gap 0.35. [0.5, 1]: 0.9, 0.95 → 0.925, 1, gap 0.075.
    // ECE = ½·0.35 + ½·0.075 = 0.2125; MCE = 0.35.
    const conf = [0.1, 0.2, 0.9, 0.95];
    const correct = [0, 1, 1, 1] as const;
    expect(expectedCalibrationError(conf, [...correct], 2)).toBeCloseTo(0.2125, 12);
    expect(maxCalibrationError(conf, [...correct], 2)).toBeCloseTo(0.35, 12);
    const bins = reliabilityBins(conf, [...correct], 2);
    expect(bins.map((b) => b.count)).toEqual([2, 2]);
    expect(bins[0]!.mean_confidence).toBeCloseTo(0.15, 12);
    expect(bins[1]!.accuracy).toBe(1);
  });

  it('puts 0 in the first bin and 1 in the last, and reports empty bins as null', () => {
    const bins = reliabilityBins([0, 1, 1], [0, 1, 1], 15);
    expect(bins).toHaveLength(15);
    expect(bins[0]!.count).toBe(1);
    expect(bins[14]!.count).toBe(2);
    expect(bins[7]!.count).toBe(0);
    expect(bins[7]!.accuracy).toBeNull();
    expect(bins[7]!.lo).toBeCloseTo(7 / 15, 12);
    expect(bins[14]!.hi).toBe(1);
  });

  it('is small for a perfectly calibrated source', () => {
    const { conf, correct } = synthetic(20_000, 7, (c) => c);
    expect(expectedCalibrationError(conf, correct)).toBeLessThan(0.02);
  });

  it('is large for an overconfident source, close to its true mean gap', () => {
    const { conf, correct } = overconfident(20_000, 8);
    // The true gap E[c − rate(c)] for c uniform on [0.5, 1), by the midpoint rule.
    const steps = 10_000;
    let gap = 0;
    for (let i = 0; i < steps; i++) {
      const c = 0.5 + (0.5 * (i + 0.5)) / steps;
      gap += (c - overconfidentRate(c)) / steps;
    }
    const ece = expectedCalibrationError(conf, correct);
    expect(gap).toBeGreaterThan(0.1);
    expect(Math.abs(ece - gap)).toBeLessThan(0.015);
    expect(maxCalibrationError(conf, correct)).toBeGreaterThanOrEqual(ece);
  });

  it('rejects bad input', () => {
    expect(() => expectedCalibrationError([], [])).toThrow(CalibrationInputError);
    expect(() => expectedCalibrationError([1.2], [1])).toThrow(CalibrationInputError);
    expect(() => reliabilityBins([0.5], [1], 0)).toThrow(CalibrationInputError);
  });
});
