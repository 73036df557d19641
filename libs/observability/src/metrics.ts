import { createServer, type Server } from 'node:http';
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

/** `/metrics` for Prometheus; port 0 picks a free port (tests). */
export async function startMetricsServer(
  registry: Registry,
  port: number,
  host = '0.0.0.0',
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics' && req.url !== '/healthz') {
      res.writeHead(404).end();
      return;
    }
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    registry
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body))
      .catch((err: Error) => res.writeHead(500).end(err.message));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
