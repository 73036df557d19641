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
export { fingerprintText, canonicalText, packFingerprints, unpackFingerprints } from './fingerprint.ts';
export { splitRows, kFoldAssignment, mulberry32, type SplitOptions } from './split.ts';
export {
  computeMetrics,
  computeMetricsOf,
  confusionMatrix,
  confusionMatrixOf,
  metricsFromConfusion,
  metricsFromConfusionOf,
  type Metrics,
  type ClassMetrics,
} from './metrics.ts';
// The generic pieces (any number of classes), for other classifiers trained the same way (e.g. J7's topic model).
export {
  trainSoftmax,
  trainNbOvr,
  predictProba as predictSoftmaxProba,
  softmaxInPlace,
  type SoftmaxWeights,
  type SoftmaxTrainOptions,
  type SoftmaxTrainResult,
} from './logreg.ts';
export {
  buildVocabulary,
  vectorize,
  toCsr,
  codeUnitOrder,
  Vocabulary,
  type SparseVector,
  type CsrMatrix,
  type VocabularyLists,
} from './features.ts';
export {
  quantizeInt16,
  dequantizeInt16,
  encodeFloat32,
  decodeFloat32,
  balancedClassWeights,
  fitTextClassifier,
  fitRecord,
  classifierTables,
  decodeClassifier,
  featureConfigSchema,
  parseModelJson,
  readModelBytes,
  writeTextFile,
  FIT_RECORD_SHAPE,
  TABLES_SHAPE,
  type ClassifierHyper,
  type ClassifierMethod,
  type FitRecordKey,
  CLASSIFIER_METHODS,
  DEFAULT_NB_INTERPOLATION,
  type ClassifierFit,
  type ClassifierTables,
} from './classifier.ts';
export { sha256Hex } from './csv.ts';
export { TrainedSentimentModel, loadSentimentModel, parseSentimentModel, SCORER_KIND, MODEL_FORMAT, type TrainingInfo } from './model.ts';
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
export {
  evalSentiment,
  evalMarkdown,
  countOverlap,
  EVAL_SUBSETS,
  type EvalOptions,
  type EvalReport,
  type EvalSubset,
  type ScoreSummary,
} from './eval.ts';
export { tuneSentiment, crossValidate, DEFAULT_GRID, type Candidate, type CvResult, type TuneOptions } from './tune.ts';
export { vaderBaseline, loughranMcDonaldBaseline, majorityBaseline, type Baseline } from './baselines.ts';
export { DEFAULT_MODEL_PATH, DEFAULT_LM_DIR, DEFAULT_TFNS_TRAIN_PATH, LOCAL_MODEL_DIR } from './paths.ts';
