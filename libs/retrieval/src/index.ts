// Runtime: J3's service (store, index, search, novelty, grounding), its bus client, and the pieces the CLI's
// `rag` commands use. Retrieval evaluation, its data and the index benchmarks are offline: `@himari/retrieval/offline`.
export {
  RetrievalService,
  RetrievalError,
  RetrievalLockedError,
  type IngestItem,
  type IngestResult,
  type ScoredDoc,
  type SearchOptions,
  type RetrievalServiceOptions,
  type ServiceStats,
} from './service.ts';
export { requestNovelty, withNovelty, ragSearch, ragGround, NoveltyFlag, type NoveltyAnswer } from './client.ts';
export { sameStory, noveltyFromCandidates, DEFAULT_DUPLICATE_JACCARD, type StoryRule } from './novelty.ts';
export { createRagMetrics, type RagMetrics } from './metrics.ts';
export { DocStore, type StoredDoc, type NewDoc } from './store.ts';
export {
  FaissVectorIndex,
  HnswlibVectorIndex,
  JsFlatIndex,
  IndexBuildError,
  createIndex,
  loadIndex,
  effectiveKind,
  type IndexKind,
  type IndexParams,
  type SearchHits,
  type VectorIndex,
} from './vector-index.ts';
export { IndexManager, paramsFrom, type IndexManagerOptions, type IndexStats } from './index-manager.ts';
export { probeFaiss, type BackendName } from './backend.ts';
export { ingestLines, type IngestFileSummary, type IngestFileOptions } from './ingest-file.ts';
