/**
 * The one place a DraftSignal is put together, for both paths:
 * - draftFromUpstream: no language model configured; every field comes from J5/J7 by the rules in rules.ts, and the
 *   signal says so in its provenance (`generator: upstream`, model `none`), its flags (`no_llm`) and its reasoning;
 * - assembleDraft: a language model answered and J6 parsed it; model fields win, J5/J7 fill what the model left out.
 */
import { DraftSignal, SOURCE_SUMMARY_CHARS, type Direction, type Provenance, type ScoredNews, type ScorerKind } from '@himari/contracts';
import { judge, type Judgement } from '@himari/judgement';
import { directionToNumber, type ExtractedSignal } from '@himari/structured-output';
import {
  clamp01,
  DEFAULT_DIRECTION_THRESHOLD,
  directionFromCompound,
  eventLabel,
  magnitudeFrom,
  rawConfidence,
  sentimentModelId,
  timeframeFromEvent,
  uniqueStrings,
} from './rules.ts';

export type DraftingActor = Provenance['actor'];

/** Flags this lib adds to a signal. */
export const DraftFlag = {
  /** No language model ran: the signal was drafted from J5/J7. */
  noLlm: 'no_llm',
  /** The model's direction contradicts its own sentiment (J6's consistency check). */
  directionSentimentConflict: 'direction_sentiment_conflict',
  /** J6 had to repair the model's output to read it. */
  llmOutputRepaired: 'llm_output_repaired',
  /** The model's output was cut off; J6 salvaged the fields that were complete. */
  llmOutputTruncated: 'llm_output_truncated',
  /** Timeframe or magnitude was missing or unreadable in the model's output and came from J7's rules instead. */
  llmFieldFromUpstream: 'llm_field_from_upstream',
  /**
   * The event judgement (@himari/judgement) set a direction other than J5's: the event and the asset's side of it
   * (a lawsuit's loser, a bond fund against rising yields, a stablecoin off its peg) outweighed the sentence's mood.
   */
  eventPolarity: 'event_polarity',
} as const;

export class DraftingError extends Error {
  override readonly name = 'DraftingError';
  /** A draft that fails the contract fails the same way on every retry. */
  readonly retryable = false;
}

const MAX_REASONING = 4000;

export interface DraftOptions {
  /** |compound| below this drafts HOLD. @default 0.15 (see DEFAULT_DIRECTION_THRESHOLD) */
  directionThreshold?: number;
  /**
   * Read the headline's event for the named asset (@himari/judgement) and let it set the direction where it finds
   * one; false: J5's compound alone decides, as before the judgement existed. @default true
   */
  eventJudgement?: boolean;
}

export function draftFromUpstream(scored: ScoredNews, actor: DraftingActor, nowMs: number, opts: DraftOptions = {}): DraftSignal {
  const { news, event, sentiment } = scored;
  const threshold = opts.directionThreshold ?? DEFAULT_DIRECTION_THRESHOLD;
  // The scorer's own label has the last word: a compound past the threshold that J5 still calls neutral stays HOLD,
  // so a signal never says BUY on text its sentiment model judged neutral.
  const j5: Direction = sentiment.label === 'neutral' ? 0 : directionFromCompound(sentiment.compound, threshold);
  const j = opts.eventJudgement === false ? null : judge({ text: news.text, asset: news.asset });
  const overrides = j !== null && j.direction !== null && j.direction !== j5;
  const direction: Direction = overrides ? (j.direction as Direction) : j5;
  const flags = [...news.flags, DraftFlag.noLlm];
  if (overrides) flags.push(DraftFlag.eventPolarity);
  return finish({
    ...common(scored, nowMs),
    sentiment: overrides ? judgedSentiment(direction, sentiment.compound, j.strength) : sentiment.compound,
    direction,
    confidence_raw: overrides ? judgedConfidence(j.strength, event.category_confidence) : rawConfidence(sentiment, event),
    reasoning: upstreamReasoning(scored, direction, threshold, overrides ? { judgement: j, j5 } : null),
    entities: uniqueStrings(event.entities),
    events: [eventLabel(event)],
    timeframe: timeframeFromEvent(event),
    magnitude: magnitudeFrom(event.impact, sentiment.compound),
    provenance: {
      actor,
      generator: 'upstream',
      model: 'none',
      model_version: 'none',
      prompt_version: 'none',
      sentiment_model: sentimentModelId(sentiment),
      event_classifier: event.classifier,
    },
    flags: uniqueStrings(flags),
  });
}

/**
 * The sentiment of a judged draft keeps J5's strength but takes the judged sign, and is at least as strong as the
 * rule (0.25 for a weak cue, 0.75 for a stated move), so sentiment and direction never disagree; HOLD reads 0.
 */
function judgedSentiment(direction: Direction, compound: number, strength: number): number {
  if (direction === 0) return 0;
  return direction * Math.max(Math.abs(compound), 0.25 + 0.5 * strength);
}

/**
 * J5's class probability says nothing about a direction it did not choose, so a judged draft's raw confidence comes
 * from the rule's strength (0.5 for a weak cue up to 0.85 for a stated move), scaled by J7's certainty as in
 * rawConfidence. Raw, like every draft's: J4 maps it to a hit rate.
 */
function judgedConfidence(strength: number, categoryConfidence: number): number {
  return clamp01((0.5 + 0.35 * strength) * (0.5 + 0.5 * categoryConfidence));
}

/** What the LLM actor knows about its own model; the upstream model names are taken from the ScoredNews. */
export interface LlmProvenance {
  generator: Exclude<ScorerKind, 'upstream'>;
  model: string;
  model_version: string;
  prompt_version: string;
}

/** J6's successful parse; `ParseSuccess` from @himari/structured-output fits. */
export interface ParsedOutput {
  value: ExtractedSignal;
  repairs: readonly string[];
  warnings: readonly string[];
}

export interface AssembleInput {
  scored: ScoredNews;
  actor: DraftingActor;
  nowMs: number;
  parsed: ParsedOutput;
  provenance: LlmProvenance;
}

export function assembleDraft(input: AssembleInput): DraftSignal {
  const { scored, actor, nowMs, parsed, provenance } = input;
  if ((provenance.generator as ScorerKind) === 'upstream') {
    throw new DraftingError('assembleDraft is for model output; use draftFromUpstream when no model ran');
  }
  const { news, event, sentiment } = scored;
  const v = parsed.value;
  const warned = (w: string): boolean => parsed.warnings.includes(w);
  const timeframeFromJ7 = warned('missing:timeframe') || warned('invalid:timeframe');
  const magnitudeFromJ7 = warned('missing:magnitude') || warned('invalid:magnitude');
  const flags = [...news.flags];
  if (warned('direction_sentiment_conflict')) flags.push(DraftFlag.directionSentimentConflict);
  if (parsed.repairs.includes('salvaged_truncated')) flags.push(DraftFlag.llmOutputTruncated);
  if (parsed.repairs.length > 0) flags.push(DraftFlag.llmOutputRepaired);
  if (timeframeFromJ7 || magnitudeFromJ7) flags.push(DraftFlag.llmFieldFromUpstream);
  return finish({
    ...common(scored, nowMs),
    sentiment: v.sentiment,
    direction: directionToNumber(v.direction),
    confidence_raw: v.confidence,
    reasoning: v.reasoning.trim() === '' ? `${provenance.model} gave no reasoning.` : v.reasoning,
    // The model may miss names the classifier matched, and name ones it did not: keep both.
    entities: uniqueStrings([...v.entities, ...event.entities]),
    events: v.events.length > 0 ? uniqueStrings(v.events) : [eventLabel(event)],
    timeframe: timeframeFromJ7 ? timeframeFromEvent(event) : v.timeframe,
    magnitude: magnitudeFromJ7 ? magnitudeFrom(event.impact, v.sentiment) : v.magnitude,
    provenance: {
      actor,
      ...provenance,
      sentiment_model: sentimentModelId(sentiment),
      event_classifier: event.classifier,
    },
    flags: uniqueStrings(flags),
  });
}

function common(scored: ScoredNews, nowMs: number) {
  const { news, event } = scored;
  return {
    v: 1 as const,
    id: news.id,
    asset: news.asset,
    source: news.source,
    event_type: event.category,
    event,
    published_at: news.published_at,
    received_at: news.received_at,
    drafted_at: nowMs,
    source_summary: sourceSummary(news.text),
    // J3's novelty rides with the news from the classifier; absent when novelty is disabled.
    ...(news.novelty !== undefined ? { novelty: news.novelty } : {}),
  };
}

/** The head of the text, cut at a word: what the decision loop's reader shows as what was analysed. */
export function sourceSummary(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= SOURCE_SUMMARY_CHARS) return flat;
  const head = flat.slice(0, SOURCE_SUMMARY_CHARS - 1);
  const cut = head.lastIndexOf(' ');
  return `${cut > SOURCE_SUMMARY_CHARS / 2 ? head.slice(0, cut) : head}…`;
}

const WORD: Record<Direction, string> = { 1: 'BUY', 0: 'HOLD', [-1]: 'SELL' };

function upstreamReasoning(
  scored: ScoredNews,
  direction: Direction,
  threshold: number,
  judged: { judgement: Judgement; j5: Direction } | null,
): string {
  const { event, sentiment, news } = scored;
  const c = fixed(sentiment.compound);
  const why = judged
    ? `${WORD[direction]} for ${news.asset} (${judged.judgement.role}) by the event rule ${judged.judgement.rule}` +
      (judged.judgement.evidence.length > 0
        ? ` [${judged.judgement.evidence.map((e) => `${e.id} ${e.score > 0 ? '+' : ''}${e.score}`).join(', ')}]`
        : '') +
      `, where J5 alone gave ${WORD[judged.j5]}`
    : direction === 0 && sentiment.label === 'neutral' && Math.abs(sentiment.compound) >= threshold
      ? `HOLD because J5 labels the text neutral`
      : direction === 0
        ? `HOLD because |compound| ${fixed(Math.abs(sentiment.compound), 3)} is below ${fixed(threshold, 3)}`
        : `${direction === 1 ? 'BUY' : 'SELL'} because |compound| ${fixed(Math.abs(sentiment.compound), 3)} is at least ${fixed(threshold, 3)}`;
  const text =
    `No language model configured: drafted from J5 ${sentimentModelId(sentiment)} (compound ${c}, label ${sentiment.label}) ` +
    `and J7 ${event.classifier} (${eventLabel(event)}, impact ${event.impact}). ${why}.`;
  return text.length > MAX_REASONING ? text.slice(0, MAX_REASONING) : text;
}

function fixed(x: number, digits = 2): string {
  const s = x.toFixed(digits);
  return /^-0\.0+$/.test(s) ? s.slice(1) : s;
}

function finish(draft: DraftSignal): DraftSignal {
  const checked = DraftSignal.safeParse(draft);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new DraftingError(
      `draft ${draft.id} breaks the DraftSignal contract at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return checked.data;
}
