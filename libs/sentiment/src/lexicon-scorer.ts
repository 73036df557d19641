/**
 * J5's first scorer: VADER with the project's finance lexicon folded into VADER's own valence array.
 *
 * Per text:
 *  1. Tokenise as VADER does; find finance entries as whole words/phrases (longest match, left to right).
 *  2. Each finance hit gets its lexicon valence v, then, looking back up to three words (not across a clause break or
 *     another sentiment-bearing hit): intensifiers add sign(v)·step·damp (damp 1, 0.95, 0.9 by distance; an
 *     intensifier right after the hit counts at distance 1), each negator multiplies by −0.74 (VADER's N_SCALAR), and
 *     a hit in capitals inside mixed-case text gains ±0.733 (VADER's C_INCR). Words a hit consumed (its own words,
 *     its negators and intensifiers) score 0, so "no" in "no bankruptcy" is not also counted by VADER as negative.
 *  3. Every other word is scored by VADER unchanged; the array then goes through VADER's but-check, punctuation
 *     emphasis and normalisation: compound = S / √(S² + 15), S the sum of valences (VADER's formula, alpha 15).
 *  4. label: positive if compound ≥ t, negative if compound ≤ −t, else neutral (t = `labelThreshold`).
 *  5. probabilities: a three-way softmax with neutral as the reference class,
 *       z_pos = k·(compound − t), z_neg = k·(−compound − t), z_neu = 0,  k = ln(2·p0 / (1 − p0)) / t,
 *     so that argmax(probabilities) is the label by construction (the boundaries sit exactly at ±t) and a text with
 *     compound 0 is neutral with probability p0 = 0.9. VADER's pos/neg/neu proportions say what share of the words
 *     carry sentiment, not how likely each class is (one "downgraded" among twelve words gives neu 0.8 to a plainly
 *     bearish headline), so they do not enter the probabilities; the compound already merges VADER and finance hits.
 */
import { createRequire } from 'node:module';
import type { SentimentScore } from '@himari/contracts';
import {
  FINANCE_INTENSIFIERS,
  FINANCE_LEXICON,
  FINANCE_LEXICON_VERSION,
  FINANCE_NEGATORS,
  MOVE_BEFORE_NUMBER,
  SIGNED_PERCENT_VALENCE,
  type LexiconEntry,
} from './finance-lexicon.ts';
import { createPhraseMatcher, phraseParts, wordParts, type PhraseMatch } from './phrases.ts';
import type { SentimentScorer } from './types.ts';
import { isUpperWord, capDifferential, vaderScoresWith, vaderTokens, type VaderScores } from './vader.ts';

/**
 * |compound| from which a text is called positive or negative. VADER's authors suggest 0.05 for social text; market
 * headlines are mostly neutral and carry incidental sentiment words, so the default is higher (see README: chosen on
 * a carved-out part of the TFNS train split, checked on the rest).
 */
export const DEFAULT_LABEL_THRESHOLD = 0.25;

/** Neutral probability of a text whose compound is exactly 0. */
const P_NEUTRAL_AT_ZERO = 0.9;

/** VADER's constants, applied the same way to finance hits. */
const N_SCALAR = -0.74;
const C_INCR = 0.733;
const WINDOW_DAMP = [1, 0.95, 0.9] as const;
/** An intensifier may weaken a hit but never flip it. */
const MIN_KEPT_FRACTION = 0.25;

export interface LexiconScorerOptions {
  /** @default DEFAULT_LABEL_THRESHOLD (0.25); must be in (0, 1). */
  labelThreshold?: number;
  /** Replaces the finance lexicon; `[]` gives plain VADER with this scorer's labels and probabilities. @default FINANCE_LEXICON */
  lexicon?: readonly LexiconEntry[];
  /** @default FINANCE_NEGATORS */
  negators?: readonly string[];
  /** @default FINANCE_INTENSIFIERS */
  intensifiers?: readonly LexiconEntry[];
  /** Valence of "+18%" / "-3.5%"; 0 turns the rule off. @default SIGNED_PERCENT_VALENCE */
  signedPercentValence?: number;
  /** @default MOVE_BEFORE_NUMBER */
  moveBeforeNumber?: readonly LexiconEntry[];
}

export class LexiconOptionsError extends Error {
  override readonly name = 'LexiconOptionsError';
  readonly retryable = false;
}

const VADER_PACKAGE_VERSION: string = (createRequire(import.meta.url)('vader-sentiment/package.json') as { version: string }).version;

export const LEXICON_MODEL = 'vader+himari-finance-lexicon';

/** One finance hit after modifiers, for explanations and tests. */
export interface FinanceHit {
  readonly phrase: string;
  readonly valence: number;
  readonly negated: boolean;
}

export interface LexiconAnalysis {
  readonly vader: VaderScores;
  readonly hits: readonly FinanceHit[];
}

export interface LexiconScorer extends SentimentScorer {
  readonly labelThreshold: number;
  /** The intermediate numbers behind `score`: VADER's merged scores and the finance hits. */
  analyse(text: string): LexiconAnalysis;
}

export function createLexiconScorer(options: LexiconScorerOptions = {}): LexiconScorer {
  const t = options.labelThreshold ?? DEFAULT_LABEL_THRESHOLD;
  if (!(t > 0 && t < 1)) throw new LexiconOptionsError(`labelThreshold must be in (0, 1), got ${t}`);
  const lexicon = options.lexicon ?? FINANCE_LEXICON;
  const custom = [options.lexicon, options.negators, options.intensifiers, options.signedPercentValence, options.moveBeforeNumber].some(
    (o) => o !== undefined,
  );
  const model = custom ? 'vader+custom-lexicon' : LEXICON_MODEL;
  const version = `${custom ? 'custom' : FINANCE_LEXICON_VERSION}/vader-sentiment@${VADER_PACKAGE_VERSION}/t=${t}`;

  const finance = createPhraseMatcher(lexicon.map(([p]) => p));
  const negators = (options.negators ?? FINANCE_NEGATORS).map(phraseParts);
  const intensifiers = new Map((options.intensifiers ?? FINANCE_INTENSIFIERS).map(([w, s]) => [w, s]));
  const patterns: Patterns = {
    signedPercent: options.signedPercentValence ?? SIGNED_PERCENT_VALENCE,
    moves: new Map(options.moveBeforeNumber ?? MOVE_BEFORE_NUMBER),
  };

  const analyse = (text: string): LexiconAnalysis => {
    const { words, raw } = vaderTokens(text);
    const overrides = new Map<number, number>();
    const hits = findHits(words, finance.match(words), lexicon, patterns);
    const capDiff = capDifferential(words);
    const blocked = new Set<number>();
    for (const h of hits) {
      if (h.valence !== 0) for (let i = h.start; i <= h.end; i++) blocked.add(i);
    }
    const explained: FinanceHit[] = [];
    for (const h of hits) {
      for (let i = h.start; i <= h.end; i++) overrides.set(i, 0);
      if (h.valence === 0) continue;
      const ctx: HitContext = { words, raw, blocked, negators, intensifiers };
      const mods = modifiers(h, ctx);
      let v = h.valence;
      const boosted = Math.abs(v) + mods.boost;
      v = Math.sign(v) * Math.max(boosted, MIN_KEPT_FRACTION * Math.abs(v));
      if (capDiff && rangeIsUpper(words, h.start, h.end)) v += Math.sign(v) * C_INCR;
      v *= N_SCALAR ** mods.negations;
      overrides.set(h.start, v);
      for (const i of mods.consumed) if (!overrides.has(i)) overrides.set(i, 0);
      explained.push({ phrase: h.phrase, valence: v, negated: mods.negations % 2 === 1 });
    }
    return { vader: vaderScoresWith(text, words, overrides), hits: explained };
  };

  const score = (text: string): SentimentScore => {
    const compound = clampSigned(analyse(text).vader.compound);
    return {
      label: compound >= t ? 'positive' : compound <= -t ? 'negative' : 'neutral',
      probabilities: labelProbabilities(compound, t),
      compound,
      scorer: 'lexicon',
      model,
      model_version: version,
    };
  };

  return {
    name: 'lexicon',
    version,
    kind: 'lexicon',
    labelThreshold: t,
    analyse,
    score,
    scoreBatch: (texts) => texts.map(score),
  };
}

interface Hit {
  readonly start: number;
  readonly end: number;
  readonly phrase: string;
  readonly valence: number;
}

const SIGNED_PERCENT_RE = /^[+-]\d+(?:\.\d+)?%$/;
const NUMBER_RE = /^\d[\d.,]*%?$/;

interface Patterns {
  readonly signedPercent: number;
  readonly moves: ReadonlyMap<string, number>;
}

function findHits(words: readonly string[], matches: readonly PhraseMatch[], lexicon: readonly LexiconEntry[], patterns: Patterns): Hit[] {
  const hits: Hit[] = [];
  const covered = new Set<number>();
  for (const m of matches) {
    const [phrase, valence] = lexicon[m.entry] as LexiconEntry;
    hits.push({ start: m.start, end: m.end, phrase, valence });
    for (let i = m.start; i <= m.end; i++) covered.add(i);
  }
  // How market news states a move: a signed percentage ("+18%", "-3.5%") or up/down before a number ("down 3%").
  words.forEach((w, i) => {
    const parts = wordParts(w);
    const only = parts.length === 1 ? (parts[0] as string) : undefined;
    if (covered.has(i) || only === undefined) return;
    if (patterns.signedPercent !== 0 && SIGNED_PERCENT_RE.test(only)) {
      hits.push({ start: i, end: i, phrase: only, valence: (only.startsWith('-') ? -1 : 1) * patterns.signedPercent });
      return;
    }
    const move = patterns.moves.get(only);
    const next = i + 1 < words.length ? wordParts(words[i + 1] as string) : [];
    if (move !== undefined && next.length === 1 && NUMBER_RE.test(next[0] as string)) {
      hits.push({ start: i, end: i, phrase: `${only} <number>`, valence: move });
    }
  });
  return hits.sort((a, b) => a.start - b.start);
}

interface HitContext {
  readonly words: readonly string[];
  readonly raw: readonly string[];
  /** Words inside sentiment-bearing hits: a look-back window stops there (their modifiers are their own). */
  readonly blocked: ReadonlySet<number>;
  readonly negators: readonly string[][];
  readonly intensifiers: ReadonlyMap<string, number>;
}

interface Modifiers {
  boost: number;
  negations: number;
  consumed: number[];
}

function modifiers(h: Hit, ctx: HitContext): Modifiers {
  const out: Modifiers = { boost: 0, negations: 0, consumed: [] };
  for (let d = 1; d <= WINDOW_DAMP.length; d++) {
    const i = h.start - d;
    if (i < 0 || ctx.blocked.has(i) || endsClause(ctx.raw[i] as string)) break;
    const neg = negatorEndingAt(ctx.words, i, ctx.negators);
    if (neg > 0) {
      out.negations++;
      for (let j = i - neg + 1; j <= i; j++) out.consumed.push(j);
      continue;
    }
    const step = ctx.intensifiers.get((ctx.words[i] as string).toLowerCase());
    if (step !== undefined) {
      out.boost += step * (WINDOW_DAMP[d - 1] as number);
      out.consumed.push(i);
    }
  }
  const after = h.end + 1;
  if (after < ctx.words.length && !ctx.blocked.has(after) && !endsClause(ctx.raw[h.end] as string)) {
    const step = ctx.intensifiers.get((ctx.words[after] as string).toLowerCase());
    if (step !== undefined) {
      out.boost += step;
      out.consumed.push(after);
    }
  }
  return out;
}

/** How many words the longest negator ending at word `i` spans (0: none). "…n't" words negate as in VADER. */
function negatorEndingAt(words: readonly string[], i: number, negators: readonly string[][]): number {
  const last = (words[i] as string).toLowerCase().replace(/\u2019/g, "'");
  if (last.endsWith("n't")) return 1;
  let best = 0;
  for (const parts of negators) {
    if (parts.length > i + 1 || parts.length <= best) continue;
    let ok = true;
    for (let k = 0; k < parts.length && ok; k++) {
      const wp = wordParts(words[i - parts.length + 1 + k] as string);
      ok = wp.length === 1 && wp[0] === parts[k];
    }
    if (ok) best = parts.length;
  }
  return best;
}

function endsClause(rawWord: string): boolean {
  return /[.,;:!?]["')\]]*$/.test(rawWord);
}

function rangeIsUpper(words: readonly string[], start: number, end: number): boolean {
  for (let i = start; i <= end; i++) if (!isUpperWord(words[i] as string)) return false;
  return true;
}

function clampSigned(x: number): number {
  return Math.min(1, Math.max(-1, x));
}

/**
 * The three-way softmax of the module comment: argmax is the threshold label, ties sit exactly at ±threshold, and
 * compound 0 gives neutral probability 0.9.
 */
export function labelProbabilities(compound: number, threshold: number): SentimentScore['probabilities'] {
  const t = threshold;
  const k = Math.log((2 * P_NEUTRAL_AT_ZERO) / (1 - P_NEUTRAL_AT_ZERO)) / t;
  const ePos = Math.exp(k * (compound - t));
  const eNeg = Math.exp(k * (-compound - t));
  const z = 1 + ePos + eNeg;
  return { positive: ePos / z, negative: eNeg / z, neutral: 1 / z };
}
