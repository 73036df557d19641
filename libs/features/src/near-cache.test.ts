import { createMemorySignalStore, type SignalStore } from '@himari/signal-store';
import { fakeClock, makeSignal, testStoreOptions, type FakeClock } from '@himari/signal-store/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFeatureInjector } from './injector.ts';
import { createNearCache } from './near-cache.ts';
import { fakeFeed, gatedStore } from './testing.ts';

const T0 = 1_700_000_000_000;

describe('near cache', () => {
  let clock: FakeClock;
  let store: SignalStore;
  beforeEach(() => {
    clock = fakeClock(T0);
    store = createMemorySignalStore(testStoreOptions('near'), clock.now);
  });

  it('answers from memory after the first read, and from the store again after an update', async () => {
    const feed = fakeFeed();
    const cache = createNearCache({ store, feed, signalTtlS: 300, clock: clock.now });
    const inj = createFeatureInjector({ store: cache, budgetMs: 100, clock: clock.now });
    await store.apply(makeSignal({ id: 'a', sentiment: 0.4 }));
    expect(await inj.read('BTC')).toMatchObject({ source: 'store', signal_id: 'a' });
    expect(await inj.read('BTC')).toMatchObject({ source: 'near_cache', signal_id: 'a', values: [0.4, 0.7, 0.4 * 0.7, 0, 0.4] });
    // A write the feed has not told about yet is not seen: this is what the feed is for.
    await store.apply(makeSignal({ id: 'b', sentiment: -0.2, timestamp: T0 + 1000 }));
    expect((await inj.read('BTC')).signal_id).toBe('a');
    feed.publish('BTC');
    // The update dropped the entry and started a refetch; once it lands the next read is a hit with the new signal.
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(await inj.read('BTC')).toMatchObject({ source: 'near_cache', signal_id: 'b' });
    expect(cache.stats()).toMatchObject({ invalidations: 1, size: 1 });
  });

  it('keeps nothing a read saw before an update arrived', async () => {
    const gated = gatedStore();
    const feed = fakeFeed();
    const cache = createNearCache({ store: gated, feed, signalTtlS: 300, clock: clock.now });
    const pending = cache.snapshot('BTC');
    feed.publish('BTC');
    gated.release({ latest: null, running: null });
    await pending;
    expect(cache.peek('BTC')).toBeUndefined();
  });

  it('serves nothing from memory while the feed is down, and forgets everything when it drops', async () => {
    const feed = fakeFeed();
    const cache = createNearCache({ store, feed, signalTtlS: 300, clock: clock.now });
    await store.apply(makeSignal({ id: 'a' }));
    await cache.snapshot('BTC');
    expect(cache.peek('BTC')?.latest?.id).toBe('a');
    feed.setLive(false);
    expect(cache.peek('BTC')).toBeUndefined();
    feed.setLive(true);
    expect(cache.peek('BTC')).toBeUndefined();
    expect(cache.stats().resets).toBe(2);
  });

  it("applies the latest key's TTL itself: past cached_at + ttl the held signal reads as no signal", async () => {
    const feed = fakeFeed();
    const cache = createNearCache({ store, feed, signalTtlS: 300, clock: clock.now });
    const inj = createFeatureInjector({ store: cache, budgetMs: 100, clock: clock.now });
    await store.apply(makeSignal({ id: 'a', sentiment: 0.8 }));
    await inj.read('BTC');
    clock.advance(300_000);
    expect(await inj.read('BTC')).toMatchObject({ source: 'near_cache', status: 'missing', values: [0, 0.5, 0, 0, 0.8] });
  });

  it('holds at most maxEntries assets', async () => {
    const cache = createNearCache({ store, feed: fakeFeed(), signalTtlS: 300, maxEntries: 2 });
    for (const a of ['A', 'B', 'C']) await cache.snapshot(a);
    expect(cache.stats().size).toBe(2);
    expect(cache.peek('A')).toBeUndefined();
    expect(cache.peek('C')).toEqual({ latest: null, running: null });
  });
});
