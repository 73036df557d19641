// Offline: train, evaluate and tune the sentiment model (the CLI, benches and tools import this; actors never do).
export { DatasetFormatError, EvalOverlapError } from './errors.ts';
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
export {
  trainSentiment,
  DEFAULT_FEATURES,
  DEFAULT_HYPER,
  DEFAULT_SEED,
  DEFAULT_VALID_FRACTION,
  SENTIMENT_DEFAULTS,
  type SentimentTrainOptions,
  type SentimentTrainReport,
  type TrainHyper,
} from './train.ts';
export { evalSentiment, evalMarkdown, type SentimentEvalOptions, type SentimentEvalReport } from './eval.ts';
export { tuneSentiment, crossValidate, DEFAULT_GRID, type SentimentTuneOptions } from './tune.ts';
export { vaderBaseline, loughranMcDonaldBaseline, majorityBaseline, type Baseline } from './baselines.ts';
export { LOCAL_MODEL_DIR, SENTIMENT_DATA } from './paths.ts';
