import { describe, expect, it } from 'vitest';
import { computeMetrics, confusionMatrix, metricsFromConfusion } from './metrics.ts';

const LABELS = ['negative', 'neutral', 'positive'] as const;

describe('metrics', () => {
  // rows = true (negative, neutral, positive), columns = predicted.
  const matrix = [
    [2, 1, 0],
    [1, 5, 1],
    [0, 2, 3],
  ];

  it('computes accuracy, per-class, macro and weighted F1 by hand', () => {
    const m = metricsFromConfusion(LABELS, matrix);
    expect(m.n).toBe(15);
    expect(m.accuracy).toBeCloseTo(10 / 15, 12);
    // negative: P = 2/3, R = 2/3, F1 = 2/3
    expect(m.per_class.negative).toEqual({ precision: 2 / 3, recall: 2 / 3, f1: expect.closeTo(2 / 3, 12), support: 3 });
    // neutral: P = 5/8, R = 5/7, F1 = 2PR/(P+R) = 2/3
    expect(m.per_class.neutral.precision).toBeCloseTo(5 / 8, 12);
    expect(m.per_class.neutral.recall).toBeCloseTo(5 / 7, 12);
    expect(m.per_class.neutral.f1).toBeCloseTo(2 / 3, 12);
    // positive: P = 3/4, R = 3/5, F1 = 2/3
    expect(m.per_class.positive.f1).toBeCloseTo(2 / 3, 12);
    expect(m.macro_f1).toBeCloseTo(2 / 3, 12);
    expect(m.weighted_f1).toBeCloseTo(2 / 3, 12);
  });

  it('weights F1 by support, unlike the macro average', () => {
    // Perfect on 8 neutral rows, every negative called neutral, no positive rows.
    const m = metricsFromConfusion(LABELS, [
      [0, 2, 0],
      [0, 8, 0],
      [0, 0, 0],
    ]);
    const neutralF1 = (2 * 0.8 * 1) / 1.8;
    expect(m.per_class.negative.f1).toBe(0);
    expect(m.per_class.positive).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(m.weighted_f1).toBeCloseTo(0.8 * neutralF1, 12);
    expect(m.macro_f1).toBeCloseTo(neutralF1 / 3, 12);
  });

  it('builds the confusion matrix from label lists', () => {
    const truth = ['negative', 'negative', 'neutral', 'positive'] as const;
    const pred = ['negative', 'neutral', 'neutral', 'negative'] as const;
    expect(confusionMatrix(LABELS, truth, pred)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    expect(computeMetrics(LABELS, truth, pred).accuracy).toBe(0.5);
    expect(() => confusionMatrix(LABELS, truth, pred.slice(1))).toThrow(RangeError);
  });

  it('scores any class list, and refuses a label outside it', () => {
    const labels = ['a', 'b', 'c', 'd'] as const;
    const m = computeMetrics(labels, ['a', 'b', 'c', 'd', 'd'], ['a', 'b', 'c', 'c', 'd']);
    expect(m.confusion.labels).toEqual(['a', 'b', 'c', 'd']);
    expect(m.accuracy).toBeCloseTo(4 / 5, 12);
    expect(m.per_class.c).toEqual({ precision: 0.5, recall: 1, f1: expect.closeTo(2 / 3, 12), support: 1 });
    expect(m.per_class.d.f1).toBeCloseTo(2 / 3, 12);
    expect(m.macro_f1).toBeCloseTo((1 + 1 + 2 / 3 + 2 / 3) / 4, 12);
    // A class with no rows and no predictions still counts in the macro average (as a 0): the list is the contract.
    expect(computeMetrics(['a', 'b'] as const, ['a'], ['a']).macro_f1).toBe(0.5);
    expect(() => computeMetrics(['a', 'b'] as const, ['a'], ['z' as 'a'])).toThrow(RangeError);
  });
});
