import { describe, it, expect } from 'vitest';
import { tokenize } from './text.ts';

describe('tokenize', () => {
  it('splits on hyphens and punctuation, keeps inner & . and signed percents', () => {
    expect(tokenize('S&P 500 sell-off: U.S. stocks -3.5%, AT&T +2%').map((t) => t.norm)).toEqual([
      's&p',
      '500',
      'sell',
      'off',
      'u.s',
      'stocks',
      '-3.5%',
      'at&t',
      '+2%',
    ]);
  });

  it('drops possessives, links and keeps offsets', () => {
    const toks = tokenize('Apple’s CEO https://t.co/XyZ spoke');
    expect(toks.map((t) => t.norm)).toEqual(['apple', 'ceo', 'spoke']);
    expect(toks[1]).toMatchObject({ raw: 'CEO', start: 8 });
  });

  it('does not read a hyphen inside a code as a sign', () => {
    expect(tokenize('Q3-5% guidance').map((t) => t.norm)).toEqual(['q3', '5%', 'guidance']);
  });
});
