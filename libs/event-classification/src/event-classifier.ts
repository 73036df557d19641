/**
 * J7 as the pipeline runs it: the topic model decides the category, the phrase rules decide everything else.
 *
 *  - category: the topic model's most probable class (earnings, macro, corporate, regulatory, market, unknown), with
 *    one exception: the topic data has no crypto topic, so the model cannot know `crypto_specific`; when the rules'
 *    best category is crypto_specific with at least CRYPTO_RULE_MIN of evidence (one defining phrase such as "spot
 *    bitcoin etf", "hacked", "depeg", "whale") and the text is about crypto (it names a crypto asset, or a phrase of
 *    CRYPTO_ANCHORS fired), the rules' answer stands.
 *  - category_confidence: the model's probability of its class (the rules' confidence formula for a crypto answer);
 *    0 for `unknown`, as before: there is no event to be sure of.
 *  - subcategory, impact, urgency, half-life, matched: from the phrase rules' evidence inside the chosen category
 *    (`general` when no rule of that category fired), exactly as classifyEventRules computes them.
 *  - entities: extractEntities.
 *
 * Synchronous and allocation-light: one tokenisation for the rules, one for the model's n-grams.
 */
import type { EventCategory, EventInfo } from '@himari/contracts';
import { collectEvidence, confidence, eventInfoFor, rankCategories, RULES_VERSION } from './classifier.ts';
import type { Evidence } from './classifier.ts';
import { extractEntities } from './entities.ts';
import { ENTITY_DICTIONARY } from './entity-dictionary.ts';
import { DEFAULT_EVENT_MODEL_NAME, loadEventModel } from './model.ts';
import type { EventTopicModel } from './model.ts';
import { DEFAULT_EVENT_MODEL_PATH } from './paths.ts';
import { CRYPTO_ANCHORS } from './taxonomy.ts';

/** Rule evidence for crypto_specific that overrides the model: one weight-3 phrase, or two weaker ones. */
export const CRYPTO_RULE_MIN = 3;

/** What `classifyEvent` writes into EventInfo.classifier: the committed model's name and the rules' version. */
export const CLASSIFIER_VERSION = `${DEFAULT_EVENT_MODEL_NAME}+${RULES_VERSION}`;

export interface EventClassifier {
  /** `<model name>+phrase-rules@N`, written into EventInfo.classifier. */
  readonly version: string;
  readonly model: EventTopicModel;
  classify(text: string): EventInfo;
  /** The category alone (what the evaluation scores), without building the whole EventInfo. */
  category(text: string): EventCategory;
}

export function createEventClassifier(model: EventTopicModel): EventClassifier {
  const version = `${model.name}+${RULES_VERSION}`;
  const decide = (text: string, entities: readonly string[]): { category: EventCategory; confidence: number; ev: Evidence } => {
    const ev = collectEvidence(text);
    const ranked = rankCategories(ev);
    const best = ranked[0];
    if (best && best.category === 'crypto_specific' && best.total >= CRYPTO_RULE_MIN && aboutCrypto(ev, entities)) {
      return { category: 'crypto_specific', confidence: confidence(best.total, ranked[1]?.total ?? 0), ev };
    }
    const p = model.predict(text);
    return { category: p.category, confidence: p.category === 'unknown' ? 0 : p.probability, ev };
  };
  return {
    version,
    model,
    classify(text) {
      const entities = extractEntities(text);
      const d = decide(text, entities);
      return eventInfoFor(d.ev, d.category, d.confidence, entities, version);
    },
    category: (text) => decide(text, extractEntities(text)).category,
  };
}

const ANCHORS: ReadonlySet<string> = new Set(CRYPTO_ANCHORS);
const CRYPTO_TICKERS: ReadonlySet<string> = new Set(ENTITY_DICTIONARY.filter((e) => e.kind === 'crypto').map((e) => e.ticker));

function aboutCrypto(ev: Evidence, entities: readonly string[]): boolean {
  return entities.some((t) => CRYPTO_TICKERS.has(t)) || ev.matched.some((m) => ANCHORS.has(m));
}

let shared: EventClassifier | null = null;

/**
 * The classifier over the committed model, loaded on first use (a missing or corrupt model file throws: there is no
 * silent fallback to the rules).
 */
export function defaultEventClassifier(): EventClassifier {
  shared ??= createEventClassifier(loadEventModel(DEFAULT_EVENT_MODEL_PATH));
  return shared;
}

/** J7: category (topic model), subcategory, impact, urgency, half-life (phrase rules), entities. */
export function classifyEvent(text: string): EventInfo {
  return defaultEventClassifier().classify(text);
}
