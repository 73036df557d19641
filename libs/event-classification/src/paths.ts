import { fileURLToPath } from 'node:url';

/** The committed topic model: `classifyEvent` decides the category with it. Found from this file, not the cwd. */
export const DEFAULT_EVENT_MODEL_PATH = fileURLToPath(new URL('../../../models/events/topic-logreg.json', import.meta.url));

/** The labelled topic data beside the checkout (training and evaluation only, never at run time). */
export const DEFAULT_TOPIC_TRAIN_PATH = fileURLToPath(
  new URL('../../../../shared/data/twitter_financial_news_topic/train.csv', import.meta.url),
);
