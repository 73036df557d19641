import { describe, expect, it } from 'vitest';
import { aggregate, argmaxLabel, compoundOf, type SentenceProbs } from './aggregate.ts';

const p = (positive: number, negative: number, neutral: number) => ({ positive, negative, neutral });

describe('compound formulas', () => {
  it('pos_minus_neg is P(pos) − P(neg); scaled_by_non_neutral multiplies by 1 − P(neutral)', () => {
    expect(compoundOf(p(0.7, 0.1, 0.2), 'pos_minus_neg')).toBeCloseTo(0.6, 12);
    expect(compoundOf(p(0.7, 0.1, 0.2), 'scaled_by_non_neutral')).toBeCloseTo(0.48, 12);
    expect(compoundOf(p(0.05, 0.15, 0.8), 'scaled_by_non_neutral')).toBeCloseTo(-0.02, 12);
  });
});

describe('aggregate', () => {
  const sentences: SentenceProbs[] = [
    { probs: p(0.9, 0.05, 0.05), tokens: 30 },
    { probs: p(0.1, 0.1, 0.8), tokens: 10 },
    { probs: p(0.02, 0.95, 0.03), tokens: 10 },
  ];

  it('length_weighted_mean weights each sentence by its tokens', () => {
    const m = aggregate(sentences, 'length_weighted_mean', 'pos_minus_neg');
    expect(m.positive).toBeCloseTo((0.9 * 30 + 0.1 * 10 + 0.02 * 10) / 50, 12);
    expect(m.negative).toBeCloseTo((0.05 * 30 + 0.1 * 10 + 0.95 * 10) / 50, 12);
    expect(m.neutral).toBeCloseTo((0.05 * 30 + 0.8 * 10 + 0.03 * 10) / 50, 12);
    expect(m.positive + m.negative + m.neutral).toBeCloseTo(1, 12);
    expect(argmaxLabel(m)).toBe('positive');
  });

  it('max_abs_compound takes the most decided sentence', () => {
    expect(aggregate(sentences, 'max_abs_compound', 'pos_minus_neg')).toEqual(p(0.02, 0.95, 0.03));
  });

  it('one sentence is its own aggregate either way', () => {
    for (const how of ['length_weighted_mean', 'max_abs_compound'] as const) {
      const m = aggregate([{ probs: p(0.2, 0.3, 0.5), tokens: 7 }], how, 'pos_minus_neg');
      expect(m.positive).toBeCloseTo(0.2, 12);
      expect(m.negative).toBeCloseTo(0.3, 12);
    }
  });

  it('refuses an empty list', () => {
    expect(() => aggregate([], 'length_weighted_mean', 'pos_minus_neg')).toThrow(/no sentences/);
  });
});
