import type { Config } from '@himari/config';
import { busNames, storeKeys, type BusNames, type Stage } from '@himari/contracts';
import { connectNatsTransport, createMemoryTransport, type Transport } from '@himari/bus';
import { ActorRunner } from '@himari/actor-runtime';
import { createActorMetrics, type Logger } from '@himari/observability';
import { createLexiconScorer, type SentimentScorer } from '@himari/sentiment';
import { createMemorySignalStore, createRedisSignalStore, storeOptionsFromConfig, type SignalStore } from '@himari/signal-store';
import type { PipelineDeps } from './deps.ts';
import { ACTORS } from './registry.ts';

export async function createTransport(config: Config, names: BusNames, clientName: string): Promise<Transport> {
  if (config.nats.url === null) return createMemoryTransport({ duplicateWindowMs: config.nats.duplicate_window_ms });
  return connectNatsTransport({
    url: config.nats.url,
    names,
    duplicateWindowMs: config.nats.duplicate_window_ms,
    maxAgeMs: config.nats.max_age_ms,
    name: clientName,
  });
}

export function createStore(config: Config, names: BusNames): SignalStore {
  const opts = { ...storeOptionsFromConfig(config), keys: storeKeys(config.redis.key_prefix, names.prefix) };
  return config.redis.url === null ? createMemorySignalStore(opts) : createRedisSignalStore(config.redis.url, opts);
}

/** The J5 scorer the config asks for. Today the lexicon; the ONNX and trained models arrive with their issue. */
export function createScorer(config: Config, log: Logger): SentimentScorer {
  switch (config.sentiment.backend) {
    case 'lexicon': {
      const scorer = createLexiconScorer();
      log.info({ model: scorer.name, version: scorer.version }, 'J5 sentiment scorer: lexicon');
      return scorer;
    }
  }
}

export interface RunningActors {
  runners: ActorRunner[];
  stop(): Promise<void>;
}

/** Starts the given actors on one transport, sharing one metrics registry. */
export async function startActors(stages: readonly Stage[], deps: PipelineDeps, transport: Transport): Promise<RunningActors> {
  const metrics = createActorMetrics();
  const runners: ActorRunner[] = [];
  const c = deps.config.actors;
  for (const stage of stages) {
    const runner = new ActorRunner(
      transport,
      ACTORS[stage](deps),
      {
        names: deps.names,
        retry: { maxDeliver: c.retry.max_deliver, backoffMs: c.retry.backoff_ms, ackWaitMs: c.retry.ack_wait_ms },
        concurrency: c.concurrency,
        drainTimeoutMs: c.drain_timeout_ms,
        log: deps.log.child({ stage }),
        clock: deps.clock,
      },
      metrics,
    );
    await runner.start();
    runners.push(runner);
  }
  return {
    runners,
    // Upstream first, so that downstream actors can still take what upstream finishes while draining.
    async stop() {
      for (const r of runners) await r.stop();
    },
  };
}

export function namesFor(config: Config): BusNames {
  return busNames(config.nats.prefix);
}
