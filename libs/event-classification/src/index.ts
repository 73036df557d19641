// Runtime: J7's classifier (topic model + phrase rules), entities, taxonomy. Training, evaluation and tuning are
// offline work behind `@himari/event-classification/offline`.
export {
  classifyEvent,
  createEventClassifier,
  defaultEventClassifier,
  CLASSIFIER_VERSION,
  CRYPTO_RULE_MIN,
  type EventClassifier,
} from './event-classifier.ts';
export { classifyEventRules, confidence, RULES_VERSION } from './classifier.ts';
export { extractEntities } from './entities.ts';
export { ENTITY_DICTIONARY, TICKER_STOP_WORDS, type EntityEntry } from './entity-dictionary.ts';
export {
  CATEGORY_RULES,
  CATEGORY_ORDER,
  SUBCATEGORY_DEFAULTS,
  HALF_LIFE_S,
  URGENCY_CUES,
  HIGH_IMPACT_CUES,
  MIN_CATEGORY_SCORE,
  BIG_MOVE_PCT,
  GENERAL_SUBCATEGORY,
  UNKNOWN_SUBCATEGORY,
  type KnownCategory,
  type Rule,
  type RuleTags,
} from './taxonomy.ts';
export { tokenize, type Token } from './text.ts';
export { EventModelError } from './errors.ts';
export {
  TOPIC_MAP,
  TOPIC_SCORE_CLASSES,
  TOPIC_CONFUSION_CLASSES,
  topicCategory,
  type TopicMapping,
  type TopicScoreClass,
} from './topics.ts';
export {
  EventTopicModel,
  loadEventModel,
  parseEventModel,
  EVENT_MODEL_FORMAT,
  DEFAULT_EVENT_MODEL_NAME,
  type CategoryPrediction,
  type EventTrainingInfo,
} from './model.ts';
export { DEFAULT_EVENT_MODEL_PATH } from './paths.ts';
