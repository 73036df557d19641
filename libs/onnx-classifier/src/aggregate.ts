/**
 * From class probabilities to a SentimentScore's numbers, and from sentence scores to one score per text.
 *
 * Compound (config `compound`):
 * - `pos_minus_neg` (default): P(pos) − P(neg), as ProsusAI's FinBERT reports its "sentiment score". In [−1, 1].
 * - `scaled_by_non_neutral`: (P(pos) − P(neg)) · (1 − P(neutral)), the design document's formula: it shrinks the
 *   score further when the model thinks the text is neutral.
 *
 * Aggregation over the sentences of one text (config `aggregation`):
 * - `length_weighted_mean` (default): the mean of the sentences' probability vectors weighted by their token
 *   counts (after truncation); label = argmax of the mean, compound from the mean. Robust: one odd sentence does
 *   not flip an article, and a long sentence counts more than a dateline.
 * - `max_abs_compound`: the sentence with the largest |compound| stands for the text (first one on ties). Keeps a
 *   single strong statement ("the company filed for bankruptcy") from being averaged away by boilerplate.
 */
import { SENTIMENT_LABELS, type SentimentLabel } from './labels.ts';

export const COMPOUND_FORMULAS = ['pos_minus_neg', 'scaled_by_non_neutral'] as const;
export type CompoundFormula = (typeof COMPOUND_FORMULAS)[number];
export const AGGREGATIONS = ['length_weighted_mean', 'max_abs_compound'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export interface Probabilities {
  positive: number;
  negative: number;
  neutral: number;
}

/** One sentence's probabilities and its weight (token count). */
export interface SentenceProbs {
  probs: Probabilities;
  tokens: number;
}

export function compoundOf(p: Probabilities, formula: CompoundFormula): number {
  const d = p.positive - p.negative;
  return formula === 'pos_minus_neg' ? d : d * (1 - p.neutral);
}

/** Ties go to the label listed first in SENTIMENT_LABELS order (positive, negative, neutral). */
export function argmaxLabel(p: Probabilities): SentimentLabel {
  let best: SentimentLabel = SENTIMENT_LABELS[0];
  for (const l of SENTIMENT_LABELS) if (p[l] > p[best]) best = l;
  return best;
}

export function aggregate(sentences: readonly SentenceProbs[], how: Aggregation, formula: CompoundFormula): Probabilities {
  if (sentences.length === 0) throw new Error('aggregate: no sentences');
  if (how === 'max_abs_compound') {
    let best = sentences[0] as SentenceProbs;
    for (const s of sentences) if (Math.abs(compoundOf(s.probs, formula)) > Math.abs(compoundOf(best.probs, formula))) best = s;
    return { ...best.probs };
  }
  let total = 0;
  const sum: Probabilities = { positive: 0, negative: 0, neutral: 0 };
  for (const s of sentences) {
    const w = Math.max(1, s.tokens);
    total += w;
    for (const l of SENTIMENT_LABELS) sum[l] += w * s.probs[l];
  }
  return { positive: sum.positive / total, negative: sum.negative / total, neutral: sum.neutral / total };
}
