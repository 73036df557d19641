// Offline: retrieval quality on held-out public data (rankers, tasks) and the index benchmarks (CLI and benches).
export {
  bowRanker,
  tfidfRanker,
  denseRanker,
  evaluateRetrieval,
  evaluateIndexes,
  type Ranker,
  type TopicScores,
  type DuplicateScores,
  type RetrievalEvalReport,
  type EvalRetrievalOptions,
  type IndexEvalOptions,
  type IndexEvalReport,
} from './eval.ts';
export { topicTask, duplicateTask, DUPLICATE_RULE, type TopicTask, type DuplicateTask } from './eval-data.ts';
export {
  defaultParams,
  buildForBench,
  measureSearch,
  tuneSearch,
  summarize,
  exactTopK,
  type IndexMeasurement,
  type SweepRow,
  type BuildOptions,
  type BuiltIndex,
  type SearchMeasurement,
  type MeasureSearchOptions,
} from './index-bench.ts';
