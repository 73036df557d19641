import { randomUUID } from 'node:crypto';
import { createRedisSignalStore, type SignalStore } from '@himari/signal-store';
import { describeSignalStoreBehaviour, makeSignal, testStoreOptions } from '@himari/signal-store/testing';
import { storeKeys } from '@himari/contracts';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';

const REDIS_URL = 'redis://127.0.0.1:6379';

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
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeSignalStoreBehaviour('redis', async (opts, clock) => {
  const clients = [new Redis(REDIS_URL)];
  // Redis stamps cached_at with its own clock (TIME); the fake clock plays no part here.
  void clock;
  const store = createRedisSignalStore(clients[0]!, opts);
  return {
    store,
    replica: async () => {
      const c = new Redis(REDIS_URL);
      clients.push(c);
      return createRedisSignalStore(c, opts);
    },
    cleanup: async () => {
      await deletePrefix(clients[0]!, opts.keys.prefix);
      await Promise.all(clients.map((c) => c.quit()));
    },
  };
});

describe('redis store: layout, TTL and scripts', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  const setup = (over: Parameters<typeof testStoreOptions>[1] = {}): { client: Redis; store: SignalStore; prefix: string } => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const client = new Redis(REDIS_URL);
    const store = createRedisSignalStore(client, testStoreOptions(prefix, over));
    cleanups.push(async () => {
      await deletePrefix(client, prefix);
      await client.quit();
    });
    return { client, store, prefix };
  };

  it("lays values out as the design's contract: JSON in seconds with every reader field, a plain string EWMA", async () => {
    const { client, store, prefix } = setup();
    const a = makeSignal({ id: 'a', sentiment: 0.5 });
    const b = makeSignal({ id: 'b', sentiment: -0.1, direction: -1, event_type: 'earnings', timestamp: a.timestamp + 1 });
    const before = Date.now() / 1000;
    await store.apply(a);
    const rb = await store.apply(b);
    const after = Date.now() / 1000;
    const latest = JSON.parse((await client.get(`${prefix}:signal:BTC:latest`)) ?? 'null') as Record<string, unknown>;
    expect(latest).toMatchObject({
      id: 'b',
      sentiment: -0.1,
      confidence: 0.7,
      direction: -1,
      reasoning: b.reasoning,
      source_summary: b.source_summary,
      event_type: 'earnings',
      timestamp: b.timestamp / 1000,
      timestamp_ms: b.timestamp,
      published_ms: Date.parse(b.published_at),
    });
    // cached_at: seconds (Redis TIME at the write), what apply reported.
    expect(latest['cached_at']).toBe(rb.cached_at);
    expect(latest['cached_at']).toBeGreaterThanOrEqual(before - 1);
    expect(latest['cached_at']).toBeLessThanOrEqual(after + 1);
    const list = await client.lrange(`${prefix}:signal:BTC:history`, 0, -1);
    expect(list.map((j) => (JSON.parse(j) as { id: string }).id)).toEqual(['b', 'a']);
    expect(list[0]).toBe(await client.get(`${prefix}:signal:BTC:latest`));
    expect(await client.type(`${prefix}:sentiment:BTC`)).toBe('string');
    expect(Number(await client.get(`${prefix}:sentiment:BTC`))).toBe(0.3 * -0.1 + 0.7 * 0.5);
    const stats = await client.hgetall(`${prefix}:stats:sentiment:BTC`);
    expect(Object.keys(stats).sort()).toEqual(['count', 'updated_ms']);
    expect(stats['count']).toBe('2');
    // The applied marker is scoped by the bus prefix ('test' in testStoreOptions).
    expect(await client.get(`${prefix}:applied:test:a`)).toBe('a');
    expect(await client.get(`${prefix}:stats:applied_count`)).toBe('2');
  });

  it('scopes the applied marker by bus prefix: another deployment on the same keys applies again', async () => {
    const { client, store, prefix } = setup();
    await store.apply(makeSignal({ id: 'a' }));
    expect((await store.apply(makeSignal({ id: 'a' }))).applied).toBe(false);
    const other = createRedisSignalStore(client, { ...testStoreOptions(prefix), keys: storeKeys(prefix, 'otherbus') });
    expect((await other.apply(makeSignal({ id: 'a' }))).applied).toBe(true);
  });

  it('publishes the asset on the updates channel after each apply', async () => {
    const { store, prefix } = setup();
    const sub = new Redis(REDIS_URL);
    cleanups.push(async () => void (await sub.quit()));
    const got: string[] = [];
    sub.on('message', (_ch: string, msg: string) => got.push(msg));
    await sub.subscribe(`${prefix}:updates`);
    await store.apply(makeSignal({ id: 'a', asset: 'ETH' }));
    await store.applyMany([makeSignal({ id: 'b', asset: 'BTC' }), makeSignal({ id: 'b', asset: 'BTC' })]);
    await until(
      'two update messages',
      async () => got.length,
      (n) => n >= 2,
    );
    expect(got).toEqual(['ETH', 'BTC']);
  });

  it('sets the latest TTL and the applied and claim TTLs on the server', async () => {
    const { client, store, prefix } = setup({ signalTtlS: 300, appliedTtlS: 600, dedupeTtlS: 900 });
    await store.apply(makeSignal({ id: 'a' }));
    await store.claimNewsId('n', 'm');
    const ttl = async (k: string): Promise<number> => client.ttl(k);
    expect(await ttl(`${prefix}:signal:BTC:latest`)).toBeGreaterThan(290);
    expect(await ttl(`${prefix}:signal:BTC:latest`)).toBeLessThanOrEqual(300);
    expect(await ttl(`${prefix}:applied:test:a`)).toBeGreaterThan(590);
    expect(await ttl(`${prefix}:ingest:test:seen:n`)).toBeGreaterThan(890);
    // History and EWMA outlive the latest key: they have no TTL.
    expect(await ttl(`${prefix}:signal:BTC:history`)).toBe(-1);
    expect(await ttl(`${prefix}:sentiment:BTC`)).toBe(-1);
  });

  it('lets the latest expire while history and EWMA stay', async () => {
    const { store } = setup({ signalTtlS: 1 });
    await store.apply(makeSignal({ id: 'a' }));
    expect((await store.latest('BTC'))?.id).toBe('a');
    await until(
      'the latest key to expire',
      () => store.latest('BTC'),
      (v) => v === null,
    );
    expect((await store.snapshot('BTC')).latest).toBeNull();
    expect(await store.history('BTC')).toHaveLength(1);
    expect((await store.sentiment('BTC'))?.count).toBe(1);
  });

  it('reloads its scripts after SCRIPT FLUSH (NOSCRIPT)', async () => {
    const { client, store } = setup();
    await store.apply(makeSignal({ id: 'a' }));
    await client.script('FLUSH');
    expect((await store.apply(makeSignal({ id: 'b' }))).applied).toBe(true);
    expect(await store.claimNewsId('n', 'm')).toBe('new');
    expect((await store.snapshot('BTC')).latest?.id).toBe('b');
  });

  it('reports a corrupt value with a typed error instead of returning it', async () => {
    const { client, store, prefix } = setup();
    await client.set(`${prefix}:signal:BTC:latest`, '{"not":"a signal"}');
    await expect(store.latest('BTC')).rejects.toMatchObject({ name: 'SignalStoreError', code: 'corrupt_value' });
    await expect(store.snapshot('BTC')).rejects.toMatchObject({ code: 'corrupt_value' });
    // A corrupt latest never blocks the writer: the next signal replaces it.
    await store.apply(makeSignal({ id: 'a' }));
    expect((await store.latest('BTC'))?.id).toBe('a');
  });

  it('opens and quits its own client when given a URL', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const store = createRedisSignalStore(REDIS_URL, testStoreOptions(prefix));
    await store.apply(makeSignal({ id: 'a' }));
    expect(await store.appliedCount()).toBe(1);
    await store.close();
    await expect(store.latest('BTC')).rejects.toThrow();
    const client = new Redis(REDIS_URL);
    await deletePrefix(client, prefix);
    await client.quit();
  });
});
