import { createServer, type Server } from 'node:http';
import { redact } from './redact.ts';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metrics every actor exports, labelled by stage and input topic. */
export interface ActorMetrics {
  readonly registry: Registry;
  processed: Counter<'stage' | 'topic'>;
  failed: Counter<'stage' | 'topic' | 'code'>;
  deadLettered: Counter<'stage' | 'topic' | 'code'>;
  retried: Counter<'stage' | 'topic'>;
  handlingSeconds: Histogram<'stage' | 'topic'>;
  consumerLag: Gauge<'stage' | 'topic'>;
}

export function createActorMetrics(registry = new Registry(), withDefaults = false): ActorMetrics {
  if (withDefaults) collectDefaultMetrics({ register: registry });
  const labels = ['stage', 'topic'] as const;
  return {
    registry,
    processed: new Counter({
      name: 'himari_messages_processed_total',
      help: 'Messages handled and acked',
      labelNames: labels,
      registers: [registry],
    }),
    failed: new Counter({
      name: 'himari_messages_failed_total',
      help: 'Handler failures (retried or dead-lettered)',
      labelNames: [...labels, 'code'],
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'himari_messages_dead_lettered_total',
      help: 'Messages sent to the dead-letter subject',
      labelNames: [...labels, 'code'],
      registers: [registry],
    }),
    retried: new Counter({
      name: 'himari_messages_retried_total',
      help: 'Messages nak-ed for redelivery',
      labelNames: labels,
      registers: [registry],
    }),
    handlingSeconds: new Histogram({
      name: 'himari_handling_seconds',
      help: 'Time from delivery to ack',
      labelNames: labels,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'himari_consumer_lag',
      help: 'Messages not yet delivered to the durable',
      labelNames: labels,
      registers: [registry],
    }),
  };
}

/** One readiness check: its name and whether it passes now (a reason when not). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

export interface MetricsServerOptions {
  /** Port 0 picks a free port (tests). */
  port: number;
  /** Bind address; loopback unless the config says otherwise. @default 127.0.0.1 */
  host?: string;
  /** `/readyz` answers 200 only when every check passes; none: ready once serving. */
  readiness?: readonly ReadinessCheck[];
  /** A check slower than this fails. @default 2000 */
  checkTimeoutMs?: number;
}

/**
 * `/metrics` for Prometheus, `/healthz` (liveness: the event loop answers) and `/readyz` (readiness: every check
 * passes, e.g. bus connected, store reachable, model loaded), as JSON `{ready, checks: {name: {ok, detail}}}`.
 */
export async function startMetricsServer(
  registry: Registry,
  portOrOptions: number | MetricsServerOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const o: MetricsServerOptions = typeof portOrOptions === 'number' ? { port: portOrOptions } : portOrOptions;
  const host = o.host ?? '127.0.0.1';
  const checks = o.readiness ?? [];
  const timeoutMs = o.checkTimeoutMs ?? 2000;
  const server: Server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (req.url === '/readyz') {
      void readiness(checks, timeoutMs).then((r) =>
        res.writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(r)}\n`),
      );
      return;
    }
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body))
      .catch((err: Error) => res.writeHead(500).end(err.message));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => resolve());
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : o.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function readiness(
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
): Promise<{ ready: boolean; checks: Record<string, { ok: boolean; detail?: string }> }> {
  const results = await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<{ ok: boolean; detail: string }>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
      });
      try {
        const r = await Promise.race([c.check(), timeout]);
        return [c.name, r] as const;
      } catch (err) {
        return [c.name, { ok: false, detail: redact(err instanceof Error ? err.message : String(err)) }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}
