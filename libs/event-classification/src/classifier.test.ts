import { describe, it, expect } from 'vitest';
import { EventInfo } from '@himari/contracts';
import { classifyEventRules, RULES_VERSION, confidence } from './classifier.ts';
import { HALF_LIFE_S } from './taxonomy.ts';

describe('whole-word matching (the design matched substrings)', () => {
  it('"corporate" is not macro evidence', () => {
    const e = classifyEventRules('Corporate governance review at Acme');
    expect(e.category).not.toBe('macro');
    expect(e.matched).not.toContain('rate');
  });

  it('"second quarter" is not regulatory', () => {
    const e = classifyEventRules('Acme second quarter revenue rises');
    expect(e.category).toBe('earnings');
    expect(e.matched).not.toContain('sec');
    expect(classifyEventRules('Shares rose for a second day').category).not.toBe('regulatory');
  });

  it('"SEC charges" is regulatory', () => {
    const e = classifyEventRules('SEC charges Acme founder over misleading investors');
    expect(e).toMatchObject({ category: 'regulatory', subcategory: 'sec', impact: 'high' });
    expect(e.matched).toContain('sec charges');
  });

  it('"interest rate hike" is macro, through the longest phrase', () => {
    const e = classifyEventRules('Fed signals another interest rate hike');
    expect(e).toMatchObject({ category: 'macro', subcategory: 'rates' });
    expect(e.matched).toContain('interest rate hike');
    expect(e.matched).not.toContain('rate');
    expect(classifyEventRules('Markets brace for a rate hike')).toMatchObject({ category: 'macro', subcategory: 'rates' });
  });

  it('"hackathon" is not a hack', () => {
    expect(classifyEventRules('Ethereum foundation hosts hackathon in Denver').subcategory).not.toBe('hack');
  });
});

describe('one example per category', () => {
  it.each([
    ['Apple beats estimates as quarterly revenue climbs', 'earnings', 'beat'],
    ['Acme misses estimates, EPS below consensus', 'earnings', 'miss'],
    ['Acme cuts guidance for the full year', 'earnings', 'guidance'],
    ['US CPI rises 0.3% as inflation cools', 'macro', 'inflation'],
    ['Nonfarm payrolls beat forecasts; unemployment rate steady', 'macro', 'employment'],
    ['Treasury yields jump as rate hike bets grow', 'macro', 'rates'],
    ['ECB holds rates, Lagarde signals patience on monetary policy', 'macro', 'central_bank'],
    ['Microsoft agrees to buy Activision in $69 billion all-cash deal', 'corporate', 'm_and_a'],
    ['Acme CEO steps down; board names successor', 'corporate', 'management'],
    ['Retailer files for Chapter 11 bankruptcy protection', 'corporate', 'bankruptcy'],
    ['Acme announces layoffs of 10% of workforce', 'corporate', 'layoffs'],
    ['Acme raises quarterly dividend by 5%', 'corporate', 'dividend'],
    ['DOJ opens antitrust investigation into Acme', 'regulatory', 'investigation'],
    ['FDA approves Acme drug for lung cancer', 'regulatory', 'approval'],
    ['Acme sued in class action over data breach claims', 'regulatory', 'lawsuit'],
    ['Goldman Sachs downgrades Tesla to neutral, cuts price target', 'market', 'analyst_rating'],
    ['Acme IPO prices above range in market debut', 'market', 'ipo'],
    ['Nvidia shares soar to record high', 'market', 'price_move'],
    ['VIX spikes as volatility returns to Wall Street', 'market', 'volatility'],
    ['Exchange hacked, $200M drained from hot wallet', 'crypto_specific', 'hack'],
    ['Spot bitcoin ETF sees record inflows', 'crypto_specific', 'etf'],
    ['SEC approves spot bitcoin ETF applications', 'regulatory', 'approval'],
    ['Bitcoin halving cuts block reward to 3.125 BTC', 'crypto_specific', 'halving'],
    ['USDC stablecoin depegs after bank failure', 'crypto_specific', 'stablecoin'],
    ['Whale moves 10,000 BTC from cold wallet to exchange', 'crypto_specific', 'onchain_flow'],
  ] as const)('%s → %s/%s', (text, category, subcategory) => {
    const e = classifyEventRules(text);
    expect({ category: e.category, subcategory: e.subcategory }, JSON.stringify(e.matched)).toEqual({ category, subcategory });
    expect(e.category_confidence).toBeGreaterThan(0.3);
  });

  it('unknown when there is no evidence', () => {
    const e = classifyEventRules('The weather in Lisbon was pleasant today');
    expect(e).toMatchObject({ category: 'unknown', category_confidence: 0, matched: [] });
  });

  it('unknown when the evidence is one weak cue', () => {
    expect(classifyEventRules('Results are in').category).toBe('unknown');
  });
});

describe('impact, urgency, half-life', () => {
  it('marks bankruptcies, hacks, fraud, halts and rate decisions high', () => {
    for (const t of [
      'Acme files for bankruptcy',
      'DeFi protocol exploited for $50M',
      'Founder indicted for fraud',
      'Trading halted in Acme shares',
      'Fed announces emergency rate cut',
    ]) {
      expect(classifyEventRules(t).impact, t).toBe('high');
    }
  });

  it('raises beats, misses and price moves with big numbers', () => {
    expect(classifyEventRules('Acme beats estimates').impact).toBe('medium');
    expect(classifyEventRules('Acme beats estimates, stock up 18%').impact).toBe('high');
    expect(classifyEventRules('Acme shares soar').impact).toBe('low');
    expect(classifyEventRules('Acme shares soar 25%').impact).toBe('high');
    expect(classifyEventRules('Acme shares soar 6%').impact).toBe('medium');
  });

  it('gives analyst ratings and M&A medium impact', () => {
    expect(classifyEventRules('Acme upgraded to buy at Barclays').impact).toBe('medium');
    expect(classifyEventRules('Acme to acquire Widget Co').impact).toBe('medium');
    expect(classifyEventRules('Acme unveils new product line').impact).toBe('low');
  });

  it('reads urgency cues', () => {
    expect(classifyEventRules('BREAKING: Acme beats estimates').urgency).toBe('immediate');
    expect(classifyEventRules('Just in: Acme to acquire Widget Co').urgency).toBe('immediate');
    expect(classifyEventRules('Flash crash hits bitcoin').urgency).toBe('immediate');
    expect(classifyEventRules('Acme partnership targets long-term growth by 2030').urgency).toBe('long_term');
    expect(classifyEventRules('Acme beats estimates').urgency).toBe('short_term');
  });

  it('takes the half-life from the category and urgency', () => {
    const e = classifyEventRules('BREAKING: exchange hacked');
    expect(e.half_life_s).toBe(HALF_LIFE_S.crypto_specific.immediate);
    const m = classifyEventRules('Fed holds interest rates steady');
    expect(m.half_life_s).toBe(HALF_LIFE_S.macro[m.urgency]);
    expect(m.half_life_s).toBeGreaterThan(e.half_life_s);
  });
});

describe('confidence', () => {
  it('grows with evidence and with the margin over the runner-up', () => {
    expect(confidence(0, 0)).toBe(0);
    expect(confidence(6, 0)).toBeGreaterThan(confidence(3, 0));
    expect(confidence(6, 0)).toBeGreaterThan(confidence(6, 3));
    expect(confidence(3, 3)).toBeCloseTo(confidence(3, 0) / 2, 12);
    expect(confidence(100, 0)).toBeLessThanOrEqual(1);
  });

  it('is higher for clear text than for mixed text', () => {
    const clear = classifyEventRules('Acme files for Chapter 11 bankruptcy protection');
    const mixed = classifyEventRules('Acme files for bankruptcy as SEC opens probe into fraud');
    expect(clear.category_confidence).toBeGreaterThan(mixed.category_confidence);
  });
});

describe('output contract', () => {
  it('is a valid EventInfo with entities and the classifier version', () => {
    const texts = ['$AAPL beats estimates', '', '   ', 'x'.repeat(50_000), 'Tesla recall widens. '.repeat(2000)];
    for (const t of texts) {
      const e = classifyEventRules(t);
      expect(EventInfo.parse(e)).toEqual(e);
      expect(e.classifier).toBe(RULES_VERSION);
    }
    expect(classifyEventRules('$AAPL beats estimates').entities).toEqual(['AAPL']);
  });

  it('lists each matched phrase once, in order of appearance', () => {
    const e = classifyEventRules('Earnings rise, revenue rises; earnings and revenue beat');
    expect(e.matched).toEqual(['earnings', 'revenue', 'rises', 'beat']);
  });
});
