import { loadConfig, secretsOf, type Config } from '@himari/config';
import { storeKeys, type Stage } from '@himari/contracts';
import { createLogger, redact, redactUrl, startMetricsServer, type Logger } from '@himari/observability';
import { acquireLease, LeaseCancelledError, SINGLE_WRITER_STAGES, type Lease } from './lease.ts';
import { createRedisClient, createStore, createTransport, readinessChecks } from './connections.ts';
import { createScorer, namesFor, startActors } from './process.ts';

export interface ServeOptions {
  config: Config;
  log: Logger;
  /** Resolves when the process should drain (the app wires SIGTERM/SIGINT to it). */
  shutdown: Promise<string>;
  /** Allow serving on the in-memory bus (no `nats.url`): one actor alone, reached by nothing. @default false */
  embedded?: boolean;
}

export const NO_NATS_REASON =
  'no NATS url (--nats URL or HIMARI_NATS_URL): alone on an in-memory bus this actor would reach no other; --embedded to run it so anyway';

/** A start that would split the system: refused with one line, no stack. */
export class NoNatsUrlError extends Error {
  override readonly name = 'NoNatsUrlError';
  constructor() {
    super(NO_NATS_REASON);
  }
}

/**
 * One actor as its own process (distributed mode): what the Nx `serve` targets, the containers and
 * `himari serve ACTOR` run. Resolves after a graceful drain.
 */
export async function serveActor(stage: Stage, opts: ServeOptions): Promise<void> {
  const { config, log } = opts;
  const names = namesFor(config);
  if (config.nats.url === null) {
    if (!opts.embedded) throw new NoNatsUrlError();
    log.warn('serve --embedded: one actor on an in-memory bus; nothing else can reach it');
  }
  // The stateful actors run one replica at a time (lease.ts); the others wait here, before consuming anything.
  let lease: Lease | undefined;
  const leaseClient = SINGLE_WRITER_STAGES.includes(stage) && config.redis.url !== null ? createRedisClient(config) : undefined;
  if (leaseClient) {
    try {
      lease = await acquireLease({
        client: leaseClient,
        key: storeKeys(config.redis.key_prefix, names.prefix).lease(stage),
        ttlMs: config.actors.lease_ttl_ms,
        log,
        cancel: opts.shutdown,
      });
    } catch (err) {
      leaseClient.disconnect();
      if (err instanceof LeaseCancelledError) {
        log.info('stopped on standby');
        return;
      }
      throw err;
    }
  }
  const transport = await createTransport(config, names, `himari-${stage}`);
  const store = createStore(config, names, log);
  try {
    // A wrong password or an unreachable store is a failed start (non-zero exit), not an actor that never works.
    await store.ready();
  } catch (err) {
    await store.close();
    await transport.close();
    throw err;
  }
  const scorer = await createScorer(config, log, [stage]);
  const running = await startActors([stage], { config, names, store, scorer, log, clock: Date.now, transport }, transport);
  const metricsPort = config.observability.metrics_port;
  const metrics =
    metricsPort > 0
      ? await startMetricsServer(running.runners[0]!.metrics.registry, {
          port: metricsPort,
          host: config.health.host,
          readiness: readinessChecks(transport, store, config, () => running.runners.every((r) => r.status === 'running')),
          checkTimeoutMs: config.health.store_timeout_ms + 500,
        })
      : undefined;
  if (metrics) log.info({ host: config.health.host, port: metrics.port }, 'metrics on /metrics, liveness /healthz, readiness /readyz');
  log.info({ stage, nats: redactUrl(config.nats.url), redis: redactUrl(config.redis.url), prefix: names.prefix }, 'serving');

  let lostLease: Error | undefined;
  const signal = await Promise.race([
    opts.shutdown,
    ...(lease
      ? [
          lease.lost.then((err) => {
            lostLease = err;
            log.error({ err: err.message }, 'single-writer lease lost: stopping, another replica may be running');
            return 'lease lost';
          }),
        ]
      : []),
  ]);
  log.info({ signal }, 'draining');
  await running.stop();
  await scorer.close();
  await metrics?.close();
  await store.close();
  await transport.close();
  await lease?.release();
  leaseClient?.disconnect();
  log.info('stopped');
  if (lostLease) throw new Error(`${stage} stopped: its single-writer lease was lost`, { cause: lostLease });
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
 * restarts the container. `HIMARI_EMBEDDED=1` is the apps' `--embedded`.
 */
export async function runActorProcess(stage: Stage, env: Readonly<Record<string, string | undefined>>, proc: ProcessHooks): Promise<void> {
  try {
    const config = loadConfig({ file: env['HIMARI_CONFIG'], env });
    const log = createLogger({ name: stage, level: config.observability.log_level, secrets: secretsOf(config) });
    await serveActor(stage, { config, log, shutdown: shutdownSignal(proc), embedded: env['HIMARI_EMBEDDED'] === '1' });
  } catch (err) {
    if (err instanceof NoNatsUrlError) {
      proc.stderr.write(`${stage}: ${err.message}\n`);
      proc.exitCode = 2;
      return;
    }
    proc.stderr.write(`${stage}: ${redact((err as Error).stack ?? String(err))}\n`);
    proc.exitCode = 1;
  }
}
