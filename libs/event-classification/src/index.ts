export { classifyEvent, confidence, CLASSIFIER_VERSION } from './classifier.ts';
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
export {
  classifyEventDesignKeywords,
  DESIGN_KEYWORDS,
  DESIGN_BASELINE_VERSION,
  type DesignBaselineResult,
} from './design-baseline.ts';
export { tokenize, type Token } from './text.ts';
