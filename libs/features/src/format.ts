import type { LlmFeatures } from './profiles.ts';

export const FEATURE_NAMES = ['sentiment', 'decayed_confidence', 'sentiment_x_confidence', 'event_impact', 'running_sentiment'] as const;

/** What `himari features ASSET` prints: every value by name, the vector slice, and where each sits in it. */
export function formatFeaturesJson(f: LlmFeatures, offset = 55): string {
  const named = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, f.values[i]]));
  const positions = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, offset + i]));
  return JSON.stringify(
    {
      asset: f.asset,
      ...named,
      values: f.values,
      status: f.status,
      profile: f.profile,
      source: f.source,
      age_s: f.age_s,
      signal_id: f.signal_id,
      positions,
    },
    null,
    2,
  );
}
