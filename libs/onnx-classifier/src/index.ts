export { loadOnnxClassifier, OnnxClassifier, ONNX_SCORER_KIND, type OnnxClassifierInfo, type LoadOptions } from './classifier.ts';
export { createOnnxScorer, type OnnxSentimentScorer, type OnnxScorerOptions } from './scorer.ts';
export { loadOnnxScorer } from './load-scorer.ts';
export { MicroBatcher, type MicroBatcherOptions } from './batcher.ts';
export { splitSentences } from './sentences.ts';
export {
  aggregate,
  argmaxLabel,
  compoundOf,
  AGGREGATIONS,
  COMPOUND_FORMULAS,
  type Aggregation,
  type CompoundFormula,
  type Probabilities,
  type SentenceProbs,
} from './aggregate.ts';
export { mapId2Label, SENTIMENT_LABELS, type SentimentLabel, type LabelIndex } from './labels.ts';
export { PROBES, judgeProbes, spreadOf, type Probe, type SelfCheckReport, type SelfCheckOptions } from './self-check.ts';
export { resolveSource, describeSource, missingFiles, requiredFiles, modelFileName, type ModelSource } from './source.ts';
export type { OnnxClassifierOptions } from './options.ts';
export {
  OnnxClassifierError,
  OnnxModelNotFoundError,
  OnnxConfigError,
  OnnxLabelError,
  OnnxModelMismatchError,
  OnnxDegenerateModelError,
  OnnxEmbeddingUnavailableError,
  OnnxInferenceError,
  OnnxScorerClosedError,
} from './errors.ts';
