// Offline: train, evaluate and tune J7's topic model (the CLI, benches and tools import this; actors never do).
export { TopicDataError, EventEvalOverlapError } from './errors.ts';
export { classifyEventDesignKeywords, DESIGN_KEYWORDS, DESIGN_BASELINE_VERSION, type DesignBaselineResult } from './design-baseline.ts';
export { parseTopicCsv, readTopicCsv, type TopicRow, type TopicData } from './topic-data.ts';
export { topicMetrics, type TopicMetrics } from './topic-metrics.ts';
export {
  trainEventModel,
  fitEventModel,
  categoryRows,
  carveSplit,
  DEFAULT_EVENT_FEATURES,
  DEFAULT_EVENT_HYPER,
  DEFAULT_EVENT_SEED,
  DEFAULT_EVENT_VALID_FRACTION,
  EVENT_DEFAULTS,
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
export { evalEvents, evalEventsMarkdown, type EventEvalOptions, type EventEvalReport } from './eval.ts';
export { EVENT_DATA } from './paths.ts';
