/** Helpers for tests of this store and of its users (cache writer, feature injector). */
import { storeKeys, type EventInfo, type TradingSignal } from '@himari/contracts';
import type { SignalStoreOptions } from './types.ts';

export { describeSignalStoreBehaviour, type StoreHarness, type StoreFactory } from './store-suite.ts';

export interface FakeClock {
  /** Usable directly as a Clock. */
  readonly now: () => number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function fakeClock(startMs = 1_700_000_000_000): FakeClock {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}

/** The design's defaults (TTL 300 s, history 10, alpha 0.3) under the given key prefix. */
export function testStoreOptions(prefix: string, over: Partial<Omit<SignalStoreOptions, 'keys'>> = {}): SignalStoreOptions {
  return {
    keys: storeKeys(prefix, 'test'),
    signalTtlS: 300,
    historyLength: 10,
    ewmaAlpha: 0.3,
    appliedTtlS: 86_400,
    dedupeTtlS: 604_800,
    ...over,
  };
}

export type SignalOverrides = Partial<Omit<TradingSignal, 'event'>> & { event?: Partial<EventInfo> };

/** A valid TradingSignal; every field can be overridden, `event` field by field. */
export function makeSignal(over: SignalOverrides = {}): TradingSignal {
  const { event, ...rest } = over;
  const ts = rest.timestamp ?? 1_700_000_000_000;
  return {
    v: 1,
    id: 'news-1',
    asset: 'BTC',
    sentiment: 0.5,
    direction: 1,
    reasoning: 'ETF inflows beat expectations.',
    source_summary: 'Spot bitcoin ETFs took in $500M yesterday, beating expectations.',
    entities: ['BTC'],
    events: ['etf_inflows'],
    timeframe: 'short_term',
    magnitude: 'medium',
    event_type: 'market',
    event: {
      category: 'market',
      subcategory: 'flows',
      impact: 'medium',
      urgency: 'short_term',
      half_life_s: 3600,
      category_confidence: 0.8,
      entities: ['BTC'],
      matched: ['inflows'],
      classifier: 'rules-v1',
      ...event,
    },
    source: 'test-feed',
    provenance: {
      actor: 'opt-actor',
      generator: 'upstream',
      model: 'none',
      model_version: '0',
      prompt_version: '0',
      sentiment_model: 'lexicon',
      event_classifier: 'rules-v1',
    },
    flags: [],
    published_at: new Date(ts - 2000).toISOString(),
    received_at: ts - 1000,
    drafted_at: ts - 500,
    confidence: 0.7,
    calibration: { calibrated: false, method: 'none', map_version: 'none', raw_confidence: 0.7 },
    timestamp: ts,
    latency_ms: 1000,
    ...rest,
  };
}
