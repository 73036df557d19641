import { fileURLToPath } from 'node:url';

/** The committed topic model: `classifyEvent` decides the category with it. Ships with the code, found from this file. */
export const DEFAULT_EVENT_MODEL_PATH = fileURLToPath(new URL('../../../models/events/topic-logreg.json', import.meta.url));

/** Inside the shared data folder (config `data.shared_dir`; training and evaluation only, never at run time). */
export const EVENT_DATA = {
  topicTrain: 'twitter_financial_news_topic/train.csv',
} as const;
