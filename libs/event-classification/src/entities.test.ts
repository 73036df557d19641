import { describe, it, expect } from 'vitest';
import { extractEntities } from './entities.ts';
import { ENTITY_DICTIONARY } from './entity-dictionary.ts';

describe('extractEntities', () => {
  it('reads cashtags, including class shares, in order and without repeats', () => {
    expect(extractEntities('$AAPL and $btc up; $BRK.B flat; $AAPL again')).toEqual(['AAPL', 'BTC', 'BRK.B']);
  });

  it('ignores dollar amounts and tags inside words', () => {
    expect(extractEntities('Raised $5M at a $1.2B valuation; email a$b')).toEqual([]);
  });

  it('maps dictionary names, whole words only', () => {
    expect(extractEntities('Microsoft and Nvidia lead; Bitcoin and Ethereum follow')).toEqual(['MSFT', 'NVDA', 'BTC', 'ETH']);
    expect(extractEntities('Google parent Alphabet; Facebook owner Meta')).toEqual(['GOOGL', 'META']);
    expect(extractEntities('Teslamania and Applebee specials')).toEqual([]);
  });

  it('needs a capital for names that are everyday words', () => {
    expect(extractEntities('apple pie and ether anaesthesia, meta commentary')).toEqual([]);
    expect(extractEntities('Apple and Ether rally')).toEqual(['AAPL', 'ETH']);
  });

  it('matches multi-word and punctuated names', () => {
    expect(extractEntities('Bank of America and Johnson & Johnson; AT&T too')).toEqual(['BAC', 'JNJ', 'T']);
  });

  it('takes bare upper-case tickers that are not common words', () => {
    expect(extractEntities('Bull sees 2020 upsides for MU, WDC')).toEqual(['MU', 'WDC']);
    expect(extractEntities('The CEO said the IPO and EPS beat the US GDP and CPI data, NEW ETF ON IT')).toEqual([]);
  });

  it('finds no tickers in shouted English', () => {
    expect(extractEntities('I THINK THE CEO IS GREAT')).toEqual([]);
    expect(extractEntities('BREAKING: MARKETS PANIC AS TRUMP SPEAKS')).toEqual([]);
  });

  it('still reads cashtags and names in shouted text', () => {
    expect(extractEntities('BREAKING: TESLA RECALLS CARS, $F FALLS')).toEqual(['TSLA', 'F']);
  });

  it('skips single letters, dotted abbreviations and links', () => {
    expect(extractEntities('Class A shares of U.S. firm rise https://t.co/AbCDE')).toEqual([]);
  });

  it('keeps every dictionary ticker in the bare-ticker form the rest of the pipeline uses', () => {
    for (const e of ENTITY_DICTIONARY) expect(e.ticker).toMatch(/^[A-Z]{1,5}(\.[A-Z])?$/);
  });
});
