export { type PipelineDeps } from './deps.ts';
export { isStage, ACTORS } from './registry.ts';
export { createScorer, startActors, namesFor, type SelectedScorer, type RunningActors } from './process.ts';
export {
  serveActor,
  shutdownSignal,
  runActorProcess,
  NO_NATS_REASON,
  NoNatsUrlError,
  type ServeOptions,
  type ProcessHooks,
} from './serve.ts';
export { acquireLease, LeaseCancelledError, SINGLE_WRITER_STAGES, type Lease, type LeaseOptions } from './lease.ts';
export { runBatch, type RejectLine, type BatchRunOptions, type BatchRunSummary } from './batch-run.ts';
export { readLines, isBlank, peekId, type RawLine } from './lines.ts';
export { routeFor } from './actors/finbert-actor.ts';
export {
  StoreConnectError,
  createTransport,
  createStore,
  createRedisClient,
  createSentinelClient,
  readinessChecks,
  type OpenedStore,
} from './connections.ts';
export {
  ACTOR_RIGHTS,
  CLIENT_ROLES,
  REDIS_ROLES,
  actorPermissions,
  clientPermissions,
  deploymentUsers,
  renderNatsServerConfig,
  redisAclRules,
  renderRedisAcl,
  type ActorRights,
  type NatsPermissions,
  type ClientRole,
  type NatsUser,
  type RedisRole,
} from './permissions.ts';
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
