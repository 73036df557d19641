/**
 * The embedded store: the same semantics as the Redis store (TTL, trimming, EWMA arithmetic, idempotency, claims,
 * the stored JSON), with time taken from an injectable clock so that tests can expire keys without waiting; its clock
 * also stamps `cached_at`, where the Redis store takes Redis's TIME.
 */
import type { TradingSignal } from '@himari/contracts';
import { cachedAtText, checkRegime, decodeSignal, decodeView, encodeSignal, nextEwma, type EncodedSignal } from './codec.ts';
import { checkStoreOptions, historyLimit } from './options.ts';
import {
  SignalStoreError,
  type ApplyResult,
  type ClaimResult,
  type Clock,
  type FeatureSnapshot,
  type SentimentState,
  type SignalStore,
  type SignalStoreOptions,
} from './types.ts';

interface Expiring<T> {
  value: T;
  /** Epoch ms at which the entry is gone (Redis semantics: gone once the TTL has fully elapsed). */
  expiresAt: number;
}

/** Expired markers and claims are dropped lazily on access and swept every so many writes, as Redis does. */
const SWEEP_EVERY = 1024;

export function createMemorySignalStore(options: SignalStoreOptions, clock: Clock = Date.now): SignalStore {
  const opts = checkStoreOptions(options);
  const { keys } = opts;
  const latest = new Map<string, Expiring<{ json: string; publishedMs: number }>>();
  const history = new Map<string, string[]>();
  const ewma = new Map<string, SentimentState>();
  const applied = new Map<string, Expiring<true>>();
  const claims = new Map<string, Expiring<string>>();
  const regimes = new Map<string, Expiring<string>>();
  let appliedTotal = 0;
  let writes = 0;
  let closed = false;

  const live = <T>(map: Map<string, Expiring<T>>, key: string): T | undefined => {
    const e = map.get(key);
    if (e === undefined) return undefined;
    if (clock() >= e.expiresAt) {
      map.delete(key);
      return undefined;
    }
    return e.value;
  };

  const sweep = (): void => {
    if (++writes % SWEEP_EVERY !== 0) return;
    const now = clock();
    for (const m of [latest, applied, claims] as Map<string, Expiring<unknown>>[]) {
      for (const [k, e] of m) if (now >= e.expiresAt) m.delete(k);
    }
  };

  const open = (): void => {
    if (closed) throw new SignalStoreError('closed', 'the memory signal store is closed');
  };

  const applyOne = (e: EncodedSignal): ApplyResult => {
    const s = e.signal;
    const kLatest = keys.latest(s.asset);
    const kHistory = keys.history(s.asset);
    const kSentiment = keys.sentiment(s.asset);
    const kApplied = keys.applied(s.id);
    sweep();
    const now = clock();
    if (live(applied, kApplied) !== undefined) {
      return { applied: false, ewma: ewma.get(kSentiment)?.value ?? 0, latest: false, cached_at: null };
    }
    applied.set(kApplied, { value: true, expiresAt: now + opts.appliedTtlS * 1000 });
    const cached = cachedAtText(now);
    const json = `${e.head}${cached}}`;

    const current = live(latest, kLatest);
    const becomesLatest = current === undefined || e.publishedMs >= current.publishedMs;
    if (becomesLatest) {
      latest.set(kLatest, { value: { json, publishedMs: e.publishedMs }, expiresAt: now + opts.signalTtlS * 1000 });
    }

    const list = history.get(kHistory) ?? [];
    list.unshift(json);
    list.length = Math.min(list.length, opts.historyLength);
    history.set(kHistory, list);

    const prev = ewma.get(kSentiment);
    const value = nextEwma(prev?.value ?? null, s.sentiment, opts.ewmaAlpha);
    ewma.set(kSentiment, { value, count: (prev?.count ?? 0) + 1, updated_ms: now });
    appliedTotal += 1;
    return { applied: true, ewma: value, latest: becomesLatest, cached_at: Number(cached) };
  };

  return {
    kind: 'memory',

    async apply(signal: TradingSignal): Promise<ApplyResult> {
      open();
      keys.latest(signal.asset);
      return applyOne(encodeSignal(signal));
    },

    async applyMany(signals: readonly TradingSignal[]): Promise<ApplyResult[]> {
      open();
      for (const s of signals) keys.latest(s.asset);
      return signals.map(encodeSignal).map(applyOne);
    },

    async latest(asset: string): Promise<TradingSignal | null> {
      open();
      const k = keys.latest(asset);
      const e = live(latest, k);
      return e === undefined ? null : decodeSignal(e.json, k);
    },

    async history(asset: string, limit?: number): Promise<TradingSignal[]> {
      open();
      const k = keys.history(asset);
      const n = historyLimit(limit, opts.historyLength);
      return (history.get(k) ?? []).slice(0, n).map((json, i) => decodeSignal(json, `${k}[${i}]`));
    },

    async sentiment(asset: string): Promise<SentimentState | null> {
      open();
      const state = ewma.get(keys.sentiment(asset));
      return state === undefined ? null : { ...state };
    },

    async snapshot(asset: string): Promise<FeatureSnapshot> {
      open();
      const kLatest = keys.latest(asset);
      const kSentiment = keys.sentiment(asset);
      const e = live(latest, kLatest);
      return {
        latest: e === undefined ? null : decodeView(e.json, kLatest),
        running: ewma.get(kSentiment)?.value ?? null,
      };
    },

    async claimNewsId(newsId: string, msgId: string): Promise<ClaimResult> {
      open();
      const k = keys.ingestSeen(newsId);
      sweep();
      const owner = live(claims, k);
      if (owner === undefined) {
        claims.set(k, { value: msgId, expiresAt: clock() + opts.dedupeTtlS * 1000 });
        return 'new';
      }
      return owner === msgId ? 'same' : 'duplicate';
    },

    async appliedCount(): Promise<number> {
      open();
      return appliedTotal;
    },

    async regime(asset: string): Promise<string | null> {
      open();
      return live(regimes, keys.regime(asset)) ?? live(regimes, keys.regime()) ?? null;
    },

    async setRegime(regime: string, o: { asset?: string; ttlS?: number } = {}): Promise<void> {
      open();
      const ttl = checkRegime(regime, o.ttlS);
      regimes.set(keys.regime(o.asset), { value: regime, expiresAt: ttl > 0 ? clock() + ttl * 1000 : Infinity });
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}
