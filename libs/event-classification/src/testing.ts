/** Fixture builders for code that consumes J7 output and wants a fixed, valid EventInfo. */
import type { EventInfo } from '@himari/contracts';
import { CLASSIFIER_VERSION } from './classifier.ts';
import { HALF_LIFE_S } from './taxonomy.ts';

export function eventInfo(overrides: Partial<EventInfo> = {}): EventInfo {
  const category = overrides.category ?? 'earnings';
  const urgency = overrides.urgency ?? 'short_term';
  return {
    category,
    subcategory: 'report',
    impact: 'medium',
    urgency,
    half_life_s: HALF_LIFE_S[category][urgency],
    category_confidence: 0.8,
    entities: ['AAPL'],
    matched: ['earnings'],
    classifier: CLASSIFIER_VERSION,
    ...overrides,
  };
}
