/**
 * The one table that maps the 20 topics of Twitter Financial News Topic (`zeroshot/twitter-financial-news-topic`,
 * MIT; label ids and names from its dataset card, see ../shared/data/PROVENANCE.md §2b) onto J7's categories. It is
 * used for training the topic model and for every method that `evalEvents` scores, so all of them are measured
 * against the same truth.
 *
 * The rule: a topic maps to the design category whose definition covers most of the topic's texts (read on samples
 * of the train file); topics whose texts are news without an event of any design category (politics, general news and
 * opinion) map to `unknown`, which is what J7 should answer for them; topics whose texts belong to no design category
 * but are not event-free either (commodities: energy, metals) are excluded: not trained on, not scored, by any method.
 * No topic maps to `crypto_specific` (the data has no crypto topic), so that category cannot be measured here.
 */
import type { EventCategory } from '@himari/contracts';

export interface TopicMapping {
  readonly id: number;
  readonly topic: string;
  /** null: excluded from training and from every score. */
  readonly category: EventCategory | null;
  readonly why: string;
}

export const TOPIC_MAP: readonly TopicMapping[] = [
  {
    id: 0,
    topic: 'Analyst Update',
    category: 'market',
    why: 'ratings, price targets, coverage: the design puts analyst calls under market',
  },
  { id: 1, topic: 'Fed | Central Banks', category: 'macro', why: 'central banks and rate decisions are macro' },
  { id: 2, topic: 'Company | Product News', category: 'corporate', why: 'products, contracts, plants, funding, job cuts of one company' },
  {
    id: 3,
    topic: 'Treasuries | Corporate Debt',
    category: 'macro',
    why: 'mostly yields, yield curves, auctions and sovereign debt (macro rates); corporate bonds are the minority',
  },
  { id: 4, topic: 'Dividend', category: 'corporate', why: 'dividends are a corporate subcategory in the design' },
  { id: 5, topic: 'Earnings', category: 'earnings', why: 'earnings dates, calls, previews and results' },
  { id: 6, topic: 'Energy | Oil', category: null, why: 'commodities: the design has no commodity category' },
  {
    id: 7,
    topic: 'Financials',
    category: 'earnings',
    why: "its texts are companies' financial results (EPS, revenue, beats and misses, guidance)",
  },
  { id: 8, topic: 'Currencies', category: 'macro', why: 'exchange rates move with rates, growth and central banks' },
  { id: 9, topic: 'General News | Opinion', category: 'unknown', why: 'news without a market event of any design category' },
  { id: 10, topic: 'Gold | Metals | Materials', category: null, why: 'commodities: the design has no commodity category' },
  { id: 11, topic: 'IPO', category: 'market', why: 'IPOs are a market subcategory in the design' },
  { id: 12, topic: 'Legal | Regulation', category: 'regulatory', why: 'lawsuits, probes, regulators, rulings' },
  { id: 13, topic: 'M&A | Investments', category: 'corporate', why: 'mergers, acquisitions, stakes: corporate m_and_a' },
  { id: 14, topic: 'Macro', category: 'macro', why: 'economic data, growth, inflation, trade' },
  { id: 15, topic: 'Markets', category: 'market', why: 'indices, sessions, market-wide moves' },
  { id: 16, topic: 'Politics', category: 'unknown', why: 'politics without a market event of any design category' },
  { id: 17, topic: 'Personnel Change', category: 'corporate', why: 'executive appointments and departures: corporate management' },
  { id: 18, topic: 'Stock Commentary', category: 'market', why: "opinion on a stock's price, value and chart: market talk" },
  { id: 19, topic: 'Stock Movement', category: 'market', why: 'price moves: market price_move' },
];

/**
 * The classes every topic score is computed over (macro-F1 averages over exactly these): the categories the table
 * maps to. A method that answers another category (e.g. `crypto_specific`) is simply wrong on that row.
 */
export const TOPIC_SCORE_CLASSES = [
  'earnings',
  'macro',
  'corporate',
  'regulatory',
  'market',
  'unknown',
] as const satisfies readonly EventCategory[];
export type TopicScoreClass = (typeof TOPIC_SCORE_CLASSES)[number];

/** Every answer a method can give, for confusion matrices: the scored classes, then the rest. */
export const TOPIC_CONFUSION_CLASSES = [...TOPIC_SCORE_CLASSES, 'crypto_specific'] as const satisfies readonly EventCategory[];

export function topicCategory(id: number): EventCategory | null {
  const m = TOPIC_MAP[id];
  if (!m || m.id !== id) throw new RangeError(`topic ${id} is not one of 0..${TOPIC_MAP.length - 1}`);
  return m.category;
}
