/**
 * How a snapshot (latest signal + running sentiment) becomes the five numbers. `design` is the decision loop's
 * contract (CONTRACT.md) and the default; `himari` is our opt-in variant. README: the table of both.
 */
import type { FeatureSnapshot, SignalView } from '@himari/signal-store';

export const FeatureProfile = {
  /** The design: 56 = confidence × exp(−age/300), age from `cached_at`; 58 = earnings or macro; no signal → [0, 0.5, 0, 0, running]. */
  design: 'design',
  /** Ours: 56 decays by the event's half-life, age from `published_at`; 58 = impact high; stale and no signal → zeros (59 kept when stale). */
  himari: 'himari',
} as const;
export type FeatureProfile = (typeof FeatureProfile)[keyof typeof FeatureProfile];

export const FeatureStatus = {
  ok: 'ok',
  /** (himari profile) The latest signal is older than `staleAfterS`: positions 0-3 neutral, the running sentiment kept. */
  stale: 'stale',
  /** No latest signal (never written or its TTL ran out): the profile's no-signal vector, with the running sentiment. */
  missing: 'missing',
  /** The store did not answer within the budget: the profile's neutral vector. */
  timeout: 'timeout',
  /** The store failed, its data was unreadable, or the caller passed a vector of the wrong length: the neutral vector. */
  error: 'error',
} as const;
export type FeatureStatus = (typeof FeatureStatus)[keyof typeof FeatureStatus];

export type FeatureValues = readonly [number, number, number, number, number];

/** Where the answer came from: the in-process near cache, a store read, or nowhere (a neutral answer). */
export type FeatureSource = 'near_cache' | 'store' | 'none';

export interface LlmFeatures {
  asset: string;
  values: FeatureValues;
  status: FeatureStatus;
  profile: FeatureProfile;
  source: FeatureSource;
  /**
   * Seconds the profile ages confidence by: since `cached_at` (design) or since `published_at` (himari); negative
   * when that lies in the future (clock skew), and then not decayed. Null without a signal.
   */
  age_s: number | null;
  signal_id: string | null;
}

export const FEATURE_COUNT = 5;
/** The design's decay constant for position 56, in seconds. */
export const DESIGN_DECAY_S = 300;
/** Event types that set position 58 in the design profile. */
export const DESIGN_EVENT_TYPES: ReadonlySet<string> = new Set(['earnings', 'macro']);

/** The vector with no signal, before the running sentiment is known: the design's `[0, 0.5, 0, 0, 0]`; ours: zeros. */
export function neutralValues(profile: FeatureProfile, running = 0): FeatureValues {
  return profile === 'design' ? [0, 0.5, 0, 0, clean(running)] : [0, 0, 0, 0, 0];
}

/** Pure: the feature values of a snapshot at time `nowMs`. */
export function fromSnapshot(
  asset: string,
  snap: FeatureSnapshot,
  nowMs: number,
  opts: { profile: FeatureProfile; staleAfterS: number; source: FeatureSource },
): LlmFeatures {
  const running = snap.running ?? 0;
  const latest = snap.latest;
  const { profile, source } = opts;
  if (latest === null) {
    // The design keeps the running sentiment without a signal; ours did not (the EWMA summarises old news then).
    return { asset, values: neutralValues(profile, running), status: 'missing', profile, source, age_s: null, signal_id: null };
  }
  return profile === 'design' ? design(asset, latest, running, nowMs, source) : himari(asset, latest, running, nowMs, opts);
}

function design(asset: string, latest: SignalView, running: number, nowMs: number, source: FeatureSource): LlmFeatures {
  const age_s = nowMs / 1000 - latest.cached_at;
  // A cached_at a hair ahead of this clock (another host, or Redis's µs against Date.now's ms) is not "more than full".
  const c = latest.confidence * Math.exp(-Math.max(0, age_s) / DESIGN_DECAY_S);
  const s = latest.sentiment;
  const impact = DESIGN_EVENT_TYPES.has(latest.event_type) ? 1 : 0;
  return {
    asset,
    values: [clean(s), clean(c), clean(s * c), impact, clean(running)],
    status: 'ok',
    profile: 'design',
    source,
    age_s,
    signal_id: latest.id,
  };
}

function himari(
  asset: string,
  latest: SignalView,
  running: number,
  nowMs: number,
  opts: { staleAfterS: number; source: FeatureSource },
): LlmFeatures {
  const age_s = (nowMs - latest.published_ms) / 1000;
  const base = { asset, profile: 'himari' as const, source: opts.source, age_s, signal_id: latest.id };
  if (age_s > opts.staleAfterS) {
    // The EWMA summarises many signals and moves slowly; one old latest signal says nothing about it.
    return { ...base, status: 'stale', values: [0, 0, 0, 0, clean(running)] };
  }
  const decayed = latest.confidence * 0.5 ** (Math.max(0, age_s) / latest.half_life_s);
  const s = latest.sentiment;
  return {
    ...base,
    status: 'ok',
    values: [clean(s), clean(decayed), clean(s * decayed), latest.impact === 'high' ? 1 : 0, clean(running)],
  };
}

/** −0 (a zero sentiment times a confidence) carries no meaning; outputs stay canonical for consumers that compare bits. */
function clean(x: number): number {
  return x === 0 ? 0 : x;
}
