export { createLogger, silentLogger, type Logger, type LoggerOptions } from './logger.ts';
export { createActorMetrics, startMetricsServer, type ActorMetrics } from './metrics.ts';
