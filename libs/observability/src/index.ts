export { createLogger, silentLogger, type Logger, type LoggerOptions } from './logger.ts';
export {
  createActorMetrics,
  startMetricsServer,
  readiness,
  type ActorMetrics,
  type ReadinessCheck,
  type MetricsServerOptions,
} from './metrics.ts';
export { addSecrets, redact, redactUrl } from './redact.ts';
export { formatLogLine, prettyDestination } from './pretty.ts';
