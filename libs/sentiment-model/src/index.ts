export { LABELS, type Label } from './labels.ts';
export { SentimentModelError, DatasetFormatError, EvalOverlapError } from './errors.ts';
export {
  DATA_FORMATS,
  type DataFormat,
  type DataFormatOption,
  type LabelledRow,
  type LabelledData,
  detectFormat,
  parseLabelledCsv,
  readLabelledCsv,
  filterAgreement,
} from './csv.ts';
export { tokenize, analyze, normalizeText, isNegator, NEG_PREFIX, type Token, type Analysis, type AnalyzerOptions } from './tokenize.ts';
export { type FeatureConfig } from './features.ts';
export { fingerprintText, canonicalText } from './fingerprint.ts';
export { splitRows, kFoldAssignment, mulberry32, type SplitOptions } from './split.ts';
export { computeMetrics, confusionMatrix, metricsFromConfusion, type Metrics, type ClassMetrics } from './metrics.ts';
export {
  TrainedSentimentModel,
  loadSentimentModel,
  parseSentimentModel,
  SCORER_KIND,
  MODEL_FORMAT,
  type TrainingInfo,
} from './model.ts';
export {
  trainSentiment,
  DEFAULT_FEATURES,
  DEFAULT_HYPER,
  DEFAULT_SEED,
  DEFAULT_VALID_FRACTION,
  type TrainOptions,
  type TrainReport,
  type TrainHyper,
} from './train.ts';
export { evalSentiment, evalMarkdown, countOverlap, EVAL_SUBSETS, type EvalOptions, type EvalReport, type EvalSubset, type ScoreSummary } from './eval.ts';
export { tuneSentiment, crossValidate, DEFAULT_GRID, type Candidate, type CvResult, type TuneOptions } from './tune.ts';
export { vaderBaseline, loughranMcDonaldBaseline, majorityBaseline, type Baseline } from './baselines.ts';
export { DEFAULT_MODEL_PATH, DEFAULT_LM_DIR } from './paths.ts';
