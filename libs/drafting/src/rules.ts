/**
 * The drafting rules that turn J5/J7 outputs into signal fields. Each is a small documented function so that the
 * no-LLM path is explainable line by line, and the LLM path can fall back to the same rule for a field the model
 * left out.
 */
import type { Direction, EventInfo, Magnitude, SentimentScore, Timeframe } from '@himari/contracts';

/**
 * |compound| below this is HOLD. 0.15 sits just above VADER's customary ±0.05 "neutral" band so that a single mildly
 * positive word does not open a position, and well below the ±0.5 of clearly polar text.
 */
export const DEFAULT_DIRECTION_THRESHOLD = 0.15;

export function directionFromCompound(compound: number, threshold = DEFAULT_DIRECTION_THRESHOLD): Direction {
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`direction threshold must be in [0, 1], got ${threshold}`);
  if (Math.abs(compound) < threshold || compound === 0) return 0;
  return compound > 0 ? 1 : -1;
}

/**
 * confidence_raw = p_win × (0.5 + 0.5 × category_confidence)
 *
 * p_win is the largest of J5's three class probabilities (how sure the scorer is of its own label). The event factor
 * ranges from 0.5 (J7 could not tell what kind of news this is) to 1 (it is sure): an unclassified item halves the
 * confidence rather than zeroing it, because the sentiment alone still carries information. The result is raw: J4
 * maps it to an empirical hit rate per (model, source, category); nothing downstream should read it as a probability.
 */
export function rawConfidence(sentiment: SentimentScore, event: EventInfo): number {
  const { positive, negative, neutral } = sentiment.probabilities;
  const pWin = Math.max(positive, negative, neutral);
  const eventFactor = 0.5 + 0.5 * event.category_confidence;
  return clamp01(pWin * eventFactor);
}

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;

/**
 * From the half-life J7 assigned: under 6 h intraday, under 3 days short term, under 30 days medium term, else long
 * term. `immediate` urgency forces intraday whatever the half-life: J7 says the market reacts now.
 */
export function timeframeFromEvent(event: Pick<EventInfo, 'urgency' | 'half_life_s'>): Timeframe {
  if (event.urgency === 'immediate') return 'intraday';
  const h = event.half_life_s;
  if (h < 6 * HOUR_S) return 'intraday';
  if (h < 3 * DAY_S) return 'short_term';
  if (h < 30 * DAY_S) return 'medium_term';
  return 'long_term';
}

const STEPS: readonly Magnitude[] = ['low', 'medium', 'high'];

/**
 * Starts from J7's impact and moves one step with the sentiment's strength: |s| < 0.2 one step down (the news matters
 * but the text barely leans), |s| >= 0.6 one step up (strongly worded), capped at low and high.
 */
export function magnitudeFrom(impact: EventInfo['impact'], sentiment: number): Magnitude {
  let step = STEPS.indexOf(impact);
  const strength = Math.abs(sentiment);
  if (strength < 0.2) step -= 1;
  else if (strength >= 0.6) step += 1;
  return STEPS[Math.max(0, Math.min(STEPS.length - 1, step))]!;
}

/** `category/subcategory`, or the category alone when J7 gave no subcategory. */
export function eventLabel(event: Pick<EventInfo, 'category' | 'subcategory'>): string {
  const sub = event.subcategory.trim();
  return sub === '' ? event.category : `${event.category}/${sub}`;
}

/** `model@version`: provenance has one field per upstream model, so the version rides in it. */
export function sentimentModelId(s: Pick<SentimentScore, 'model' | 'model_version'>): string {
  return s.model_version.trim() === '' ? s.model : `${s.model}@${s.model_version}`;
}

export function clamp01(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  return Math.min(1, Math.max(0, x));
}

export function uniqueStrings(xs: Iterable<string>): string[] {
  return [...new Set(xs)];
}
