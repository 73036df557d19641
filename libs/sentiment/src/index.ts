export type { SentimentScorer, AsyncSentimentScorer } from './types.ts';
export { toAsync } from './types.ts';
export {
  createLexiconScorer,
  DEFAULT_LABEL_THRESHOLD,
  labelProbabilities,
  LEXICON_MODEL,
  LexiconOptionsError,
  type LexiconScorer,
  type LexiconScorerOptions,
  type LexiconAnalysis,
  type FinanceHit,
} from './lexicon-scorer.ts';
export {
  FINANCE_LEXICON,
  FINANCE_LEXICON_VERSION,
  FINANCE_NEGATORS,
  FINANCE_INTENSIFIERS,
  SIGNED_PERCENT_VALENCE,
  MOVE_BEFORE_NUMBER,
  RATINGS,
  RATING_VERBS,
  ratingPhrases,
  type LexiconEntry,
} from './finance-lexicon.ts';
export { vaderPolarityScores, VaderLoadError, type VaderScores } from './vader.ts';
export { DuplicatePhraseError } from './phrases.ts';
