/** Fixture builders for code that consumes J5 scores (actors, drafters) and wants no lexicon in its tests. */
import type { SentimentScore } from '@himari/contracts';
import type { SentimentScorer } from './types.ts';

export function sentimentScore(overrides: Partial<SentimentScore> = {}): SentimentScore {
  return {
    label: 'neutral',
    probabilities: { positive: 0.05, negative: 0.05, neutral: 0.9 },
    compound: 0,
    scorer: 'lexicon',
    model: 'fixture',
    model_version: 'fixture-1',
    ...overrides,
  };
}

/** A scorer that answers `pick(text)` (or one fixed score) and records what it was asked. */
export function createFixedScorer(
  pick: SentimentScore | ((text: string) => SentimentScore) = sentimentScore(),
): SentimentScorer & { readonly seen: string[] } {
  const seen: string[] = [];
  const answer = typeof pick === 'function' ? pick : () => pick;
  const score = (text: string): SentimentScore => {
    seen.push(text);
    return answer(text);
  };
  return { name: 'fixed', version: 'fixture-1', kind: 'lexicon', seen, score, scoreBatch: (texts) => texts.map(score) };
}
