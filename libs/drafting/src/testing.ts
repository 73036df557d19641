/** Builders for ScoredNews inputs, shared with the actors' tests. */
import { ScoredNews, type EventInfo, type NewsItem, type SentimentScore } from '@himari/contracts';

export interface ScoredNewsOverrides {
  news?: Partial<NewsItem>;
  event?: Partial<EventInfo>;
  sentiment?: Partial<SentimentScore>;
  route?: ScoredNews['route'];
  scored_at?: number;
}

/** A valid ScoredNews (an earnings beat for AAPL) with any part replaced; validated, so a bad override fails here. */
export function makeScoredNews(o: ScoredNewsOverrides = {}): ScoredNews {
  const news: NewsItem = {
    v: 1,
    id: 'n-1',
    text: 'Apple beats Q3 estimates on record services revenue',
    asset: 'AAPL',
    source: 'test-feed',
    kind: 'news',
    published_at: '2025-01-02T15:00:00.000Z',
    received_at: 1_735_830_000_000,
    truncated: false,
    original_chars: 52,
    flags: [],
    ...o.news,
  };
  const event: EventInfo = {
    category: 'earnings',
    subcategory: 'beat',
    impact: 'high',
    urgency: 'short_term',
    half_life_s: 24 * 3600,
    category_confidence: 0.9,
    entities: ['Apple', 'AAPL'],
    matched: ['beats', 'estimates'],
    classifier: 'rules@1',
    ...o.event,
  };
  const sentiment: SentimentScore = {
    label: 'positive',
    probabilities: { positive: 0.7, negative: 0.05, neutral: 0.25 },
    compound: 0.42,
    scorer: 'lexicon',
    model: 'vader-finance',
    model_version: '1',
    ...o.sentiment,
  };
  return ScoredNews.parse({ v: 1, news, event, sentiment, route: o.route ?? 'opt', scored_at: o.scored_at ?? news.received_at + 5 });
}
