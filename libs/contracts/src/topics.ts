import type { z } from 'zod';
import { ClassifiedNews, DraftSignal, NewsItem, Outcome, ScoredNews, TradingSignal } from './messages.ts';
import { Topic } from './names.ts';

/**
 * The schema of every topic that carries a typed message. `news.raw` carries an external producer's bytes
 * (JSON or msgpack), validated by the ingestor rather than by a schema here.
 */
export const TOPIC_SCHEMAS = {
  [Topic.newsAccepted]: NewsItem,
  [Topic.newsClassified]: ClassifiedNews,
  [Topic.newsScoredOpt]: ScoredNews,
  [Topic.newsScoredCot]: ScoredNews,
  [Topic.signalDrafted]: DraftSignal,
  [Topic.signalCalibrated]: TradingSignal,
  [Topic.signalStored]: TradingSignal,
  [Topic.outcome]: Outcome,
} as const satisfies Record<Exclude<Topic, 'news.raw'>, z.ZodType>;

export type TypedTopic = keyof typeof TOPIC_SCHEMAS;
export type TopicMessage<T extends TypedTopic> = z.infer<(typeof TOPIC_SCHEMAS)[T]>;
