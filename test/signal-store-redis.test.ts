import { randomUUID } from 'node:crypto';
import { createRedisSignalStore, type SignalStore } from '@himari/signal-store';
import { describeSignalStoreBehaviour, fakeClock, makeSignal, testStoreOptions } from '@himari/signal-store/testing';
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
  const store = createRedisSignalStore(clients[0]!, opts, clock.now);
  return {
    store,
    replica: async () => {
      const c = new Redis(REDIS_URL);
      clients.push(c);
      return createRedisSignalStore(c, opts, clock.now);
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
    const store = createRedisSignalStore(client, testStoreOptions(prefix, over), fakeClock().now);
    cleanups.push(async () => {
      await deletePrefix(client, prefix);
      await client.quit();
    });
    return { client, store, prefix };
  };

  it('lays values out as plain JSON and strings that GET, LRANGE and HGETALL read', async () => {
    const { client, store, prefix } = setup();
    const a = makeSignal({ id: 'a', sentiment: 0.5 });
    const b = makeSignal({ id: 'b', sentiment: -0.1, timestamp: a.timestamp + 1 });
    await store.apply(a);
    await store.apply(b);
    expect(JSON.parse((await client.get(`${prefix}:signal:BTC:latest`)) ?? 'null')).toEqual(b);
    const list = await client.lrange(`${prefix}:signal:BTC:history`, 0, -1);
    expect(list.map((j) => JSON.parse(j) as unknown)).toEqual([b, a]);
    const hash = await client.hgetall(`${prefix}:sentiment:BTC`);
    expect(Object.keys(hash).sort()).toEqual(['count', 'updated_ms', 'value']);
    expect(hash['count']).toBe('2');
    expect(Number(hash['value'])).toBe(0.3 * -0.1 + 0.7 * 0.5);
    expect(await client.get(`${prefix}:applied:a`)).toBe('a');
    expect(await client.get(`${prefix}:stats:applied_count`)).toBe('2');
  });

  it('sets the latest TTL and the applied and claim TTLs on the server', async () => {
    const { client, store, prefix } = setup({ signalTtlS: 300, appliedTtlS: 600, dedupeTtlS: 900 });
    await store.apply(makeSignal({ id: 'a' }));
    await store.claimNewsId('n', 'm');
    const ttl = async (k: string): Promise<number> => client.ttl(k);
    expect(await ttl(`${prefix}:signal:BTC:latest`)).toBeGreaterThan(290);
    expect(await ttl(`${prefix}:signal:BTC:latest`)).toBeLessThanOrEqual(300);
    expect(await ttl(`${prefix}:applied:a`)).toBeGreaterThan(590);
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
