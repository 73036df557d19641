import { describe, it, expect } from 'vitest';
import { EventCategory } from '@himari/contracts';
import { parseTopicCsv } from './topic-data.ts';
import { topicMetrics } from './topic-metrics.ts';
import { TOPIC_MAP, TOPIC_SCORE_CLASSES, topicCategory } from './topics.ts';

describe('the topic table', () => {
  it('lists the 20 topics of the dataset card, in id order, each with a category or an exclusion and a reason', () => {
    // Label map of zeroshot/twitter-financial-news-topic (../shared/data/PROVENANCE.md §2b).
    const card = [
      'Analyst Update',
      'Fed | Central Banks',
      'Company | Product News',
      'Treasuries | Corporate Debt',
      'Dividend',
      'Earnings',
      'Energy | Oil',
      'Financials',
      'Currencies',
      'General News | Opinion',
      'Gold | Metals | Materials',
      'IPO',
      'Legal | Regulation',
      'M&A | Investments',
      'Macro',
      'Markets',
      'Politics',
      'Personnel Change',
      'Stock Commentary',
      'Stock Movement',
    ];
    expect(TOPIC_MAP.map((t) => t.topic)).toEqual(card);
    TOPIC_MAP.forEach((t, i) => {
      expect(t.id).toBe(i);
      if (t.category !== null) expect(EventCategory.options).toContain(t.category);
      expect(t.why.length).toBeGreaterThan(10);
    });
  });

  it('scores exactly the categories the table maps to', () => {
    const mapped = new Set(TOPIC_MAP.flatMap((t) => (t.category ? [t.category] : [])));
    expect([...mapped].sort()).toEqual([...TOPIC_SCORE_CLASSES].sort());
    expect(topicCategory(6)).toBeNull();
    expect(topicCategory(12)).toBe('regulatory');
    expect(() => topicCategory(20)).toThrow(RangeError);
  });
});

describe('parseTopicCsv', () => {
  it('reads text,label with a header, quoted newlines included, and maps topics', () => {
    const rows = parseTopicCsv('text,label\n"Fed hikes\nrates",1\nOil jumps,6\n"Acme, Inc. names CFO",17\n');
    expect(rows).toEqual([
      { text: 'Fed hikes\nrates', topic: 1, category: 'macro' },
      { text: 'Oil jumps', topic: 6, category: null },
      { text: 'Acme, Inc. names CFO', topic: 17, category: 'corporate' },
    ]);
  });

  it('reads a headerless file and a header in another order', () => {
    expect(parseTopicCsv('Acme beats,5\n')).toEqual([{ text: 'Acme beats', topic: 5, category: 'earnings' }]);
    expect(parseTopicCsv('label,text\n15,Stocks rally\n')).toEqual([{ text: 'Stocks rally', topic: 15, category: 'market' }]);
  });

  it('refuses labels that are not topic ids, naming the row', () => {
    expect(() => parseTopicCsv('text,label\nok,3\nbad,positive\n')).toThrow(/row 2: label "positive"/);
    expect(() => parseTopicCsv('text,label\nbad,20\n')).toThrow(/not a topic id/);
    expect(() => parseTopicCsv('text,label\n')).toThrow(/no data rows/);
  });
});

describe('topicMetrics', () => {
  it('counts a crypto_specific answer as wrong without making it a class of the macro average', () => {
    const truth = ['earnings', 'earnings', 'macro', 'unknown'] as const;
    const pred = ['earnings', 'crypto_specific', 'macro', 'unknown'] as const;
    const m = topicMetrics(truth, pred);
    expect(m.accuracy).toBe(0.75);
    expect(m.per_class.earnings).toEqual({ precision: 1, recall: 0.5, f1: expect.closeTo(2 / 3, 12), support: 2 });
    // Six scored classes; corporate, regulatory and market have no rows and no answers: F1 0 each.
    expect(m.macro_f1).toBeCloseTo((2 / 3 + 1 + 1) / 6, 12);
    expect(m.weighted_f1).toBeCloseTo((2 / 3) * 0.5 + 0.25 + 0.25, 12);
    expect(m.confusion.labels.at(-1)).toBe('crypto_specific');
    expect(() => topicMetrics(['crypto_specific'], ['crypto_specific'])).toThrow(RangeError);
  });
});
