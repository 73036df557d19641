import type { EventCategory, Impact, StoreKeys, TradingSignal } from '@himari/contracts';

/** Epoch milliseconds; injectable so that tests control time. */
export type Clock = () => number;

/**
 * Running (EWMA) sentiment of one asset: `value` from `<prefix>:sentiment:<asset>` (a plain string float, the design's
 * layout), `count` and `updated_ms` from `<prefix>:stats:sentiment:<asset>`.
 */
export interface SentimentState {
  value: number;
  count: number;
  updated_ms: number;
}

export interface ApplyResult {
  /**
   * False if this signal id was applied before under this bus prefix (within the applied-marker TTL): nothing was
   * written, and the caller should say so (a replay of the same run).
   */
  applied: boolean;
  /** The asset's EWMA after the call (unchanged when `applied` is false; 0 when no EWMA exists). */
  ewma: number;
  /** True when the signal became `latest`; false when a newer one (by `published_at`) was kept, or not applied. */
  latest: boolean;
  /** Epoch seconds of the write (the store's clock: Redis TIME or the memory store's clock); null when not applied. */
  cached_at: number | null;
}

export type ClaimResult = 'new' | 'same' | 'duplicate';

/** The few fields of the latest signal that the decision path needs, checked without a full schema parse. */
export interface SignalView {
  id: string;
  sentiment: number;
  confidence: number;
  event_type: EventCategory;
  /** Epoch seconds when the signal was written to the store (the design's age is counted from here). */
  cached_at: number;
  /** Epoch seconds when the signal was finalised. */
  timestamp: number;
  /** Epoch ms of the news's `published_at`. */
  published_ms: number;
  impact: Impact;
  half_life_s: number;
}

/** Latest signal and running sentiment of one asset, read in one step (one round trip in Redis). */
export interface FeatureSnapshot {
  latest: SignalView | null;
  /** The EWMA (`<prefix>:sentiment:<asset>`); null when no signal was ever applied. */
  running: number | null;
}

export interface SignalStore {
  readonly kind: 'redis' | 'memory';
  /**
   * Idempotent by signal.id (per bus prefix): SETEX latest (ttl), LPUSH+LTRIM history, EWMA update, stats, applied
   * marker, a publish on the updates channel; all in one atomic step. A signal published earlier than the stored
   * latest still goes to history and the EWMA but does not replace the latest. Rejects with
   * SignalStoreError('invalid_signal') for a value that fails the TradingSignal schema (or has an unreadable
   * `published_at`) and with InvalidAssetError for an asset that cannot be a key.
   */
  apply(signal: TradingSignal): Promise<ApplyResult>;
  /**
   * `apply` for several signals in one round trip (a Redis pipeline of the same atomic script, one per signal, in
   * order). Every signal is checked before anything is sent: one invalid signal rejects the call and writes nothing.
   */
  applyMany(signals: readonly TradingSignal[]): Promise<ApplyResult[]>;
  latest(asset: string): Promise<TradingSignal | null>;
  /** Newest first, in the order signals were applied; at most `limit` (default: the history length). */
  history(asset: string, limit?: number): Promise<TradingSignal[]>;
  sentiment(asset: string): Promise<SentimentState | null>;
  /** The decision path's read: latest (as a SignalView) and EWMA together, consistent with each other. */
  snapshot(asset: string): Promise<FeatureSnapshot>;
  /**
   * Ingest duplicate detection: first msgId to claim a news id wins; the same msgId again -> 'same' (a redelivery),
   * another msgId -> 'duplicate'. The claim lasts `dedupeTtlS`.
   */
  claimNewsId(newsId: string, msgId: string): Promise<ClaimResult>;
  /** Count of signal ids applied under this key prefix (a re-apply after the marker expired counts again). */
  appliedCount(): Promise<number>;
  /**
   * The market regime the decision engine set for this asset, else the one it set for the whole market (J2's
   * market context); null when neither is set or both expired.
   */
  regime(asset: string): Promise<string | null>;
  /**
   * Sets a regime (`trending_up`, `high_volatility`, ...): for one asset, or the whole market without `asset`.
   * `ttlS` 0 or absent: until replaced. Rejects with SignalStoreError('invalid_regime') for anything but 1-64
   * characters of letters, digits, `_ - . /` and spaces.
   */
  setRegime(regime: string, opts?: { asset?: string; ttlS?: number }): Promise<void>;
  /** Releases what the store opened itself; a Redis client passed in by the caller stays open. */
  close(): Promise<void>;
}

export interface SignalStoreOptions {
  keys: StoreKeys;
  /** TTL of the latest key. */
  signalTtlS: number;
  /** History list length (LTRIM). */
  historyLength: number;
  /** EWMA weight of the newest sentiment: value = alpha*s + (1-alpha)*prev. */
  ewmaAlpha: number;
  /** How long an applied signal id is remembered. */
  appliedTtlS: number;
  /** How long a news id claim lasts. */
  dedupeTtlS: number;
}

export const StoreErrorCode = {
  invalidSignal: 'invalid_signal',
  corruptValue: 'corrupt_value',
  invalidOptions: 'invalid_options',
  closed: 'closed',
  unexpectedReply: 'unexpected_reply',
  invalidRegime: 'invalid_regime',
} as const;
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

export class SignalStoreError extends Error {
  override readonly name = 'SignalStoreError';
  /** None of these heal by retrying the same call; connection errors come through as ioredis errors. */
  readonly retryable = false;
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
