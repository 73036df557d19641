import { randomUUID } from 'node:crypto';
import { createFeatureInjector, type LlmFeatures } from '@himari/features';
import { createMemorySignalStore, createRedisSignalStore, type SignalStore } from '@himari/signal-store';
import { fakeClock, makeSignal, testStoreOptions } from '@himari/signal-store/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';

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

describe('feature injector over Redis', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  const setup = (): { client: Redis; store: SignalStore; prefix: string; clock: ReturnType<typeof fakeClock> } => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const client = new Redis(REDIS_URL);
    const clock = fakeClock(T0);
    const store = createRedisSignalStore(client, testStoreOptions(prefix, { signalTtlS: 3600 }), clock.now);
    cleanups.push(async () => {
      await deletePrefix(client, prefix);
      await client.quit();
    });
    return { client, store, prefix, clock };
  };

  it('reads exactly what the memory store gives for the same signals and times', async () => {
    const { store, clock } = setup();
    const memory = createMemorySignalStore(testStoreOptions('mem', { signalTtlS: 3600 }), clock.now);
    const signals = [
      makeSignal({ id: 'a', asset: 'BTC', sentiment: 0.37, confidence: 0.81, timestamp: T0 - 90_000 }),
      makeSignal({
        id: 'b',
        asset: 'BTC',
        sentiment: -0.12,
        confidence: 0.64,
        timestamp: T0 - 30_000,
        event: { impact: 'high', half_life_s: 900 },
      }),
      makeSignal({ id: 'c', asset: 'ETH', sentiment: 0.05, confidence: 0.5, timestamp: T0 - 400_000 }),
      makeSignal({ id: 'd', asset: 'BTC', sentiment: 0.9, timestamp: T0 - 60_000 }),
    ];
    for (const s of signals) {
      await store.apply(s);
      await memory.apply(s);
    }
    const opts = { budgetMs: ROOMY, staleAfterS: 300, clock: clock.now };
    const fromRedis = createFeatureInjector({ store, ...opts });
    const fromMemory = createFeatureInjector({ store: memory, ...opts });
    const seen: LlmFeatures[] = [];
    for (const asset of ['BTC', 'ETH', 'SOL']) {
      const r = await fromRedis.read(asset);
      expect(r).toEqual(await fromMemory.read(asset));
      seen.push(r);
    }
    expect(seen.map((f) => f.status)).toEqual(['ok', 'stale', 'missing']);
    // 'd' is older than 'b', so 'b' stays latest; the EWMA still took all three BTC signals.
    const btc = seen[0]!;
    expect(btc.signal_id).toBe('b');
    expect(btc.values[0]).toBe(-0.12);
    expect(btc.values[1]).toBeCloseTo(0.64 * 0.5 ** (30 / 900), 15);
    expect(btc.values[3]).toBe(1);
    expect(btc.values[4]).toBeCloseTo(0.3 * 0.9 + 0.7 * (0.3 * -0.12 + 0.7 * 0.37), 15);
    expect(seen[1]!.values).toEqual([0, 0, 0, 0, 0.05]);
  });

  it('never throws at the design budget of 1 ms: each answer is ok with the right values or a neutral timeout', async () => {
    const { store } = setup();
    await store.apply(makeSignal({ id: 'a', sentiment: 0.4, confidence: 0.7, timestamp: T0 }));
    const inj = createFeatureInjector({ store, budgetMs: 1, clock: () => T0 });
    const counts = { ok: 0, timeout: 0 };
    for (let i = 0; i < 300; i++) {
      const { vector, features } = await inj.injectDetailed(new Float64Array(60), 'BTC');
      if (features.status === 'ok') {
        counts.ok++;
        expect(Array.from(vector.subarray(55))).toEqual([0.4, 0.7, 0.4 * 0.7, 0, 0.4]);
      } else {
        expect(features.status).toBe('timeout');
        counts.timeout++;
        expect(Array.from(vector.subarray(55))).toEqual([0, 0, 0, 0, 0]);
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
      expect(f).toMatchObject({ status: 'timeout', values: [0, 0, 0, 0, 0] });
      expect(performance.now() - started).toBeLessThan(400);
      await blocker;
      // Once the connection is free the same injector answers again.
      expect((await createFeatureInjector({ store, budgetMs: ROOMY, clock: () => T0 }).read('BTC')).status).toBe('ok');
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
      for (const r of results) expect(r.values).toEqual([0, 0, 0, 0, 0]);
      expect(errors.length).toBeGreaterThanOrEqual(1);
    } finally {
      queued.disconnect();
      failing.disconnect();
    }
  });
});
