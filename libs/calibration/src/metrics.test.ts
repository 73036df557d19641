import { describe, expect, it } from 'vitest';
import {
  brierDecomposition,
  brierScore,
  calibrationSummary,
  confidenceAuc,
  expectedCalibrationError,
  maxCalibrationError,
  reliabilityBins,
  sharpness,
} from './metrics.ts';
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

describe('Brier score, its decomposition, AUC and sharpness (hand-computed)', () => {
  // Four signals in two bins of 2 (bins = 2: [0, 0.5) and [0.5, 1]):
  // conf 0.2, 0.2 with outcomes 0, 1 -> bin 0: mean conf 0.2, hit rate 0.5
  // conf 0.8, 0.8 with outcomes 1, 1 -> bin 1: mean conf 0.8, hit rate 1.0
  const conf = [0.2, 0.2, 0.8, 0.8];
  const y = [0, 1, 1, 1] as const;

  it('computes the Brier score', () => {
    // (0.04 + 0.64 + 0.04 + 0.04) / 4 = 0.19
    expect(brierScore(conf, y)).toBeCloseTo(0.19, 12);
  });

  it('decomposes it: reliability - resolution + uncertainty', () => {
    const d = brierDecomposition(conf, y, 2);
    // base rate 0.75; uncertainty 0.75 * 0.25 = 0.1875
    expect(d.base_rate).toBeCloseTo(0.75, 12);
    expect(d.uncertainty).toBeCloseTo(0.1875, 12);
    // reliability = 0.5 * (0.2 - 0.5)^2 + 0.5 * (0.8 - 1)^2 = 0.045 + 0.02 = 0.065
    expect(d.reliability).toBeCloseTo(0.065, 12);
    // resolution = 0.5 * (0.5 - 0.75)^2 + 0.5 * (1 - 0.75)^2 = 0.03125 + 0.03125 = 0.0625
    expect(d.resolution).toBeCloseTo(0.0625, 12);
    // one confidence value per bin: nothing left over
    expect(d.reliability - d.resolution + d.uncertainty).toBeCloseTo(0.19, 12);
    expect(d.residual).toBeCloseTo(0, 12);
  });

  it('computes the AUC of confidence for a right direction, ties counting half', () => {
    // right: 0.2, 0.8, 0.8; wrong: 0.2. Pairs (right, wrong): (0.2,0.2) tie = 0.5, (0.8,0.2) = 1, (0.8,0.2) = 1 -> 2.5 / 3
    expect(confidenceAuc(conf, y)).toBeCloseTo(2.5 / 3, 12);
    expect(confidenceAuc([0.3, 0.9], [1, 1])).toBe(null);
    expect(confidenceAuc([0.1, 0.9], [0, 1])).toBe(1);
  });

  it('measures sharpness and says in words when confidence collapsed to the base rate', () => {
    const s = sharpness(conf, 2);
    expect(s.histogram.map((b) => b.count)).toEqual([2, 2]);
    expect(s.std).toBeCloseTo(0.3, 12);
    expect(s.top_bin_share).toBe(0.5);

    // 100 signals all at 0.52, 52 right: perfectly calibrated on average (ECE 0), no information.
    const flat = Array.from({ length: 100 }, () => 0.52);
    const hits = Array.from({ length: 100 }, (_, i) => (i < 52 ? 1 : 0)) as (0 | 1)[];
    const collapsed = calibrationSummary(flat, hits);
    expect(collapsed.collapsed).toBe(true);
    expect(collapsed.auc).toBe(0.5);
    expect(collapsed.resolution).toBe(0);
    expect(collapsed.verdict).toMatch(/^Calibration collapsed confidence to the base rate \(52\.0%\)/);

    const informative = calibrationSummary(conf, y, 2);
    expect(informative.collapsed).toBe(false);
    expect(informative.informative).toBe(true);
    // Spread out over two bins but unrelated to the outcome: no information, yet not bunched at the base rate.
    const spread = calibrationSummary([0.2, 0.2, 0.8, 0.8], [0, 1, 0, 1], 2);
    expect(spread.auc).toBe(0.5);
    expect(spread.informative).toBe(false);
    expect(spread.collapsed).toBe(false);
    expect(spread.verdict).toMatch(/^Confidence carries \(almost\) no information .*although it is spread out/);
    expect(informative.verdict).toMatch(/^Confidence carries information: AUC 0\.833/);
  });
});
