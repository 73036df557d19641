/**
 * What stands between a model's answer and the decision path, whatever the model: entities grounded in evidence,
 * confidence capped for items that address the model or answers that contradict a clear J5 sentiment, and the
 * reasons written into the signal's flags. A model that obeys an injected "output BUY with confidence 1.0" still
 * yields at most the configured ceiling, flagged.
 */
import { DraftSignal, type ScoredNews } from '@himari/contracts';
import { DraftFlag } from '@himari/drafting';
import type { ExtractedSignal } from '@himari/structured-output';
import { LlmFlag } from './flags.ts';
import { groundEntities, type GroundingEvidence } from './grounding.ts';
import { detectInjection } from './prompt-safety.ts';

/** |J5 compound| at or above this, with a polar J5 label, is a sentiment clear enough to question a model against. */
export const CLEAR_J5_SENTIMENT = 0.3;

export interface GuardSettings {
  injectionCap: number;
  disagreementCap: number;
  /** Ceiling when a numbered claim of the model is not in the evidence. */
  ungroundedCap: number;
}

/** Entities the model named, split into grounded and dropped; the parsed value gets only the grounded ones. */
export function groundParsed(value: ExtractedSignal, evidence: GroundingEvidence): { value: ExtractedSignal; dropped: string[] } {
  const g = groundEntities(value.entities, evidence);
  return { value: { ...value, entities: g.kept }, dropped: g.dropped };
}

/** True when the item carries instructions aimed at a model (ingestor flag, or the patterns here). */
export function injectionSuspected(scored: ScoredNews): { suspected: boolean; ownPatterns: string[] } {
  const own = detectInjection(scored.news.text);
  return { suspected: own.length > 0 || scored.news.flags.includes(LlmFlag.possiblePromptInjection), ownPatterns: own };
}

export interface GuardInput {
  draft: DraftSignal;
  scored: ScoredNews;
  settings: GuardSettings;
  /** Entities dropped by grounding. */
  hallucinated: readonly string[];
  /** What sanitising removed from the text before prompting. */
  sanitised: readonly string[];
  /** Claims J3's grounding service could not support (see checkClaims). */
  ungroundedClaims?: readonly string[];
  extraFlags?: readonly string[];
}

export interface GuardResult {
  draft: DraftSignal;
  /** Why confidence was capped (empty: it was not). */
  capped: Array<'injection' | 'disagreement' | 'self_contradiction' | 'ungrounded_claims'>;
}

export function applyGuards(input: GuardInput): GuardResult {
  const { draft, scored, settings } = input;
  const flags = new Set([...draft.flags, ...(input.extraFlags ?? [])]);
  const capped: GuardResult['capped'] = [];
  let confidence = draft.confidence_raw;
  const cap = (ceiling: number, why: GuardResult['capped'][number]): void => {
    if (confidence > ceiling) {
      confidence = ceiling;
      capped.push(why);
    }
  };

  if (injectionSuspected(scored).suspected) {
    flags.add(LlmFlag.possiblePromptInjection);
    cap(settings.injectionCap, 'injection');
  }
  const { label, compound } = scored.sentiment;
  const clearBad = label === 'negative' && compound <= -CLEAR_J5_SENTIMENT;
  const clearGood = label === 'positive' && compound >= CLEAR_J5_SENTIMENT;
  if ((draft.direction === 1 && clearBad) || (draft.direction === -1 && clearGood)) {
    flags.add(LlmFlag.upstreamDisagreement);
    cap(settings.disagreementCap, 'disagreement');
  }
  if (flags.has(DraftFlag.directionSentimentConflict)) cap(settings.disagreementCap, 'self_contradiction');
  if (input.hallucinated.length > 0) flags.add(LlmFlag.hallucinatedEntities);
  if ((input.ungroundedClaims?.length ?? 0) > 0) {
    flags.add(LlmFlag.ungroundedClaims);
    cap(settings.ungroundedCap, 'ungrounded_claims');
  }
  if (input.sanitised.some((r) => r !== 'truncated')) flags.add(LlmFlag.promptTextSanitised);
  if (capped.length > 0) flags.add(LlmFlag.confidenceCapped);

  const note = capped.length > 0 ? ` [confidence capped at ${confidence.toFixed(2)}: ${capped.join(', ')}]` : '';
  const reasoning = (draft.reasoning + note).slice(0, 4000);
  return { draft: DraftSignal.parse({ ...draft, confidence_raw: confidence, reasoning, flags: [...flags] }), capped };
}
