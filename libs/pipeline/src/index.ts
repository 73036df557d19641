export { type PipelineDeps } from './deps.ts';
export { isStage, ACTORS } from './registry.ts';
export { createTransport, createStore, createScorer, startActors, namesFor, type SelectedScorer, type RunningActors } from './process.ts';
export { serveActor, shutdownSignal, runActorProcess, type ServeOptions, type ProcessHooks } from './serve.ts';
export { runBatch, type RejectLine, type BatchRunOptions, type BatchRunSummary } from './batch-run.ts';
export { readLines, isBlank, peekId, type RawLine } from './lines.ts';
export { routeFor } from './actors/finbert-actor.ts';
export { guardSignal, GuardFlag, type GuardOutcome } from './actors/signal-guards.ts';
export {
  toEntry,
  matchesFilter,
  parseSince,
  parseIds,
  describePayload,
  entryJson,
  showJson,
  formatTable,
  type DeadLetterEntry,
  type DeadLetterFilter,
  type ReplayOptions,
  type ReplayResult,
  DeadLetterError,
  DeadLetterQueue,
} from './dlq.ts';
export { parseRejects, rejectedLines, type RejectFilter, RejectsFileError } from './rejects-replay.ts';
