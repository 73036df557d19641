import { describe, it, expect } from 'vitest';
import { createPhraseMatcher, DuplicatePhraseError, wordParts } from './phrases.ts';

const words = (s: string): string[] => s.split(/\s+/);

describe('wordParts', () => {
  it('normalises case, edge punctuation, possessives and inner hyphens', () => {
    expect(wordParts('(Apple’s')).toEqual(['apple']);
    expect(wordParts('Sell-Off,')).toEqual(['sell', 'off']);
    expect(wordParts('+18%')).toEqual(['+18%']);
    expect(wordParts('-3.5%')).toEqual(['-3.5%']);
    expect(wordParts('--')).toEqual([]);
    expect(wordParts('$AAPL')).toEqual(['aapl']);
  });
});

describe('phrase matcher', () => {
  const m = createPhraseMatcher(['rate', 'sec', 'rate hike', 'sell off', 'guidance cut']);

  it('matches whole words only', () => {
    expect(m.match(words('corporate second quarter'))).toEqual([]);
    expect(m.match(words('SEC charges')).map((x) => x.entry)).toEqual([1]);
  });

  it('prefers the longest phrase and does not overlap', () => {
    expect(m.match(words('Fed signals rate hike'))).toEqual([{ start: 2, end: 3, entry: 2 }]);
    expect(m.match(words('rate rate hike'))).toEqual([
      { start: 0, end: 0, entry: 0 },
      { start: 1, end: 2, entry: 2 },
    ]);
  });

  it('treats hyphens as word breaks on both sides, but never matches part of a word', () => {
    expect(m.match(words('a sell-off today')).map((x) => x.entry)).toEqual([3]);
    expect(createPhraseMatcher(['sell']).match(words('a sell-off'))).toEqual([]);
  });

  it('does not jump over a punctuation-only token', () => {
    expect(m.match(words('guidance -- cut'))).toEqual([]);
  });

  it('rejects duplicate phrases, also when they differ only in hyphenation', () => {
    expect(() => createPhraseMatcher(['sell-off', 'Sell Off'])).toThrow(DuplicatePhraseError);
  });
});
