/**
 * The decision path's read: five numbers at positions offset..offset+4 of the decision vector, computed by a profile
 * (profiles.ts; `design` by default, exactly CONTRACT.md).
 *
 * The decision loop must never wait on, or fail because of, this sidecar: every answer comes within the budget and
 * nothing throws. When the store cannot answer the features are the profile's neutral vector and `status` says why.
 * With a near cache (near-cache.ts) a read that hits answers synchronously from memory.
 */
import type { FeatureSnapshot, SignalStore } from '@himari/signal-store';
import { FEATURE_COUNT, fromSnapshot, neutralValues, type FeatureProfile, type FeatureStatus, type LlmFeatures } from './profiles.ts';

export interface FeatureInjectorOptions {
  /**
   * Only `snapshot` is used: one read of latest signal and EWMA together. A near cache (`createNearCache`) is a
   * store too; its `peek` is tried first and answers without a promise round trip to Redis.
   */
  store: Pick<SignalStore, 'snapshot'> & { peek?: (asset: string) => FeatureSnapshot | undefined };
  /** `design` (CONTRACT.md, the default) or `himari` (event half-life decay, impact flag, age from publication). */
  profile?: FeatureProfile;
  /** Answer within this many ms or return neutral features flagged `timeout`. Timers fire no sooner than 1 ms. @default 1 */
  budgetMs?: number;
  /** (himari profile) a latest signal published longer ago than this is `stale`. @default 14400 */
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
  const profile = opts.profile ?? 'design';
  const budgetMs = opts.budgetMs ?? 1;
  const staleAfterS = opts.staleAfterS ?? 14_400;
  const offset = opts.offset ?? 55;
  const vectorLength = opts.vectorLength ?? 60;
  const clock = opts.clock ?? Date.now;
  const { store, onError } = opts;
  if (profile !== 'design' && profile !== 'himari') throw new FeatureConfigError(`unknown feature profile ${JSON.stringify(profile)}`);
  if (!(budgetMs > 0) || !(staleAfterS > 0)) {
    throw new FeatureConfigError(`budgetMs and staleAfterS must be positive, got ${budgetMs} and ${staleAfterS}`);
  }
  if (!Number.isInteger(offset) || !Number.isInteger(vectorLength) || offset < 0 || offset + FEATURE_COUNT > vectorLength) {
    throw new FeatureConfigError(`positions ${offset}..${offset + FEATURE_COUNT - 1} do not fit a vector of ${vectorLength}`);
  }
  const neutral = (asset: string, status: FeatureStatus): LlmFeatures => ({
    asset,
    values: neutralValues(profile),
    status,
    profile,
    source: 'none',
    age_s: null,
    signal_id: null,
  });

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

  const peek = (asset: string): FeatureSnapshot | undefined => {
    if (store.peek === undefined) return undefined;
    try {
      return store.peek(asset);
    } catch (err) {
      report(onError, err, asset);
      return undefined;
    }
  };

  const readSync = (asset: string): LlmFeatures | undefined => {
    const hit = peek(asset);
    return hit === undefined ? undefined : fromSnapshot(asset, hit, clock(), { profile, staleAfterS, source: 'near_cache' });
  };

  const read = async (asset: string): Promise<LlmFeatures> => {
    const cached = readSync(asset);
    if (cached !== undefined) return cached;
    const outcome = await fetchWithinBudget(asset);
    if (outcome.kind === 'timeout') return neutral(asset, 'timeout');
    if (outcome.kind === 'failed') return neutral(asset, 'error');
    return fromSnapshot(asset, outcome.snapshot, clock(), { profile, staleAfterS, source: 'store' });
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

function report(onError: FeatureInjectorOptions['onError'], err: unknown, asset: string): void {
  if (onError === undefined) return;
  try {
    onError(err, asset);
  } catch {
    // A failing error hook must not break the never-throws promise of the decision path.
  }
}
