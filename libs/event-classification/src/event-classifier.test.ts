import { existsSync, readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { EventInfo } from '@himari/contracts';
import { sharedDataPath } from '@himari/config/testing';
import { sha256Hex } from '@himari/text-classifier';
import { RULES_VERSION } from './classifier.ts';
import { classifyEventDesignKeywords } from './design-baseline.ts';
import { CLASSIFIER_VERSION, classifyEvent, createEventClassifier, defaultEventClassifier } from './event-classifier.ts';
import { DEFAULT_EVENT_MODEL_NAME, loadEventModel } from './model.ts';
import { EVENT_DATA } from './paths.ts';
import { HALF_LIFE_S } from './taxonomy.ts';
import { syntheticTopicCsv } from './testing.ts';
import { trainEventModel } from './train.ts';

const TOPIC_TRAIN = sharedDataPath(EVENT_DATA.topicTrain);

describe('classifyEvent (committed topic model + phrase rules)', () => {
  it('names the committed model and the rules in EventInfo.classifier', () => {
    expect(CLASSIFIER_VERSION).toBe('topic-logreg@1+phrase-rules@1');
    expect(defaultEventClassifier().model.name).toBe(DEFAULT_EVENT_MODEL_NAME);
    expect(classifyEvent('Acme beats estimates').classifier).toBe(CLASSIFIER_VERSION);
  });

  it.skipIf(!existsSync(TOPIC_TRAIN))('was trained on the MIT topic train file, with a validation part held out', () => {
    const t = defaultEventClassifier().model.training;
    expect(t.data_sha256).toBe(sha256Hex(readFileSync(TOPIC_TRAIN)));
    expect(t.valid_rows).toBeGreaterThan(2000);
  });

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
    ['Acme sued in class action over data breach claims', 'regulatory', 'lawsuit'],
    ['Goldman Sachs downgrades Tesla to neutral, cuts price target', 'market', 'analyst_rating'],
    ['Acme IPO prices above range in market debut', 'market', 'ipo'],
    ['Nvidia shares soar to record high', 'market', 'price_move'],
    ['VIX spikes as volatility returns to Wall Street', 'market', 'volatility'],
    ['Crypto exchange hacked, $200M drained from hot wallet', 'crypto_specific', 'hack'],
    ['Spot bitcoin ETF sees record inflows', 'crypto_specific', 'etf'],
    ['Bitcoin halving cuts block reward to 3.125 BTC', 'crypto_specific', 'halving'],
    ['USDC stablecoin depegs after bank failure', 'crypto_specific', 'stablecoin'],
    ['Whale moves 10,000 BTC from cold wallet to exchange', 'crypto_specific', 'onchain_flow'],
  ] as const)('%s → %s/%s', (text, category, subcategory) => {
    const e = classifyEvent(text);
    expect({ category: e.category, subcategory: e.subcategory }, JSON.stringify(e.matched)).toEqual({ category, subcategory });
    expect(e.category_confidence).toBeGreaterThan(0.3);
    expect(e.half_life_s).toBe(HALF_LIFE_S[category][e.urgency]);
  });

  it('says unknown, with confidence 0, for news without a market event', () => {
    for (const t of ['Opinion: the best summer novels to read on vacation', 'Senate votes on the defense spending bill']) {
      expect(classifyEvent(t), t).toMatchObject({ category: 'unknown', subcategory: 'none', category_confidence: 0 });
    }
  });

  it("has none of the design baseline's substring false positives", () => {
    const corporate = classifyEvent('Corporate governance review at Acme');
    expect(classifyEventDesignKeywords('Corporate governance review at Acme').category).toBe('macro');
    expect(corporate.category).not.toBe('macro');
    expect(corporate.matched).not.toContain('rate');
    expect(classifyEventDesignKeywords('Shares rose for a second day').category).toBe('regulatory');
    expect(classifyEvent('Shares rose for a second day').category).not.toBe('regulatory');
    expect(classifyEvent('Acme second quarter revenue rises').matched).not.toContain('sec');
    expect(classifyEvent('Ethereum foundation hosts hackathon in Denver').subcategory).not.toBe('hack');
  });

  it('lets the crypto rules decide only when the text is about crypto', () => {
    expect(classifyEvent('BlackRock ETFs attract inflows from European investors').category).not.toBe('crypto_specific');
    expect(classifyEvent('Acme hacked, customer records drained').category).not.toBe('crypto_specific');
    expect(classifyEvent('Solana hacked, $8M drained from wallets').category).toBe('crypto_specific');
  });

  it('keeps impact and urgency from the rules', () => {
    expect(classifyEvent('BREAKING: Acme files for bankruptcy').impact).toBe('high');
    expect(classifyEvent('BREAKING: Acme files for bankruptcy').urgency).toBe('immediate');
    expect(classifyEvent('Acme shares soar 25% to record high').impact).toBe('high');
  });

  it('gives a valid EventInfo for any text', () => {
    for (const t of ['$AAPL beats estimates', '', '   ', 'x'.repeat(50_000), 'Tesla recall widens. '.repeat(2000), '🚀🚀🚀']) {
      const e = classifyEvent(t);
      expect(EventInfo.parse(e)).toEqual(e);
    }
    expect(classifyEvent('$AAPL beats estimates').entities).toEqual(['AAPL']);
  });
});

describe('createEventClassifier', () => {
  it('names whatever model it is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'himari-events-clf-'));
    writeFileSync(join(dir, 't.csv'), syntheticTopicCsv(12));
    await trainEventModel({
      data: join(dir, 't.csv'),
      out: join(dir, 'm.json'),
      name: 'tiny-topics@7',
      features: { minDf: 1 },
      hyper: { maxIter: 100 },
    });
    const c = createEventClassifier(loadEventModel(join(dir, 'm.json')));
    expect(c.version).toBe(`tiny-topics@7+${RULES_VERSION}`);
    const e = c.classify('Globex 3 appoints Li Wei as chief financial officer');
    expect(e).toMatchObject({ category: 'corporate', subcategory: 'management', classifier: c.version });
    expect(c.category('Fed official Kim Park signals another rate hike')).toBe('macro');
  });
});
