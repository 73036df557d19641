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
export { classifyEventDesignKeywords, DESIGN_KEYWORDS, DESIGN_BASELINE_VERSION, type DesignBaselineResult } from './design-baseline.ts';
export { tokenize, type Token } from './text.ts';
export { TopicDataError, EventModelError, EventEvalOverlapError } from './errors.ts';
export {
  TOPIC_MAP,
  TOPIC_SCORE_CLASSES,
  TOPIC_CONFUSION_CLASSES,
  topicCategory,
  type TopicMapping,
  type TopicScoreClass,
} from './topics.ts';
export { parseTopicCsv, readTopicCsv, type TopicRow, type TopicData } from './topic-data.ts';
export { topicMetrics, type TopicMetrics } from './topic-metrics.ts';
export {
  EventTopicModel,
  loadEventModel,
  parseEventModel,
  EVENT_MODEL_FORMAT,
  type CategoryPrediction,
  type EventTrainingInfo,
} from './model.ts';
export {
  trainEventModel,
  fitEventModel,
  categoryRows,
  carveSplit,
  DEFAULT_EVENT_FEATURES,
  DEFAULT_EVENT_HYPER,
  DEFAULT_EVENT_SEED,
  DEFAULT_EVENT_VALID_FRACTION,
  DEFAULT_EVENT_MODEL_NAME,
  type EventTrainOptions,
  type EventTrainReport,
  type EventTrainHyper,
  type CategoryRow,
} from './train.ts';
export {
  tuneEventModel,
  crossValidateEvents,
  DEFAULT_EVENT_GRID,
  type EventCandidate,
  type EventCvResult,
  type EventTuneOptions,
} from './tune.ts';
export {
  evalEvents,
  evalEventsMarkdown,
  EVENT_EVAL_SUBSETS,
  type EventEvalOptions,
  type EventEvalReport,
  type EventEvalSubset,
} from './eval.ts';
export { DEFAULT_EVENT_MODEL_PATH, DEFAULT_TOPIC_TRAIN_PATH } from './paths.ts';
