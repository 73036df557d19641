/**
 * The one place a DraftSignal is put together, for both paths:
 * - draftFromUpstream: no language model configured; every field comes from J5/J7 by the rules in rules.ts, and the
 *   signal says so in its provenance (`generator: upstream`, model `none`), its flags (`no_llm`) and its reasoning;
 * - assembleDraft: a language model answered and J6 parsed it; model fields win, J5/J7 fill what the model left out.
 */
import { DraftSignal, SOURCE_SUMMARY_CHARS, type Provenance, type ScoredNews, type ScorerKind } from '@himari/contracts';
import { directionToNumber, type ExtractedSignal } from '@himari/structured-output';
import {
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
}

export function draftFromUpstream(scored: ScoredNews, actor: DraftingActor, nowMs: number, opts: DraftOptions = {}): DraftSignal {
  const { news, event, sentiment } = scored;
  const threshold = opts.directionThreshold ?? DEFAULT_DIRECTION_THRESHOLD;
  // The scorer's own label has the last word: a compound past the threshold that J5 still calls neutral stays HOLD,
  // so a signal never says BUY on text its sentiment model judged neutral.
  const direction = sentiment.label === 'neutral' ? 0 : directionFromCompound(sentiment.compound, threshold);
  return finish({
    ...common(scored, nowMs),
    sentiment: sentiment.compound,
    direction,
    confidence_raw: rawConfidence(sentiment, event),
    reasoning: upstreamReasoning(scored, direction, threshold),
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
    flags: uniqueStrings([...news.flags, DraftFlag.noLlm]),
  });
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

function upstreamReasoning(scored: ScoredNews, direction: -1 | 0 | 1, threshold: number): string {
  const { event, sentiment } = scored;
  const c = fixed(sentiment.compound);
  const why =
    direction === 0 && sentiment.label === 'neutral' && Math.abs(sentiment.compound) >= threshold
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
