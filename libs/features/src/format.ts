import type { LlmFeatures } from './injector.ts';

export const FEATURE_NAMES = ['sentiment', 'decayed_confidence', 'sentiment_x_confidence', 'high_impact', 'running_sentiment'] as const;

/** What `himari features ASSET` prints: every value by name, and where each sits in the decision vector. */
export function formatFeaturesJson(f: LlmFeatures, offset = 55): string {
  const named = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, f.values[i]]));
  const positions = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, offset + i]));
  return JSON.stringify({ asset: f.asset, ...named, status: f.status, age_s: f.age_s, signal_id: f.signal_id, positions }, null, 2);
}
