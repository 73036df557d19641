/**
 * J7 phrase rules: whole-token phrases with weights (taxonomy.ts). `classifyEvent` (event-classifier.ts) takes the
 * category from the topic model and everything else from these rules; `classifyEventRules` is the rules alone.
 *
 *  - Every phrase that fires adds its weight to its category and subcategory once, however often it repeats; a
 *    longer phrase hides the shorter ones inside it ("interest rate hike" fires "rate hike", not "rate" and "hike").
 *  - The category with the highest total wins; ties go to the one with the strongest single phrase, then to
 *    CATEGORY_ORDER. Below MIN_CATEGORY_SCORE the event is `unknown`.
 *  - category_confidence = (1 − e^(−S1/3)) · (0.5 + 0.5 · (S1 − S2)/S1), S1 and S2 the best and second-best totals:
 *    the first factor grows with the amount of evidence (one defining phrase ≈ 0.63, two ≈ 0.86), the second with
 *    the margin over the runner-up (a tie halves it). `unknown` has confidence 0: there is no evidence for anything.
 *  - impact starts from the subcategory default and is raised (never lowered) by phrase tags, by HIGH_IMPACT_CUES,
 *    and, for beats, misses and price moves, by a percentage of BIG_MOVE_PCT or more in the text.
 *  - urgency: `immediate` if an immediate cue or an immediate-tagged phrase fires, else `long_term` if a long-term
 *    cue fires, else the subcategory default. half_life_s comes from HALF_LIFE_S[category][urgency].
 */
import type { EventCategory, EventInfo, Impact, Urgency } from '@himari/contracts';
import { extractEntities } from './entities.ts';
import { PhraseIndex } from './phrase-index.ts';
import {
  BIG_MOVE_PCT,
  CATEGORY_ORDER,
  CATEGORY_RULES,
  GENERAL_SUBCATEGORY,
  HALF_LIFE_S,
  HIGH_IMPACT_CUES,
  MIN_CATEGORY_SCORE,
  MOVE_WORDS,
  SUBCATEGORY_DEFAULTS,
  UNKNOWN_DEFAULTS,
  UNKNOWN_SUBCATEGORY,
  URGENCY_CUES,
  type KnownCategory,
  type Rule,
} from './taxonomy.ts';
import { phraseTokens, tokenize } from './text.ts';

export const RULES_VERSION = 'phrase-rules@1';

/** Evidence scale of the confidence's first factor: total weight at which it reaches 1 − 1/e. */
const EVIDENCE_SCALE = 3;
/** A signed percentage ("+18%") or a move word before a percentage ("falling 6%") is how news states a price move. */
const PCT_MOVE_RULE: Rule = { phrase: '<percent move>', subcategory: 'price_move', weight: 2, tags: {} };
const MOVES: ReadonlySet<string> = new Set(MOVE_WORDS);
const SIGNED_PCT_RE = /^[+-]\d+(?:[.,]\d+)?%$/;
const PCT_RE = /^[+-]?(\d+(?:[.,]\d+)?)%$/;

type Entry =
  | { readonly kind: 'rule'; readonly category: KnownCategory; readonly rule: Rule }
  | { readonly kind: 'cue'; readonly cue: 'immediate' | 'long_term' | 'high_impact'; readonly phrase: string };

const INDEX = buildIndex();

function buildIndex(): PhraseIndex<Entry> {
  const index = new PhraseIndex<Entry>();
  for (const category of CATEGORY_ORDER) {
    for (const rule of CATEGORY_RULES[category]) index.add(phraseTokens(rule.phrase), { kind: 'rule', category, rule });
  }
  for (const phrase of URGENCY_CUES.immediate) index.add(phraseTokens(phrase), { kind: 'cue', cue: 'immediate', phrase });
  for (const phrase of URGENCY_CUES.long_term) index.add(phraseTokens(phrase), { kind: 'cue', cue: 'long_term', phrase });
  for (const phrase of HIGH_IMPACT_CUES) index.add(phraseTokens(phrase), { kind: 'cue', cue: 'high_impact', phrase });
  return index;
}

export interface Evidence {
  readonly rules: { readonly category: KnownCategory; readonly rule: Rule }[];
  readonly cues: Set<'immediate' | 'long_term' | 'high_impact'>;
  readonly matched: string[];
  /** Largest |percentage| in the text, 0 if none. */
  readonly maxPct: number;
}

/** The phrase rules alone (the J7 classifier before the topic model): category, subcategory, impact, urgency. */
export function classifyEventRules(text: string): EventInfo {
  const ev = collectEvidence(text);
  const ranked = rankCategories(ev);
  const best = ranked[0];
  if (!best || best.total < MIN_CATEGORY_SCORE) return eventInfoFor(ev, 'unknown', 0, extractEntities(text), RULES_VERSION);
  return eventInfoFor(ev, best.category, confidence(best.total, ranked[1]?.total ?? 0), extractEntities(text), RULES_VERSION);
}

/** Rule categories with any evidence, best first (ties: strongest single phrase, then CATEGORY_ORDER). */
export function rankCategories(ev: Evidence): CategoryScore[] {
  return rank(categoryScores(ev.rules));
}

/**
 * The EventInfo for a category decided by any method: subcategory from the rule evidence inside that category
 * (`general` when none fired), impact and urgency from its defaults raised by the text's cues, half-life from both.
 * `unknown` always has subcategory `none` and confidence 0.
 */
export function eventInfoFor(
  ev: Evidence,
  category: EventCategory,
  categoryConfidence: number,
  entities: string[],
  classifier: string,
): EventInfo {
  if (category === 'unknown') {
    const urgency = urgencyFrom(ev, UNKNOWN_DEFAULTS.urgency);
    return {
      category: 'unknown',
      subcategory: UNKNOWN_SUBCATEGORY,
      impact: raiseImpact(UNKNOWN_DEFAULTS.impact, impactFromEvidence(ev)),
      urgency,
      half_life_s: HALF_LIFE_S.unknown[urgency],
      category_confidence: 0,
      entities,
      matched: ev.matched,
      classifier,
    };
  }
  const subcategory = pickSubcategory(ev.rules.filter((r) => r.category === category).map((r) => r.rule));
  const defaults = SUBCATEGORY_DEFAULTS[category][subcategory] ?? SUBCATEGORY_DEFAULTS[category][GENERAL_SUBCATEGORY];
  if (!defaults) throw new Error(`taxonomy has no defaults for ${category}/${subcategory}`);
  let impact = raiseImpact(defaults.impact, impactFromEvidence(ev));
  if (isMoveLike(category, subcategory)) impact = raiseImpact(impact, impactFromMove(ev.maxPct));
  const urgency = urgencyFrom(ev, defaults.urgency);
  return {
    category,
    subcategory,
    impact,
    urgency,
    half_life_s: HALF_LIFE_S[category][urgency],
    category_confidence: Math.min(1, Math.max(0, categoryConfidence)),
    entities,
    matched: ev.matched,
    classifier,
  };
}

export function collectEvidence(text: string): Evidence {
  const tokens = tokenize(text);
  const norms = tokens.map((t) => t.norm);
  const ev: Evidence = { rules: [], cues: new Set(), matched: [], maxPct: 0 };
  const seen = new Set<string>();
  const note = (phrase: string): void => {
    if (!seen.has(phrase)) {
      seen.add(phrase);
      ev.matched.push(phrase);
    }
  };
  const counted = new Set<string>();
  for (const m of INDEX.match(norms)) {
    for (const e of m.values) {
      if (e.kind === 'cue') {
        ev.cues.add(e.cue);
        note(e.phrase);
        continue;
      }
      note(e.rule.phrase);
      const key = `${e.category}\u0000${e.rule.phrase}`;
      if (counted.has(key)) continue;
      counted.add(key);
      ev.rules.push({ category: e.category, rule: e.rule });
    }
  }
  let moveSeen = false;
  let maxPct = 0;
  norms.forEach((n, i) => {
    const pct = PCT_RE.exec(n);
    if (!pct) return;
    maxPct = Math.max(maxPct, Number((pct[1] as string).replace(',', '.')));
    const stated = SIGNED_PCT_RE.test(n) || (i > 0 && MOVES.has(norms[i - 1] as string));
    if (stated && !moveSeen) {
      moveSeen = true;
      ev.rules.push({ category: 'market', rule: PCT_MOVE_RULE });
      note(i > 0 && MOVES.has(norms[i - 1] as string) ? `${norms[i - 1]} ${n}` : n);
    }
  });
  return { ...ev, maxPct };
}

export interface CategoryScore {
  readonly category: KnownCategory;
  readonly total: number;
  readonly strongest: number;
}

export function categoryScores(rules: Evidence['rules']): CategoryScore[] {
  return CATEGORY_ORDER.map((category) => {
    const ws = rules.filter((r) => r.category === category).map((r) => r.rule.weight);
    return { category, total: ws.reduce((a, b) => a + b, 0), strongest: Math.max(0, ...ws) };
  });
}

function rank(scores: readonly CategoryScore[]): CategoryScore[] {
  // Array.prototype.sort is stable, so equal scores keep CATEGORY_ORDER.
  return scores.filter((s) => s.total > 0).sort((a, b) => b.total - a.total || b.strongest - a.strongest);
}

function pickSubcategory(rules: readonly Rule[]): string {
  const specific = rules.filter((r) => r.subcategory !== GENERAL_SUBCATEGORY);
  if (specific.length === 0) return GENERAL_SUBCATEGORY;
  const order: string[] = [];
  const totals = new Map<string, { total: number; strongest: number }>();
  for (const r of specific) {
    const t = totals.get(r.subcategory) ?? { total: 0, strongest: 0 };
    if (!totals.has(r.subcategory)) order.push(r.subcategory);
    totals.set(r.subcategory, { total: t.total + r.weight, strongest: Math.max(t.strongest, r.weight) });
  }
  // First seen wins remaining ties: it is the earlier evidence in the text.
  return order.reduce((best, s) => {
    const a = totals.get(best) as { total: number; strongest: number };
    const b = totals.get(s) as { total: number; strongest: number };
    return b.total > a.total || (b.total === a.total && b.strongest > a.strongest) ? s : best;
  });
}

export function confidence(best: number, second: number): number {
  if (best <= 0) return 0;
  const evidence = 1 - Math.exp(-best / EVIDENCE_SCALE);
  const margin = (best - second) / best;
  return evidence * (0.5 + 0.5 * margin);
}

const IMPACT_RANK: Readonly<Record<Impact, number>> = { low: 0, medium: 1, high: 2 };

function raiseImpact(current: Impact, floor: Impact | undefined): Impact {
  return floor !== undefined && IMPACT_RANK[floor] > IMPACT_RANK[current] ? floor : current;
}

function impactFromEvidence(ev: Evidence): Impact | undefined {
  let out: Impact | undefined = ev.cues.has('high_impact') ? 'high' : undefined;
  for (const { rule } of ev.rules) {
    if (rule.tags.impact) out = raiseImpact(out ?? 'low', rule.tags.impact);
  }
  return out;
}

function isMoveLike(category: EventCategory, subcategory: string): boolean {
  return (
    (category === 'earnings' && (subcategory === 'beat' || subcategory === 'miss')) ||
    (category === 'market' && subcategory === 'price_move')
  );
}

function impactFromMove(maxPct: number): Impact | undefined {
  if (maxPct >= BIG_MOVE_PCT) return 'high';
  if (maxPct >= BIG_MOVE_PCT / 2) return 'medium';
  return undefined;
}

function urgencyFrom(ev: Evidence, fallback: Urgency): Urgency {
  if (ev.cues.has('immediate') || ev.rules.some((r) => r.rule.tags.urgency === 'immediate')) return 'immediate';
  if (ev.cues.has('long_term') || ev.rules.some((r) => r.rule.tags.urgency === 'long_term')) return 'long_term';
  return fallback;
}
