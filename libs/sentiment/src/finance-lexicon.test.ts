import { describe, it, expect } from 'vitest';
import { FINANCE_INTENSIFIERS, FINANCE_LEXICON, FINANCE_NEGATORS, MOVE_BEFORE_NUMBER, ratingPhrases } from './finance-lexicon.ts';
import { createPhraseMatcher, phraseParts } from './phrases.ts';

describe('finance lexicon data', () => {
  it('has no duplicate entries (the matcher refuses them)', () => {
    expect(() => createPhraseMatcher(FINANCE_LEXICON.map(([p]) => p))).not.toThrow();
  });

  it('keeps valences on VADER scale', () => {
    for (const [phrase, v] of [...FINANCE_LEXICON, ...MOVE_BEFORE_NUMBER]) {
      expect(Math.abs(v), phrase).toBeLessThanOrEqual(4);
    }
  });

  it('has no one-letter words, which VADER drops before matching', () => {
    for (const p of [...FINANCE_LEXICON.map(([x]) => x), ...FINANCE_NEGATORS, ...FINANCE_INTENSIFIERS.map(([x]) => x)]) {
      for (const part of phraseParts(p)) expect(part.length, p).toBeGreaterThan(1);
    }
  });

  it('expands rating moves by the verb, not the rating', () => {
    const r = new Map(ratingPhrases());
    expect(r.get('cut to buy')).toBeLessThan(0);
    expect(r.get('upgraded to hold')).toBeGreaterThan(0);
    expect(r.get('starts at buy')).toBeGreaterThan(0);
    expect(r.get('starts at sell')).toBeLessThan(0);
    expect(r.get('starts at hold')).toBe(0);
    expect(r.get('from outperform')).toBe(0);
  });
});
