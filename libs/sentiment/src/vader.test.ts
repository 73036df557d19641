import { describe, it, expect } from 'vitest';
import { vaderPolarityScores, vaderScoresWith, vaderTokens } from './vader.ts';

// Inputs that exercise every branch of VADER's loop: capitals, boosters, "kind of", negation, "least", "but",
// punctuation emphasis, emoticons, contractions, one-character tokens and multi-character punctuation.
const FIXTURES = [
  'The stock is GREAT but the CEO is NOT good!!!',
  'I kind of like this company, sort of.',
  'Not bad at all :) very very good',
  "It isn't horrible, it's the least awful option??",
  'at least it is not the worst',
  'BUT this is terrible... really terrible!',
  '"Wow", she said -- "what a terrible, horrible day"',
  'a b c d',
  '',
  '   \n\t ',
  'Markets are barely up; slightly better than expected?!?',
  'never so good, never this bad',
  'kind',
  '$AAPL :( sad times for bulls; :D happy bears',
];

describe('vader adapter', () => {
  it('reproduces polarity_scores exactly when nothing is overridden', () => {
    for (const text of FIXTURES) {
      const { words } = vaderTokens(text);
      expect(vaderScoresWith(text, words, new Map()), text).toEqual(vaderPolarityScores(text));
    }
  });

  it('keeps raw tokens index-aligned with the stripped words', () => {
    const { words, raw } = vaderTokens('Shares fell, then rose. (Again!)');
    expect(words).toEqual(['Shares', 'fell', 'then', 'rose', '(Again!)']);
    expect(raw).toEqual(['Shares', 'fell,', 'then', 'rose.', '(Again!)']);
  });

  it('lets an override replace a word and silence another', () => {
    const text = 'terrible news for the good company';
    const { words } = vaderTokens(text);
    const plain = vaderPolarityScores(text);
    const silenced = vaderScoresWith(text, words, new Map([[0, 0]]));
    expect(plain.compound).toBeLessThan(0);
    expect(silenced.compound).toBeGreaterThan(0);
  });

  it('handles "but" on long texts like the package', () => {
    const text = `${'good results and strong sales '.repeat(300)} but ${'weak guidance '.repeat(300)}`;
    const { words } = vaderTokens(text);
    expect(vaderScoresWith(text, words, new Map())).toEqual(vaderPolarityScores(text));
  });
});
