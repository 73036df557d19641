import { describe, expect, it } from 'vitest';
import { NEG_PREFIX, analyze, charNgrams, isNegator, tokenize } from './tokenize.ts';

const opts = { negation: true, negationWindow: 0 };

describe('tokenize', () => {
  it('turns URLs, cashtags, handles and numbers into placeholders and keeps a number sign', () => {
    const toks = tokenize('$AAPL -3.2% after @WSJ report https://t.co/abc, revenue $5.2 up +12% to 1,000 units');
    expect(toks.map((t) => t.text)).toEqual([
      '__cashtag__',
      '__minus_pct__',
      'after',
      '__user__',
      'report',
      '__url__',
      ',',
      'revenue',
      '__money__',
      'up',
      '__plus_pct__',
      'to',
      '__num__',
      'units',
    ]);
  });

  it('does not read a hyphenated number as negative and lowercases words', () => {
    expect(tokenize('COVID-19 Hits Sales').map((t) => t.text)).toEqual(['covid', '__num__', 'hits', 'sales']);
  });

  it('keeps contractions and pre-tokenised clitics as words, folding curly apostrophes', () => {
    expect(tokenize('We don’t see it').map((t) => t.text)).toEqual(['we', "don't", 'see', 'it']);
    expect(tokenize("Componenta 's sales").map((t) => t.text)).toEqual(['componenta', "'s", 'sales']);
  });

  it('ends a clause at a full stop only before whitespace (J.P. Morgan is one clause)', () => {
    expect(tokenize('J.P. Morgan').filter((t) => t.kind === 'punct')).toHaveLength(1);
    expect(tokenize('J.P.Morgan').filter((t) => t.kind === 'punct')).toHaveLength(0);
  });
});

describe('negation', () => {
  it("recognises negators, including n't forms", () => {
    for (const w of ['not', 'no', 'never', 'cannot', "isn't", "n't", "won't"]) expect(isNegator(w)).toBe(true);
    for (const w of ['note', 'know', 'nothing']) expect(isNegator(w)).toBe(false);
  });

  it('marks words after a negator until punctuation', () => {
    const a = analyze('Profit did not grow as expected, shares rose', opts);
    expect(a.unigrams).toEqual(['profit', 'did', 'not', `${NEG_PREFIX}grow`, `${NEG_PREFIX}as`, `${NEG_PREFIX}expected`, 'shares', 'rose']);
    expect(a.bigrams).toContain(`not ${NEG_PREFIX}grow`);
    expect(a.bigrams).not.toContain(`${NEG_PREFIX}expected shares`);
    // Character n-grams come from the plain words.
    expect(a.charWords).toContain('grow');
  });

  it('honours a negation window and can be turned off', () => {
    expect(analyze("doesn't expect strong growth", { negation: true, negationWindow: 1 }).unigrams).toEqual([
      "doesn't",
      `${NEG_PREFIX}expect`,
      'strong',
      'growth',
    ]);
    expect(analyze('not good', { negation: false, negationWindow: 0 }).unigrams).toEqual(['not', 'good']);
  });

  it('flips lexicon polarity inside a negation scope', () => {
    const lex = new Map([
      ['good', 1.9],
      ['terrible', -2.5],
    ]);
    expect(analyze('good', opts, lex).unigrams).toEqual(['good', '__lex_pos__']);
    expect(analyze('not good', opts, lex).unigrams).toEqual(['not', `${NEG_PREFIX}good`, '__lex_neg__']);
    expect(analyze('terrible', opts, lex).unigrams).toEqual(['terrible', '__lex_neg__', '__lex_neg2__']);
  });
});

describe('charNgrams', () => {
  it('pads the word and emits every n-gram in range', () => {
    const out: string[] = [];
    charNgrams('up', 3, 4, out);
    expect(out).toEqual([' up', 'up ', ' up ']);
  });
});
