import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences.ts';

describe('splitSentences', () => {
  it('splits on sentence ends followed by a capital, digit, quote or $', () => {
    expect(splitSentences('Profit rose 12%. Shares fell! Is it over? "Yes," he said. 2024 was weak. $AAPL gained.')).toEqual([
      'Profit rose 12%.',
      'Shares fell!',
      'Is it over?',
      '"Yes," he said.',
      '2024 was weak.',
      '$AAPL gained.',
    ]);
  });

  it('keeps abbreviations, initials, decimals and tickers inside their sentence', () => {
    expect(
      splitSentences('Apple Inc. beat estimates. J. P. Morgan raised its target to $3.5 bn. Shares of BRK.B rose in the U.S. on Monday.'),
    ).toEqual(['Apple Inc. beat estimates.', 'J. P. Morgan raised its target to $3.5 bn.', 'Shares of BRK.B rose in the U.S. on Monday.']);
    expect(splitSentences('Sales rose vs. last year. Net profit was EUR 3.1 mn.')).toEqual([
      'Sales rose vs. last year.',
      'Net profit was EUR 3.1 mn.',
    ]);
  });

  it('does not split before a lower-case word', () => {
    expect(splitSentences('The stock fell 3 p.c. on the news. analysts were surprised.')).toEqual([
      'The stock fell 3 p.c. on the news. analysts were surprised.',
    ]);
  });

  it('treats line breaks as sentence ends and drops fragments without words', () => {
    expect(splitSentences('HEADLINE: Acme beats\n\n  Body text follows here.  \n—\n...')).toEqual([
      'HEADLINE: Acme beats',
      'Body text follows here.',
    ]);
  });

  it('closing quotes and brackets stay with their sentence', () => {
    expect(splitSentences('He said "we beat." Then shares rose (sharply.) New record.')).toEqual([
      'He said "we beat."',
      'Then shares rose (sharply.)',
      'New record.',
    ]);
  });

  it('gives nothing for text without words', () => {
    expect(splitSentences('  ... \n --- ')).toEqual([]);
  });
});
