import { InvalidAssetError } from '@himari/contracts';
import { createMemorySignalStore, type SignalStore } from '@himari/signal-store';
import { fakeClock, makeSignal, testStoreOptions, type FakeClock } from '@himari/signal-store/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatFeaturesJson } from './format.ts';
import { createFeatureInjector, FeatureConfigError, type FeatureInjectorOptions } from './injector.ts';
import { failingStore, gatedStore, stalledStore, throwingStore } from './testing.ts';

const T0 = 1_700_000_000_000;
/** Unit tests run the memory store, which answers in microtasks; a generous budget keeps a slow CI box from flaking. */
const BUDGET = 200;

function base(): Float64Array {
  return Float64Array.from({ length: 60 }, (_, i) => i + 0.5);
}

describe('feature injector over the memory store: design profile (CONTRACT.md)', () => {
  let clock: FakeClock;
  let store: SignalStore;
  const injector = (over: Partial<FeatureInjectorOptions> = {}) =>
    createFeatureInjector({ store, budgetMs: BUDGET, offset: 55, vectorLength: 60, clock: clock.now, ...over });

  beforeEach(() => {
    clock = fakeClock(T0);
    store = createMemorySignalStore(testStoreOptions('feat'), clock.now);
  });

  it('writes sentiment, confidence × exp(−age/300) with age from cached_at, their product, earnings/macro, EWMA', async () => {
    await store.apply(makeSignal({ id: 'p', sentiment: 0.2, timestamp: T0 - 60_000 }));
    // Published long ago and finalised long ago: the design ages from the write only.
    await store.apply(
      makeSignal({ id: 'a', sentiment: 0.6, confidence: 0.8, event_type: 'earnings', timestamp: T0 - 50_000, event: { impact: 'low' } }),
    );
    clock.advance(180_000);
    const f = await injector().read('BTC');
    const c = 0.8 * Math.exp(-180 / 300);
    expect(f).toMatchObject({ status: 'ok', profile: 'design', source: 'store', signal_id: 'a', age_s: 180 });
    expect(f.values[0]).toBe(0.6);
    expect(f.values[1]).toBeCloseTo(c, 15);
    expect(f.values[2]).toBeCloseTo(0.6 * c, 15);
    expect(f.values[3]).toBe(1);
    expect(f.values[4]).toBeCloseTo(0.3 * 0.6 + 0.7 * 0.2, 15);
  });

  it('sets 58 for earnings and macro only, whatever the impact', async () => {
    const cases: [string, number][] = [
      ['earnings', 1],
      ['macro', 1],
      ['corporate', 0],
      ['regulatory', 0],
      ['market', 0],
      ['crypto_specific', 0],
      ['unknown', 0],
    ];
    for (const [i, [event_type, want]] of cases.entries()) {
      await store.apply(
        makeSignal({ id: `e${i}`, event_type: event_type as never, timestamp: T0 + i, event: { impact: want ? 'low' : 'high' } }),
      );
      expect((await injector().read('BTC')).values[3]).toBe(want);
    }
  });

  it('without a signal gives [0, 0.5, 0, 0, running], and running 0 when no EWMA exists', async () => {
    const none = await injector().injectDetailed(base(), 'ETH');
    expect(none.features).toEqual({
      asset: 'ETH',
      values: [0, 0.5, 0, 0, 0],
      status: 'missing',
      profile: 'design',
      source: 'store',
      age_s: null,
      signal_id: null,
    });
    expect(Array.from(none.vector.subarray(55))).toEqual([0, 0.5, 0, 0, 0]);
    await store.apply(makeSignal({ id: 'a', sentiment: 0.9, timestamp: T0 }));
    clock.advance(299_999);
    expect((await injector().read('BTC')).status).toBe('ok');
    // The latest key expires at 300 s: "no signal", the EWMA kept.
    clock.advance(1);
    expect(await injector().read('BTC')).toMatchObject({ status: 'missing', values: [0, 0.5, 0, 0, 0.9] });
  });

  it('returns a copy of base with only positions 55-59 written', async () => {
    await store.apply(makeSignal({ id: 'a', sentiment: -0.5, timestamp: T0 }));
    const b = base();
    const out = await injector().inject(b, 'BTC');
    expect(out).not.toBe(b);
    expect(Array.from(b)).toEqual(Array.from(base()));
    expect(Array.from(out.subarray(0, 55))).toEqual(Array.from(b.subarray(0, 55)));
    expect(out[55]).toBe(-0.5);
    expect(out[56]).toBe(0.7);
    expect(out[57]).toBeCloseTo(-0.35, 15);
    expect(out[58]).toBe(0);
    expect(out[59]).toBe(-0.5);
  });

  it('honours another offset and vector length', async () => {
    await store.apply(makeSignal({ id: 'a', sentiment: 0.1, timestamp: T0 }));
    const out = await injector({ offset: 2, vectorLength: 8 }).inject(new Float64Array(8).fill(9), 'BTC');
    expect(Array.from(out)).toEqual([9, 9, 0.1, 0.7, 0.1 * 0.7, 0, 0.1, 9]);
  });

  it('does not inflate confidence for a cached_at ahead of its clock (skew)', async () => {
    await store.apply(makeSignal({ id: 'a', confidence: 0.6 }));
    const f = await injector({ clock: () => T0 - 5000 }).read('BTC');
    expect(f.age_s).toBe(-5);
    expect(f.values[1]).toBe(0.6);
  });

  it('writes +0, never -0, for a zero sentiment', async () => {
    await store.apply(makeSignal({ id: 'a', sentiment: -0, timestamp: T0 }));
    const f = await injector().read('BTC');
    expect(f.values.every((v) => !Object.is(v, -0))).toBe(true);
  });

  it('answers error for a base of the wrong length and returns it unchanged', async () => {
    await store.apply(makeSignal({ id: 'a', timestamp: T0 }));
    const errors: unknown[] = [];
    const short = new Float64Array([1, 2, 3]);
    const r = await injector({ onError: (e) => errors.push(e) }).injectDetailed(short, 'BTC');
    expect(r.features.status).toBe('error');
    expect(Array.from(r.vector)).toEqual([1, 2, 3]);
    expect(r.vector).not.toBe(short);
    expect(errors[0]).toBeInstanceOf(FeatureConfigError);
  });

  it('answers error, not a throw, for an asset that cannot be a key', async () => {
    const errors: unknown[] = [];
    const out = await injector({ onError: (e) => errors.push(e) }).injectDetailed(base(), 'BTC\r\nDEL x');
    expect(out.features.status).toBe('error');
    expect(Array.from(out.vector.subarray(55))).toEqual([0, 0.5, 0, 0, 0]);
    expect(errors[0]).toBeInstanceOf(InvalidAssetError);
  });
});

describe('feature injector over the memory store: himari profile (opt-in)', () => {
  let clock: FakeClock;
  let store: SignalStore;
  const injector = (over: Partial<FeatureInjectorOptions> = {}) =>
    createFeatureInjector({ store, profile: 'himari', budgetMs: BUDGET, staleAfterS: 3600, clock: clock.now, ...over });

  beforeEach(() => {
    clock = fakeClock(T0);
    store = createMemorySignalStore(testStoreOptions('feat', { signalTtlS: 7200 }), clock.now);
  });

  it('decays by the event half-life from publication and flags high impact', async () => {
    const published = new Date(T0 - 600_000).toISOString();
    await store.apply(
      makeSignal({
        id: 'a',
        sentiment: 0.6,
        confidence: 0.9,
        published_at: published,
        event_type: 'macro',
        event: { impact: 'high', half_life_s: 600 },
      }),
    );
    const f = await injector().read('BTC');
    expect(f).toMatchObject({ status: 'ok', profile: 'himari', age_s: 600 });
    expect(f.values[1]).toBeCloseTo(0.45, 15);
    expect(f.values[3]).toBe(1);
    await store.apply(makeSignal({ id: 'b', event_type: 'earnings', event: { impact: 'medium' } }));
    expect((await injector().read('BTC')).values[3]).toBe(0);
  });

  it('is stale when published longer ago than staleAfterS (55-58 zero, EWMA kept) and zeros without a signal', async () => {
    await store.apply(makeSignal({ id: 'a', sentiment: 0.9, published_at: new Date(T0 - 3_600_001).toISOString() }));
    expect(await injector().read('BTC')).toMatchObject({ status: 'stale', values: [0, 0, 0, 0, 0.9], signal_id: 'a' });
    expect(await injector().read('ETH')).toMatchObject({ status: 'missing', values: [0, 0, 0, 0, 0] });
  });
});

describe('feature injector when the store misbehaves', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('times out within the budget with neutral values when the read never answers', async () => {
    const inj = createFeatureInjector({ store: stalledStore(), budgetMs: 5 });
    const started = performance.now();
    const r = await inj.injectDetailed(base(), 'BTC');
    const elapsed = performance.now() - started;
    expect(r.features).toEqual({
      asset: 'BTC',
      values: [0, 0.5, 0, 0, 0],
      status: 'timeout',
      profile: 'design',
      source: 'none',
      age_s: null,
      signal_id: null,
    });
    expect(Array.from(r.vector.subarray(55))).toEqual([0, 0.5, 0, 0, 0]);
    expect(elapsed).toBeGreaterThanOrEqual(4);
    // Timers are coarse under load; this bounds "within the budget" to the same order, not to the microsecond.
    expect(elapsed).toBeLessThan(250);
  });

  it('answers error when the store rejects or throws, and tells onError', async () => {
    const boom = new Error('ECONNREFUSED');
    for (const store of [failingStore(boom), throwingStore(boom)]) {
      const errors: unknown[] = [];
      const f = await createFeatureInjector({ store, budgetMs: 50, onError: (e) => errors.push(e) }).read('BTC');
      expect(f).toMatchObject({ status: 'error', values: [0, 0.5, 0, 0, 0] });
      expect(errors).toEqual([boom]);
    }
  });

  it('survives an onError hook that throws', async () => {
    const inj = createFeatureInjector({
      store: failingStore(),
      budgetMs: 50,
      onError: () => {
        throw new Error('hook bug');
      },
    });
    await expect(inj.inject(base(), 'BTC')).resolves.toHaveLength(60);
  });

  it('ignores a late answer and leaks no unhandled rejection from a late failure', async () => {
    const store = gatedStore();
    const errors: unknown[] = [];
    const inj = createFeatureInjector({ store, budgetMs: 2, onError: (e) => errors.push(e) });
    const first = await inj.read('BTC');
    const second = await inj.read('BTC');
    expect([first.status, second.status]).toEqual(['timeout', 'timeout']);
    expect(store.pending()).toBe(2);
    const late = new Error('late');
    store.fail(late);
    // Two event-loop turns: long enough for Node to have reported an unhandled rejection, without a timed sleep.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
    expect(errors).toEqual([late, late]);
  });

  it('refuses at construction a layout that cannot hold five features', () => {
    const store = stalledStore();
    expect(() => createFeatureInjector({ store, offset: 56, vectorLength: 60 })).toThrow(FeatureConfigError);
    expect(() => createFeatureInjector({ store, offset: -1 })).toThrow(FeatureConfigError);
    expect(() => createFeatureInjector({ store, budgetMs: 0 })).toThrow(FeatureConfigError);
  });
});

describe('formatFeaturesJson', () => {
  it('names every value and its position', () => {
    const f = {
      asset: 'BTC',
      values: [0.5, 0.4, 0.2, 1, 0.3],
      status: 'ok',
      profile: 'design',
      source: 'store',
      age_s: 12,
      signal_id: 'n1',
    } as const;
    const text = formatFeaturesJson(f);
    expect(JSON.parse(text)).toEqual({
      asset: 'BTC',
      sentiment: 0.5,
      decayed_confidence: 0.4,
      sentiment_x_confidence: 0.2,
      event_impact: 1,
      running_sentiment: 0.3,
      values: [0.5, 0.4, 0.2, 1, 0.3],
      status: 'ok',
      profile: 'design',
      source: 'store',
      age_s: 12,
      signal_id: 'n1',
      positions: { sentiment: 55, decayed_confidence: 56, sentiment_x_confidence: 57, event_impact: 58, running_sentiment: 59 },
    });
    expect(text).toContain('\n  "sentiment": 0.5');
    expect(JSON.parse(formatFeaturesJson({ ...f, status: 'missing', age_s: null, signal_id: null }, 0))).toMatchObject({
      status: 'missing',
      age_s: null,
      positions: { sentiment: 0, running_sentiment: 4 },
    });
  });
});
