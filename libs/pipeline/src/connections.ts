/**
 * Opening the bus and the store from the config: credentials and TLS applied, a connect timeout on both, errors of
 * the Redis client routed through the logger (redacted), and the health checks `/readyz` asks.
 */
import { natsSecurity, redisOptions, type Config } from '@himari/config';
import { connectNatsTransport, createMemoryTransport, type NatsTransport, type Transport } from '@himari/bus';
import { storeKeys, type BusNames } from '@himari/contracts';
import { redact, redactUrl, silentLogger, type Logger, type ReadinessCheck } from '@himari/observability';
import { createMemorySignalStore, createRedisSignalStore, storeOptionsFromConfig, type SignalStore } from '@himari/signal-store';
import { Redis } from 'ioredis';

/** The store could not be reached at start (refused, timed out, wrong password): a failed start, exit code 1. */
export class StoreConnectError extends Error {
  override readonly name = 'StoreConnectError';
  readonly retryable = false;
  readonly exitCode = 1;
}

/** A store plus what health checks and a fail-fast start need. */
export interface OpenedStore extends SignalStore {
  /** Resolves when the store answers a PING within `timeoutMs`; rejects with the reason otherwise. */
  ping(timeoutMs: number): Promise<void>;
  /** Waits for the first connection; StoreConnectError after `health.connect_timeout_ms`, naming the last error. */
  ready(): Promise<void>;
}

export async function createTransport(config: Config, names: BusNames, clientName: string): Promise<Transport> {
  if (config.nats.url === null) return createMemoryTransport({ duplicateWindowMs: config.nats.duplicate_window_ms });
  return connectNatsTransport({
    url: config.nats.url,
    servers: config.nats.servers,
    streamReplicas: config.nats.stream_replicas,
    names,
    duplicateWindowMs: config.nats.duplicate_window_ms,
    maxAgeMs: config.nats.max_age_ms,
    name: clientName,
    security: natsSecurity(config),
  });
}

export function createStore(config: Config, names: BusNames, log: Logger = silentLogger()): OpenedStore {
  const opts = { ...storeOptionsFromConfig(config), keys: storeKeys(config.redis.key_prefix, names.prefix) };
  if (config.redis.url === null) {
    const store = createMemorySignalStore(opts);
    return { ...store, ping: async () => {}, ready: async () => {} };
  }
  const where = redactUrl(config.redis.url);
  const client =
    config.redis.sentinel.name !== null
      ? createSentinelClient(config)
      : new Redis({
          ...redisOptions(config),
          // A restart of Redis is normal: keep reconnecting, at most a second apart.
          retryStrategy: (times) => Math.min(50 * times, 1000),
          maxRetriesPerRequest: 3,
        });
  let lastError: Error | undefined;
  let lastLogged = 0;
  // Without a listener ioredis prints "Unhandled error event" itself, unredacted; one line a few seconds is enough.
  client.on('error', (err: Error) => {
    lastError = err;
    const now = Date.now();
    if (now - lastLogged < 5_000) return;
    lastLogged = now;
    log.warn({ redis: where, err: redact(err.message) }, 'redis connection error');
  });
  const store = createRedisSignalStore(client, opts);
  return {
    ...store,
    async ping(timeoutMs) {
      if (client.status !== 'ready') throw new Error(`redis ${client.status}${lastError ? `: ${redact(lastError.message)}` : ''}`);
      await withTimeout(client.ping(), timeoutMs, `redis ping took over ${timeoutMs} ms`);
    },
    async ready() {
      const timeoutMs = config.health.connect_timeout_ms;
      if (client.status === 'ready') return;
      await new Promise<void>((resolve, reject) => {
        const fail = (why: string): void => {
          cleanup();
          reject(new StoreConnectError(`cannot connect to Redis at ${where}: ${why}`));
        };
        const onReady = (): void => {
          cleanup();
          resolve();
        };
        // Refused, unknown host or bad credentials do not end the retry loop by themselves: at start they are final.
        const onError = (err: Error): void => {
          if (/WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/i.test(err.message))
            fail(redact(err.message));
        };
        const timer = setTimeout(() => fail(lastError ? redact(lastError.message) : `no connection within ${timeoutMs} ms`), timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          client.off('ready', onReady);
          client.off('error', onError);
        };
        client.on('ready', onReady);
        client.on('error', onError);
      });
    },
    async close() {
      await store.close();
      if (client.status === 'ready') {
        await withTimeout(client.quit(), 1_000, 'quit').catch(() => client.disconnect());
      } else {
        // quit() on a client that never connected waits in the offline queue forever.
        client.disconnect();
      }
    },
  };
}

/** A Redis client of this process's own (the lease), for a plain server or through Sentinel. */
export function createRedisClient(config: Config): Redis {
  if (config.redis.url === null) throw new Error('no redis.url: an in-memory store has no client');
  if (config.redis.sentinel.name !== null) return createSentinelClient(config);
  return new Redis(redisOptions(config));
}

/**
 * A Redis client that asks the sentinels for the current master, and asks again whenever the connection drops (a
 * failover). Commands issued meanwhile wait in ioredis's offline queue; a write that reaches a demoted master gets
 * READONLY, which reconnects too, so the actors' retries land on the new master.
 */
export function createSentinelClient(config: Config): Redis {
  const sentinels = config.redis.sentinel.sentinels.map((hp) => {
    const i = hp.lastIndexOf(':');
    return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
  });
  return new Redis({
    ...redisOptions(config),
    name: config.redis.sentinel.name!,
    sentinels,
    // Ask the sentinels again at once instead of after ioredis's default back-off; retries are the actors' job.
    sentinelRetryStrategy: (times) => Math.min(100 * times, 1000),
    retryStrategy: (times) => Math.min(50 * times, 500),
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
  });
}

/** `/readyz` of an actor process: bus connected, store answering, model loaded (the scorer made it through start). */
export function readinessChecks(transport: Transport, store: OpenedStore, config: Config, model: () => boolean): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    {
      name: 'bus',
      check: async () => {
        if (transport.kind === 'memory') return { ok: true, detail: 'memory' };
        return (transport as NatsTransport).connected();
      },
    },
    {
      name: 'store',
      check: async () => {
        await store.ping(config.health.store_timeout_ms);
        return { ok: true, detail: store.kind };
      },
    },
    { name: 'model', check: async () => (model() ? { ok: true } : { ok: false, detail: 'not loaded' }) },
  ];
  return checks;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(what)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
