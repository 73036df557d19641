/**
 * The decision path's read: five numbers at positions offset..offset+4 of the decision vector.
 *
 *   offset+0  sentiment of the latest signal (−1..1)
 *   offset+1  confidence decayed by age: confidence * 0.5^(age_s / event.half_life_s)
 *   offset+2  (offset+0) * (offset+1)
 *   offset+3  1 when the latest signal's event impact is `high`, else 0
 *   offset+4  running sentiment (the store's EWMA)
 *
 * The decision loop must never wait on, or fail because of, this sidecar: every answer comes within the budget and
 * nothing throws. When the answer is not `ok` the features are neutral (0) and `status` says why.
 */
import type { FeatureSnapshot, SignalStore } from '@himari/signal-store';

export const FeatureStatus = {
  ok: 'ok',
  /** The latest signal is older than `staleAfterS`: positions 0-3 neutral, the running sentiment kept. */
  stale: 'stale',
  /** No latest signal (never written or its TTL ran out): all neutral. */
  missing: 'missing',
  /** The store did not answer within the budget: all neutral. */
  timeout: 'timeout',
  /** The store failed, its data was unreadable, or the caller passed a vector of the wrong length: all neutral. */
  error: 'error',
} as const;
export type FeatureStatus = (typeof FeatureStatus)[keyof typeof FeatureStatus];

export type FeatureValues = readonly [number, number, number, number, number];

export interface LlmFeatures {
  asset: string;
  values: FeatureValues;
  status: FeatureStatus;
  /** Seconds since the latest signal's `timestamp` (negative if that lies in the future); null without a signal. */
  age_s: number | null;
  signal_id: string | null;
}

export const FEATURE_COUNT = 5;
export const NEUTRAL: FeatureValues = Object.freeze([0, 0, 0, 0, 0] as const);

export interface FeatureInjectorOptions {
  /** Only `snapshot` is used: one read of latest signal and EWMA together. */
  store: Pick<SignalStore, 'snapshot'>;
  /** Answer within this many ms or return neutral features flagged `timeout`. Timers fire no sooner than 1 ms. @default 1 */
  budgetMs?: number;
  /** @default 300 */
  staleAfterS?: number;
  /** @default 55 */
  offset?: number;
  /** @default 60 */
  vectorLength?: number;
  /** Epoch ms, for the signal's age. @default Date.now */
  clock?: () => number;
  /**
   * Told about each store failure, also one that arrives after the budget ran out, and about a base vector of the
   * wrong length: the injector has no logger, and an `error` or `timeout` status alone would hide the cause.
   */
  onError?: (err: unknown, asset: string) => void;
}

export interface FeatureInjector {
  /** A copy of `base` with the five positions written. Never rejects. */
  inject(base: Float64Array, asset: string): Promise<Float64Array>;
  /** Like inject, and says what was written and why. Never rejects. */
  injectDetailed(base: Float64Array, asset: string): Promise<{ vector: Float64Array; features: LlmFeatures }>;
  /** The five features without a vector. Never rejects. */
  read(asset: string): Promise<LlmFeatures>;
}

export class FeatureConfigError extends Error {
  override readonly name = 'FeatureConfigError';
  readonly retryable = false;
}

type Outcome = { kind: 'snapshot'; snapshot: FeatureSnapshot } | { kind: 'failed'; err: unknown } | { kind: 'timeout' };

const TIMED_OUT: Outcome = { kind: 'timeout' };

/** Throws FeatureConfigError at construction for a layout that cannot hold five features: a startup error, not a read error. */
export function createFeatureInjector(opts: FeatureInjectorOptions): FeatureInjector {
  const budgetMs = opts.budgetMs ?? 1;
  const staleAfterS = opts.staleAfterS ?? 300;
  const offset = opts.offset ?? 55;
  const vectorLength = opts.vectorLength ?? 60;
  const clock = opts.clock ?? Date.now;
  const { store, onError } = opts;
  if (!(budgetMs > 0) || !(staleAfterS > 0)) {
    throw new FeatureConfigError(`budgetMs and staleAfterS must be positive, got ${budgetMs} and ${staleAfterS}`);
  }
  if (!Number.isInteger(offset) || !Number.isInteger(vectorLength) || offset < 0 || offset + FEATURE_COUNT > vectorLength) {
    throw new FeatureConfigError(`positions ${offset}..${offset + FEATURE_COUNT - 1} do not fit a vector of ${vectorLength}`);
  }

  const fetchWithinBudget = async (asset: string): Promise<Outcome> => {
    let pending: Promise<Outcome>;
    try {
      // Both handlers are attached now, so an answer or failure that comes after the timer never goes unhandled;
      // a late failure is still reported, since it is often why reads time out (e.g. Redis reconnecting).
      pending = Promise.resolve(store.snapshot(asset)).then(
        (snapshot): Outcome => ({ kind: 'snapshot', snapshot }),
        (err: unknown): Outcome => {
          report(onError, err, asset);
          return { kind: 'failed', err };
        },
      );
    } catch (err) {
      report(onError, err, asset);
      pending = Promise.resolve({ kind: 'failed', err });
    }
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<Outcome>((resolve) => {
      timer = setTimeout(resolve, budgetMs, TIMED_OUT);
    });
    try {
      return await Promise.race([pending, expired]);
    } finally {
      clearTimeout(timer);
    }
  };

  const read = async (asset: string): Promise<LlmFeatures> => {
    const outcome = await fetchWithinBudget(asset);
    if (outcome.kind === 'timeout') return neutral(asset, 'timeout');
    if (outcome.kind === 'failed') return neutral(asset, 'error');
    return fromSnapshot(asset, outcome.snapshot, clock(), staleAfterS);
  };

  const injectDetailed = async (base: Float64Array, asset: string): Promise<{ vector: Float64Array; features: LlmFeatures }> => {
    const vector = Float64Array.from(base);
    if (base.length !== vectorLength) {
      report(onError, new FeatureConfigError(`base vector has ${base.length} values, expected ${vectorLength}`), asset);
      return { vector, features: neutral(asset, 'error') };
    }
    const features = await read(asset);
    vector.set(features.values, offset);
    return { vector, features };
  };

  return {
    read,
    injectDetailed,
    inject: async (base, asset) => (await injectDetailed(base, asset)).vector,
  };
}

/** Pure: the feature values of a snapshot at time `nowMs`. */
export function fromSnapshot(asset: string, snap: FeatureSnapshot, nowMs: number, staleAfterS: number): LlmFeatures {
  const running = snap.sentiment?.value ?? 0;
  const latest = snap.latest;
  if (latest === null) return neutral(asset, 'missing');
  const age_s = (nowMs - latest.timestamp) / 1000;
  const base = { asset, age_s, signal_id: latest.id };
  if (age_s > staleAfterS) {
    // The EWMA summarises many signals and moves slowly; one old latest signal says nothing about it.
    return { ...base, status: 'stale', values: [0, 0, 0, 0, clean(running)] };
  }
  // A timestamp from the future (clock skew between hosts) counts as fresh rather than as more than full confidence.
  const decayed = latest.confidence * 0.5 ** (Math.max(0, age_s) / latest.half_life_s);
  const s = latest.sentiment;
  return {
    ...base,
    status: 'ok',
    values: [clean(s), clean(decayed), clean(s * decayed), latest.impact === 'high' ? 1 : 0, clean(running)],
  };
}

function neutral(asset: string, status: FeatureStatus): LlmFeatures {
  return { asset, values: NEUTRAL, status, age_s: null, signal_id: null };
}

/** −0 (a zero sentiment times a confidence) carries no meaning; outputs stay canonical for consumers that compare bits. */
function clean(x: number): number {
  return x === 0 ? 0 : x;
}

function report(onError: FeatureInjectorOptions['onError'], err: unknown, asset: string): void {
  if (onError === undefined) return;
  try {
    onError(err, asset);
  } catch {
    // A failing error hook must not break the never-throws promise of the decision path.
  }
}
