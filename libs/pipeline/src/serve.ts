import { loadConfig, type Config } from '@himari/config';
import type { Stage } from '@himari/contracts';
import { createLogger, startMetricsServer, type Logger } from '@himari/observability';
import { createScorer, createStore, createTransport, namesFor, startActors } from './process.ts';

export interface ServeOptions {
  config: Config;
  log: Logger;
  /** Resolves when the process should drain (the app wires SIGTERM/SIGINT to it). */
  shutdown: Promise<string>;
}

/**
 * One actor as its own process (distributed mode): what the Nx `serve` targets, the containers and
 * `himari serve ACTOR` run. Resolves after a graceful drain.
 */
export async function serveActor(stage: Stage, opts: ServeOptions): Promise<void> {
  const { config, log } = opts;
  const names = namesFor(config);
  if (config.nats.url === null) log.warn('serve without a NATS url runs one actor on an in-memory bus: nothing else can reach it');
  const transport = await createTransport(config, names, `himari-${stage}`);
  const store = createStore(config, names);
  const scorer = await createScorer(config, log, [stage]);
  const running = await startActors([stage], { config, names, store, scorer, log, clock: Date.now, transport }, transport);
  const metricsPort = config.observability.metrics_port;
  const metrics = metricsPort > 0 ? await startMetricsServer(running.runners[0]!.metrics.registry, metricsPort) : undefined;
  if (metrics) log.info({ port: metrics.port }, 'metrics on /metrics');
  log.info({ stage, nats: config.nats.url ?? 'memory', redis: config.redis.url ?? 'memory', prefix: names.prefix }, 'serving');

  const signal = await opts.shutdown;
  log.info({ signal }, 'draining');
  await running.stop();
  await scorer.close();
  await metrics?.close();
  await store.close();
  await transport.close();
  log.info('stopped');
}

/** The parts of the process a library may use: signals, exit and stderr. Not `env`: the app reads that and passes it. */
export type ProcessHooks = Pick<NodeJS.Process, 'on' | 'exit' | 'stderr' | 'exitCode'>;

/** SIGTERM/SIGINT → drain; a second signal exits at once. */
export function shutdownSignal(proc: Pick<NodeJS.Process, 'on' | 'exit'>): Promise<string> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (sig: string): void => {
      if (seen) proc.exit(130);
      seen = true;
      resolve(sig);
    };
    proc.on('SIGTERM', () => on('SIGTERM'));
    proc.on('SIGINT', () => on('SIGINT'));
  });
}

/**
 * Entry point of an actor app: configures from the environment the app read (`HIMARI_CONFIG` names a file, the other
 * `HIMARI_*` keys override it), then serves until SIGTERM. Exits non-zero on a startup failure so that an orchestrator
 * restarts the container.
 */
export async function runActorProcess(stage: Stage, env: Readonly<Record<string, string | undefined>>, proc: ProcessHooks): Promise<void> {
  try {
    const config = loadConfig({ file: env['HIMARI_CONFIG'], env });
    const log = createLogger({ name: stage, level: config.observability.log_level });
    await serveActor(stage, { config, log, shutdown: shutdownSignal(proc) });
  } catch (err) {
    proc.stderr.write(`${stage}: ${(err as Error).stack ?? String(err)}\n`);
    proc.exitCode = 1;
  }
}
