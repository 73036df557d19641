import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createFeatureInjector, createNearCache, type LlmFeatures } from '@himari/features';
import { createMemorySignalStore, createRedisSignalStore, createRedisUpdateFeed, type SignalStore } from '@himari/signal-store';
import { fakeClock, makeSignal, testStoreOptions } from '@himari/signal-store/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '@himari/config';
import { busNames, encode, Stage } from '@himari/contracts';
import { silentLogger } from '@himari/observability';
import { ACTORS, type PipelineDeps } from '@himari/pipeline';

const REDIS_URL = 'redis://127.0.0.1:6379';
const T0 = 1_700_000_000_000;
/** Correctness cases need an answer, not a race with a 1 ms timer on a loaded 2-core box. */
const ROOMY = 500;

async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

async function until<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, deadlineMs = 5000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('feature injector over Redis', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  const setup = (): { client: Redis; store: SignalStore; prefix: string } => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const client = new Redis(REDIS_URL);
    const store = createRedisSignalStore(client, testStoreOptions(prefix, { signalTtlS: 3600 }));
    cleanups.push(async () => {
      await deletePrefix(client, prefix);
      await client.quit();
    });
    return { client, store, prefix };
  };

  it('reads what the memory store gives for the same signals (himari profile: exactly; design: up to cached_at)', async () => {
    const { store } = setup();
    const clock = fakeClock(T0);
    const memory = createMemorySignalStore(testStoreOptions('mem', { signalTtlS: 3600 }), clock.now);
    const pub = (msAgo: number): string => new Date(T0 - msAgo).toISOString();
    const signals = [
      makeSignal({ id: 'a', asset: 'BTC', sentiment: 0.37, confidence: 0.81, published_at: pub(90_000) }),
      makeSignal({
        id: 'b',
        asset: 'BTC',
        sentiment: -0.12,
        confidence: 0.64,
        event_type: 'macro',
        published_at: pub(30_000),
        event: { impact: 'high', half_life_s: 900 },
      }),
      makeSignal({ id: 'c', asset: 'ETH', sentiment: 0.05, confidence: 0.5, published_at: pub(20_000_000) }),
      makeSignal({ id: 'd', asset: 'BTC', sentiment: 0.9, published_at: pub(60_000) }),
    ];
    for (const s of signals) {
      await store.apply(s);
      await memory.apply(s);
    }
    const himari = { profile: 'himari' as const, budgetMs: ROOMY, staleAfterS: 14_400, clock: clock.now };
    const seen: LlmFeatures[] = [];
    for (const asset of ['BTC', 'ETH', 'SOL']) {
      const r = await createFeatureInjector({ store, ...himari }).read(asset);
      expect(r).toEqual(await createFeatureInjector({ store: memory, ...himari }).read(asset));
      seen.push(r);
    }
    expect(seen.map((f) => f.status)).toEqual(['ok', 'stale', 'missing']);
    // 'd' was published before 'b', so 'b' stays latest; the EWMA still took all three BTC signals.
    const btc = seen[0]!;
    expect(btc.signal_id).toBe('b');
    expect(btc.values[1]).toBeCloseTo(0.64 * 0.5 ** (30 / 900), 15);
    expect(btc.values[4]).toBeCloseTo(0.3 * 0.9 + 0.7 * (0.3 * -0.12 + 0.7 * 0.37), 15);
    // Design profile: the age is counted from Redis's cached_at, so read at a known instant after it.
    const cachedAt = (await store.snapshot('BTC')).latest!.cached_at;
    const design = await createFeatureInjector({ store, budgetMs: ROOMY, clock: () => (cachedAt + 60) * 1000 }).read('BTC');
    expect(design.values[0]).toBe(-0.12);
    expect(design.values[1]).toBeCloseTo(0.64 * Math.exp(-60 / 300), 12);
    expect(design.values[3]).toBe(1);
    expect(design.values[4]).toBe(btc.values[4]);
    expect(await createFeatureInjector({ store, budgetMs: ROOMY }).read('SOL')).toMatchObject({ values: [0, 0.5, 0, 0, 0] });
  });

  it('never throws at the design budget of 1 ms: each answer is ok with the right values or a neutral timeout', async () => {
    const { store } = setup();
    const r = await store.apply(makeSignal({ id: 'a', sentiment: 0.4, confidence: 0.7, timestamp: T0 }));
    const inj = createFeatureInjector({ store, budgetMs: 1, clock: () => (r.cached_at ?? 0) * 1000 });
    const counts = { ok: 0, timeout: 0 };
    for (let i = 0; i < 300; i++) {
      const { vector, features } = await inj.injectDetailed(new Float64Array(60), 'BTC');
      if (features.status === 'ok') {
        counts.ok++;
        expect(Array.from(vector.subarray(55))).toEqual([0.4, 0.7, 0.4 * 0.7, 0, 0.4]);
      } else {
        expect(features.status).toBe('timeout');
        counts.timeout++;
        expect(Array.from(vector.subarray(55))).toEqual([0, 0.5, 0, 0, 0]);
      }
    }
    expect(counts.ok + counts.timeout).toBe(300);
    // Loopback Redis answers in tens of microseconds; if nothing ever came back in 1 ms the read path is broken.
    expect(counts.ok).toBeGreaterThan(0);
  });

  it('times out when its connection is busy, and the late answer leaks nothing', async () => {
    const { client, store, prefix } = setup();
    await store.apply(makeSignal({ id: 'a', timestamp: T0 }));
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown): void => void unhandled.push(r);
    process.on('unhandledRejection', onUnhandled);
    try {
      // A blocking pop holds this connection only, so the snapshot queues behind it; the shared server is not slowed.
      const blocker = client.blpop(`${prefix}:blocker`, 0.5);
      const inj = createFeatureInjector({ store, budgetMs: 20, clock: () => T0 });
      const started = performance.now();
      const f = await inj.read('BTC');
      expect(f).toMatchObject({ status: 'timeout', values: [0, 0.5, 0, 0, 0] });
      expect(performance.now() - started).toBeLessThan(400);
      await blocker;
      // Once the connection is free the same injector answers again.
      expect((await createFeatureInjector({ store, budgetMs: ROOMY }).read('BTC')).status).toBe('ok');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('answers neutral within the budget when Redis cannot be reached', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const errors: unknown[] = [];
    // Port 1 refuses connections. With the offline queue (ioredis default) reads wait for a reconnect: a timeout.
    const queued = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    // Without it they fail at once: an error.
    const failing = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, retryStrategy: () => 50 });
    for (const c of [queued, failing]) c.on('error', () => undefined);
    try {
      const opts = testStoreOptions(prefix);
      const results: LlmFeatures[] = [];
      for (const client of [queued, failing]) {
        const inj = createFeatureInjector({ store: createRedisSignalStore(client, opts), budgetMs: 20, onError: (e) => errors.push(e) });
        const started = performance.now();
        results.push(await inj.read('BTC'));
        expect(performance.now() - started).toBeLessThan(400);
      }
      expect(results.map((r) => r.status)).toEqual(['timeout', 'error']);
      for (const r of results) expect(r.values).toEqual([0, 0.5, 0, 0, 0]);
      expect(errors.length).toBeGreaterThanOrEqual(1);
    } finally {
      queued.disconnect();
      failing.disconnect();
    }
  });

  it('near cache: answers from memory, and the invalidation of a write arrives and is taken', async () => {
    const { store, prefix } = setup();
    const opts = testStoreOptions(prefix, { signalTtlS: 3600 });
    const feed = createRedisUpdateFeed(REDIS_URL, opts.keys);
    const cache = createNearCache({ store, feed, signalTtlS: 3600 });
    cleanups.push(async () => {
      cache.close();
      await feed.close();
    });
    await until('the feed to go live', async () => feed.live, Boolean);
    const inj = createFeatureInjector({ store: cache, budgetMs: ROOMY });
    await store.apply(makeSignal({ id: 'a', sentiment: 0.2 }));
    expect(await inj.read('BTC')).toMatchObject({ source: 'store', signal_id: 'a' });
    // The apply's own update may land after that first read started; the cache then refuses what the read saw.
    await until(
      'a near-cache hit',
      () => inj.read('BTC'),
      (f) => f.source === 'near_cache' && f.signal_id === 'a',
    );
    // Another writer (a cache-writer replica on its own connection) writes a newer signal.
    const writer = new Redis(REDIS_URL);
    cleanups.push(async () => void (await writer.quit()));
    await createRedisSignalStore(writer, opts).apply(makeSignal({ id: 'b', sentiment: -0.6, timestamp: T0 + 1000 }));
    const after = await until(
      'the near cache to serve the new signal',
      () => inj.read('BTC'),
      (f) => f.signal_id === 'b' && f.source === 'near_cache',
    );
    expect(after.values[0]).toBe(-0.6);
    expect(after.values[4]).toBeCloseTo(0.3 * -0.6 + 0.7 * 0.2, 15);
    expect(cache.stats().invalidations).toBeGreaterThanOrEqual(1);
  });

  it('near cache with Redis down: neutral values with a status, within the budget, never a throw', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const opts = testStoreOptions(prefix);
    const errors: unknown[] = [];
    const feed = createRedisUpdateFeed('redis://127.0.0.1:1', opts.keys, { onError: (e) => errors.push(e) });
    const dead = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    dead.on('error', () => undefined);
    const cache = createNearCache({ store: createRedisSignalStore(dead, opts), feed, signalTtlS: 300 });
    try {
      const inj = createFeatureInjector({ store: cache, budgetMs: 20 });
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const f = await inj.read('BTC');
        expect(performance.now() - started).toBeLessThan(400);
        expect(f).toMatchObject({ source: 'none', values: [0, 0.5, 0, 0, 0] });
        // Queued behind a reconnect (timeout) or failed by ioredis's retry limit (error): both say why.
        expect(['timeout', 'error']).toContain(f.status);
      }
      expect(feed.live).toBe(false);
    } finally {
      cache.close();
      await feed.close();
      dead.disconnect();
    }
  });

  it('update feed: goes live when Redis comes up after it, and again after a restart (forgetting the cache each time)', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const url = `redis://127.0.0.1:${port}`;
    const start = (): ChildProcess =>
      spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const stop = async (p: ChildProcess): Promise<void> => {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
    };
    const keys = testStoreOptions('feedtest').keys;
    const errors: unknown[] = [];
    const feed = createRedisUpdateFeed(url, keys, { onError: (e) => errors.push(e) });
    const resets: number[] = [];
    const updates: string[] = [];
    feed.listen({ update: (a) => updates.push(a), reset: () => resets.push(Date.now()) });
    // Nothing listens yet: the feed's first connection is refused.
    await until(
      'a refused connection',
      async () => errors.length,
      (n) => n > 0,
    );
    expect(feed.live).toBe(false);
    let server = start();
    try {
      await until('the feed to go live after a late start', async () => feed.live, Boolean, 10_000);
      const writer = new Redis(url);
      writer.on('error', () => undefined);
      await createRedisSignalStore(writer, testStoreOptions('feedtest')).apply(makeSignal({ id: 'a', asset: 'SOL' }));
      await until(
        'the update',
        async () => updates.length,
        (n) => n === 1,
      );
      expect(updates).toEqual(['SOL']);
      const before = resets.length;
      await stop(server);
      await until(
        'the feed to go down',
        async () => feed.live,
        (l) => !l,
      );
      server = start();
      await until('the feed to come back', async () => feed.live, Boolean, 15_000);
      // Down and up again: both times the listeners were told to forget what they held.
      expect(resets.length).toBeGreaterThanOrEqual(before + 2);
      await createRedisSignalStore(writer, testStoreOptions('feedtest')).apply(makeSignal({ id: 'b', asset: 'ADA' }));
      await until(
        'the update after the restart',
        async () => updates.length,
        (n) => n === 2,
      );
      writer.disconnect();
    } finally {
      await feed.close();
      await stop(server);
    }
  }, 40_000);

  it('the feature-injector actor answers through its near cache (with Redis) and closes its feed on stop', async () => {
    const { store, prefix } = setup();
    const bus = `b${randomUUID().slice(0, 8)}`;
    const config = loadConfig({
      overrides: {
        redis: { url: REDIS_URL, key_prefix: prefix, signal_ttl_s: 3600 },
        nats: { prefix: bus },
        features: { budget_ms: ROOMY },
      },
    });
    const deps = { config, names: busNames(bus), store, clock: Date.now, log: silentLogger() } as unknown as PipelineDeps;
    const actor = ACTORS[Stage.featureInjector](deps);
    const dispose = await actor.start?.();
    try {
      await store.apply(makeSignal({ id: 'a', sentiment: 0.3 }));
      const ask = async (): Promise<LlmFeatures> =>
        JSON.parse(new TextDecoder().decode(await actor.services![0]!.handle(encode({ v: 1, asset: 'BTC' })))) as LlmFeatures;
      const first = await ask();
      expect(first).toMatchObject({ signal_id: 'a', profile: 'design', status: 'ok' });
      await until('an answer from the near cache', ask, (f) => f.source === 'near_cache');
    } finally {
      if (dispose) await dispose();
    }
  });
});
