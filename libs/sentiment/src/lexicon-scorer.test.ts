import { describe, it, expect } from 'vitest';
import { SentimentScore } from '@himari/contracts';
import { createLexiconScorer, DEFAULT_LABEL_THRESHOLD, labelProbabilities, LEXICON_MODEL, LexiconOptionsError } from './lexicon-scorer.ts';
import { toAsync } from './types.ts';
import { vaderPolarityScores } from './vader.ts';

const scorer = createLexiconScorer();
const c = (text: string): number => scorer.score(text).compound;
const label = (text: string): string => scorer.score(text).label;

describe('lexicon scorer: finance headlines', () => {
  it.each([
    'Apple beats estimates and raises guidance',
    'Nvidia shares soar to record high after blowout quarter',
    'Acme upgraded to buy at Goldman Sachs',
    'Board approves $5 billion share buyback',
    'Enochian Bio +18% premarket',
  ])('positive: %s', (text) => expect(label(text)).toBe('positive'));

  it.each([
    'Retailer files for Chapter 11 bankruptcy protection',
    'Acme downgraded to neutral from buy at Morgan Stanley',
    'Exchange hacked, withdrawals halted',
    'Chipmaker cuts guidance as demand slumps',
    'Stablecoin depegs as reserves questioned',
    'SEC charges founder with fraud',
    'Shares down 12% after profit warning',
  ])('negative: %s', (text) => expect(label(text)).toBe('negative'));

  it.each([
    'Acme to present at investor conference on Tuesday',
    'Company schedules fourth quarter earnings call',
    'Interest rate decision due Wednesday',
    'Acme started at hold at Jefferies',
  ])('neutral: %s', (text) => expect(label(text)).toBe('neutral'));

  it('silences words VADER misreads on market text', () => {
    const text = 'Interest rate decision due Wednesday';
    expect(vaderPolarityScores(text).compound).toBeGreaterThan(DEFAULT_LABEL_THRESHOLD);
    expect(label(text)).toBe('neutral');
  });
});

describe('lexicon scorer: phrases, negation, intensity', () => {
  it('scores phrases as units, longer phrases first', () => {
    expect(c('guidance cut')).toBeLessThan(0);
    expect(c('Fed delivers rate cut')).toBeGreaterThan(0); // "cut" alone is negative to VADER
    expect(c('Acme cut to buy from strong buy')).toBeLessThan(0); // the verb decides a rating move
    expect(scorer.analyse('Fed signals interest rate hike').hits.map((h) => h.phrase)).toEqual(['rate hike']);
  });

  it('negates single words and phrases', () => {
    expect(c('Revenue beat estimates')).toBeGreaterThan(0);
    expect(c('Revenue did not beat estimates')).toBeLessThan(0);
    expect(c("Revenue didn't beat estimates")).toBeLessThan(0);
    expect(c('Acme failed to beat estimates')).toBeLessThan(0);
    expect(c('Lender says bankruptcy likely')).toBeLessThan(0);
    expect(c('Lender says no bankruptcy likely')).toBeGreaterThan(0);
    expect(c('Ministry rules out rate hike')).toBeGreaterThan(0);
  });

  it('does not let a negator reach across a clause break', () => {
    expect(c('Not again. Shares plunge')).toBeLessThan(0);
  });

  it('does not also count the consumed negator as VADER sentiment', () => {
    const hits = scorer.analyse('no bankruptcy').hits;
    expect(hits).toHaveLength(1);
    expect(hits[0]?.negated).toBe(true);
  });

  it('orders intensity: sharply > plain > slightly, before or after the word', () => {
    expect(c('Shares fall sharply')).toBeLessThan(c('Shares fall'));
    expect(c('Shares fall')).toBeLessThan(c('Shares fall slightly'));
    expect(c('Shares fall slightly')).toBeLessThan(0);
    expect(c('Stocks sharply higher')).toBeGreaterThan(c('Stocks higher'));
    expect(c('Stocks higher')).toBeGreaterThan(c('Stocks slightly higher'));
    expect(c('Stocks slightly higher')).toBeGreaterThan(0);
  });
});

describe('lexicon scorer: output contract', () => {
  const texts = ['Apple beats estimates', 'Bank collapses', 'Meeting on Tuesday', '', 'good but bad', 'WOW!!! $BTC TO THE MOON'];

  it('returns valid SentimentScores whose argmax is the label', () => {
    for (const t of texts) {
      const s = scorer.score(t);
      expect(SentimentScore.parse(s)).toEqual(s);
      const p = s.probabilities;
      expect(p.positive + p.negative + p.neutral).toBeCloseTo(1, 12);
      const argmax = (['positive', 'negative', 'neutral'] as const).reduce((a, b) => (p[b] > p[a] ? b : a));
      expect(argmax, t).toBe(s.label);
      expect(s).toMatchObject({ scorer: 'lexicon', model: LEXICON_MODEL, model_version: scorer.version });
    }
  });

  it('puts the label boundary at ±threshold and neutral 0.9 at compound 0', () => {
    const t = 0.5;
    expect(labelProbabilities(0, t).neutral).toBeCloseTo(0.9, 12);
    const atEdge = labelProbabilities(t, t);
    expect(atEdge.positive).toBeCloseTo(atEdge.neutral, 12);
    const above = labelProbabilities(t + 0.01, t);
    expect(above.positive).toBeGreaterThan(above.neutral);
    const below = labelProbabilities(t - 0.01, t);
    expect(below.neutral).toBeGreaterThan(below.positive);
    const neg = labelProbabilities(-t - 0.01, t);
    expect(neg.negative).toBeGreaterThan(neg.neutral);
    expect(labelProbabilities(0.9, t).positive).toBeGreaterThan(labelProbabilities(0.6, t).positive);
  });

  it('derives probabilities from the compound with the scorer threshold', () => {
    for (const t of texts) {
      const s = scorer.score(t);
      expect(s.probabilities).toEqual(labelProbabilities(s.compound, scorer.labelThreshold));
    }
  });

  it('calls empty and punctuation-only text neutral', () => {
    for (const t of ['', '   ', '...', '\n\n', '$AAPL']) {
      const s = scorer.score(t);
      expect(s.label, JSON.stringify(t)).toBe('neutral');
      expect(s.compound).toBe(0);
    }
  });

  it('scores long text in one piece', () => {
    const long = 'Revenue beat estimates and the company raised guidance. '.repeat(2000);
    const started = performance.now();
    const s = scorer.score(long);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(s.label).toBe('positive');
    expect(s.compound).toBeLessThanOrEqual(1);
  });

  it('scoreBatch equals mapping score', async () => {
    expect(scorer.scoreBatch(texts)).toEqual(texts.map((t) => scorer.score(t)));
    await expect(toAsync(scorer).scoreBatch(texts)).resolves.toEqual(texts.map((t) => scorer.score(t)));
  });

  it('equals plain VADER when every finance rule is switched off', () => {
    const plain = createLexiconScorer({ lexicon: [], negators: [], intensifiers: [], signedPercentValence: 0, moveBeforeNumber: [] });
    for (const t of [...texts, 'Shares down 12% after profit warning', 'Acme +18% premarket']) {
      expect(plain.analyse(t).vader).toEqual(vaderPolarityScores(t));
    }
    expect(plain.score('x').model).not.toBe(LEXICON_MODEL);
  });

  it('refuses a threshold outside (0, 1)', () => {
    expect(() => createLexiconScorer({ labelThreshold: 0 })).toThrow(LexiconOptionsError);
    expect(() => createLexiconScorer({ labelThreshold: 1.2 })).toThrow(LexiconOptionsError);
  });
});
