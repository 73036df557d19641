import { loadConfig } from '@himari/config';
import { describe, expect, it } from 'vitest';
import { createMemorySignalStore } from './memory-store.ts';
import { storeOptionsFromConfig } from './options.ts';
import { describeSignalStoreBehaviour, fakeClock, makeSignal, testStoreOptions } from './testing.ts';
import { SignalStoreError } from './types.ts';

describeSignalStoreBehaviour('memory', async (opts, clock) => {
  const store = createMemorySignalStore(opts, clock.now);
  return { store, replica: async () => store, cleanup: () => store.close() };
});

describe('memory store: time', () => {
  it('expires the latest signal after its TTL but keeps history and EWMA', async () => {
    const clock = fakeClock();
    const store = createMemorySignalStore(testStoreOptions('mem'), clock.now);
    await store.apply(makeSignal({ id: 'a' }));
    clock.advance(299_999);
    expect((await store.latest('BTC'))?.id).toBe('a');
    expect((await store.snapshot('BTC')).latest?.id).toBe('a');
    clock.advance(1);
    expect(await store.latest('BTC')).toBeNull();
    expect((await store.snapshot('BTC')).latest).toBeNull();
    expect(await store.history('BTC')).toHaveLength(1);
    expect((await store.sentiment('BTC'))?.count).toBe(1);
  });

  it('stamps cached_at from its clock, in seconds', async () => {
    const clock = fakeClock(1_700_000_123_456);
    const store = createMemorySignalStore(testStoreOptions('mem'), clock.now);
    expect((await store.apply(makeSignal({ id: 'a' }))).cached_at).toBe(1_700_000_123.456);
    expect((await store.snapshot('BTC')).latest?.cached_at).toBe(1_700_000_123.456);
  });

  it('a new apply restarts the latest TTL; an older signal after expiry becomes latest again', async () => {
    const clock = fakeClock();
    const store = createMemorySignalStore(testStoreOptions('mem'), clock.now);
    await store.apply(makeSignal({ id: 'a', timestamp: 2000 }));
    clock.advance(300_000);
    // Nothing newer is stored any more, so the late older signal is the best there is.
    await store.apply(makeSignal({ id: 'b', timestamp: 1000 }));
    expect((await store.latest('BTC'))?.id).toBe('b');
  });

  it('forgets applied ids after appliedTtlS: the same id applies (and counts) again', async () => {
    const clock = fakeClock();
    const store = createMemorySignalStore(testStoreOptions('mem', { appliedTtlS: 60 }), clock.now);
    expect((await store.apply(makeSignal({ id: 'a' }))).applied).toBe(true);
    clock.advance(59_000);
    expect((await store.apply(makeSignal({ id: 'a' }))).applied).toBe(false);
    clock.advance(1_000);
    expect((await store.apply(makeSignal({ id: 'a' }))).applied).toBe(true);
    expect(await store.appliedCount()).toBe(2);
  });

  it('forgets news id claims after dedupeTtlS', async () => {
    const clock = fakeClock();
    const store = createMemorySignalStore(testStoreOptions('mem', { dedupeTtlS: 10 }), clock.now);
    expect(await store.claimNewsId('n', 'm1')).toBe('new');
    clock.advance(9_999);
    expect(await store.claimNewsId('n', 'm2')).toBe('duplicate');
    clock.advance(1);
    expect(await store.claimNewsId('n', 'm2')).toBe('new');
    expect(await store.claimNewsId('n', 'm1')).toBe('duplicate');
  });

  it('stamps updated_ms from its clock', async () => {
    const clock = fakeClock(5_000);
    const store = createMemorySignalStore(testStoreOptions('mem'), clock.now);
    await store.apply(makeSignal({ id: 'a' }));
    clock.advance(7);
    await store.apply(makeSignal({ id: 'b' }));
    expect((await store.sentiment('BTC'))?.updated_ms).toBe(5_007);
  });
});

describe('memory store: lifecycle and options', () => {
  it('forgets a regime after its TTL; the market regime shows through again', async () => {
    const clock = fakeClock();
    const store = createMemorySignalStore(testStoreOptions('regime'), clock.now);
    await store.setRegime('calm');
    await store.setRegime('earnings_season', { asset: 'AAPL', ttlS: 60 });
    expect(await store.regime('AAPL')).toBe('earnings_season');
    clock.advance(60_000);
    expect(await store.regime('AAPL')).toBe('calm');
  });

  it('rejects calls after close', async () => {
    const store = createMemorySignalStore(testStoreOptions('mem'));
    await store.close();
    await expect(store.latest('BTC')).rejects.toMatchObject({ name: 'SignalStoreError', code: 'closed' });
  });

  it('refuses options Redis would reject at the first write', () => {
    expect(() => createMemorySignalStore(testStoreOptions('mem', { signalTtlS: 0 }))).toThrow(SignalStoreError);
    expect(() => createMemorySignalStore(testStoreOptions('mem', { historyLength: 2.5 }))).toThrow(/historyLength/);
    expect(() => createMemorySignalStore(testStoreOptions('mem', { ewmaAlpha: 0 }))).toThrow(/ewmaAlpha/);
  });

  it('builds its options from the config', () => {
    const config = loadConfig({
      overrides: { redis: { key_prefix: 'px', signal_ttl_s: 42, history_length: 7, ewma_alpha: 0.5 }, nats: { prefix: 'busx' } },
    });
    const opts = storeOptionsFromConfig(config);
    expect(opts).toMatchObject({ signalTtlS: 42, historyLength: 7, ewmaAlpha: 0.5, appliedTtlS: 86_400, dedupeTtlS: 604_800 });
    expect(opts.keys.latest('BTC')).toBe('px:signal:BTC:latest');
    expect(opts.keys.ingestSeen('n1')).toBe('px:ingest:busx:seen:n1');
  });
});
