import { describe, expect, it } from 'vitest';
import { DraftSignal } from '@himari/contracts';
import { parseModelOutput, type ParseSuccess } from '@himari/structured-output';
import { assembleDraft, DraftFlag, DraftingError, draftFromUpstream, sourceSummary } from './draft.ts';
import { directionFromCompound, magnitudeFrom, rawConfidence, timeframeFromEvent } from './rules.ts';
import { makeScoredNews } from './testing.ts';

const NOW = 1_735_830_000_100;

function parsed(text: string): ParseSuccess {
  const r = parseModelOutput(text);
  if (!r.ok) throw new Error(`fixture did not parse: ${r.code} ${r.reason}`);
  return r;
}

describe('draftFromUpstream', () => {
  it('drafts a valid signal from J5/J7 and says plainly that no model ran', () => {
    const scored = makeScoredNews({ news: { flags: ['possible_prompt_injection'] } });
    const d = draftFromUpstream(scored, 'opt-actor', NOW);
    expect(DraftSignal.safeParse(d).success).toBe(true);
    expect(d.id).toBe(scored.news.id);
    expect(d.asset).toBe('AAPL');
    expect(d.sentiment).toBe(0.42);
    expect(d.direction).toBe(1);
    expect(d.drafted_at).toBe(NOW);
    expect(d.event_type).toBe('earnings');
    expect(d.events).toEqual(['earnings/beat']);
    expect(d.entities).toEqual(['Apple', 'AAPL']);
    expect(d.provenance).toEqual({
      actor: 'opt-actor',
      generator: 'upstream',
      model: 'none',
      model_version: 'none',
      prompt_version: 'none',
      sentiment_model: 'vader-finance@1',
      event_classifier: 'rules@1',
    });
    expect(d.flags).toEqual(['possible_prompt_injection', DraftFlag.noLlm]);
    expect(d.reasoning).toContain('No language model configured');
    expect(d.reasoning).toContain('J5 vader-finance@1 (compound 0.42, label positive)');
    expect(d.reasoning).toContain('J7 rules@1 (earnings/beat, impact high)');
  });

  // J5 alone: the event judgement is off, or the fixture's "beats estimates" would set BUY at any compound.
  const j5Only = { eventJudgement: false } as const;

  it('holds below the direction threshold and follows the sign at or above it', () => {
    const at = (compound: number, threshold?: number) =>
      draftFromUpstream(
        makeScoredNews({ sentiment: { compound } }),
        'cot-actor',
        NOW,
        threshold === undefined ? j5Only : { ...j5Only, directionThreshold: threshold },
      ).direction;
    expect(at(0.14)).toBe(0);
    expect(at(-0.14)).toBe(0);
    expect(at(0.15)).toBe(1);
    expect(at(-0.15)).toBe(-1);
    expect(at(0.3, 0.5)).toBe(0);
    expect(at(-0.6, 0.5)).toBe(-1);
    expect(at(0)).toBe(0);
    expect(draftFromUpstream(makeScoredNews({ sentiment: { compound: 0.1 } }), 'opt-actor', NOW, j5Only).reasoning).toMatch(
      /HOLD because \|compound\| 0\.100 is below 0\.150/,
    );
    expect(() => directionFromCompound(0.5, 2)).toThrow(RangeError);
  });

  it('holds when J5 labels the text neutral, whatever the compound', () => {
    const d = draftFromUpstream(makeScoredNews({ sentiment: { compound: 0.2, label: 'neutral' } }), 'opt-actor', NOW, j5Only);
    expect(d.direction).toBe(0);
    expect(d.reasoning).toMatch(/HOLD because J5 labels the text neutral/);
  });

  it("lets the headline's event and the asset's side of it set the direction, and flags the change", () => {
    const sell = { label: 'positive', compound: 0.6, probabilities: { positive: 0.8, negative: 0.1, neutral: 0.1 } } as const;
    const d = draftFromUpstream(
      makeScoredNews({
        news: { text: 'US Treasury yields jump after hotter-than-expected inflation data', asset: 'TLT' },
        sentiment: sell,
      }),
      'cot-actor',
      NOW,
    );
    expect(d.direction).toBe(-1);
    expect(d.sentiment).toBeLessThan(-0.15);
    expect(d.flags).toContain(DraftFlag.eventPolarity);
    expect(d.reasoning).toMatch(/SELL for TLT \(bond\) by the event rule .*where J5 alone gave BUY/);
    // Agreeing with J5 changes nothing and adds no flag.
    const same = draftFromUpstream(makeScoredNews(), 'opt-actor', NOW);
    expect(same.direction).toBe(1);
    expect(same.sentiment).toBe(0.42);
    expect(same.flags).not.toContain(DraftFlag.eventPolarity);
    // No event found: J5 decides, as before.
    const plain = draftFromUpstream(
      makeScoredNews({
        news: { text: 'Apple holds its annual meeting for shareholders in Cupertino' },
        sentiment: { compound: -0.3, label: 'negative' },
      }),
      'opt-actor',
      NOW,
    );
    expect(plain.direction).toBe(-1);
    expect(plain.flags).not.toContain(DraftFlag.eventPolarity);
  });

  it('computes confidence_raw as p_win × (0.5 + 0.5 × category_confidence)', () => {
    const cases = [
      { p: { positive: 0.7, negative: 0.05, neutral: 0.25 }, cc: 0.9 },
      { p: { positive: 0.1, negative: 0.6, neutral: 0.3 }, cc: 0 },
      { p: { positive: 0.2, negative: 0.2, neutral: 0.6 }, cc: 1 },
    ];
    for (const { p, cc } of cases) {
      const scored = makeScoredNews({ sentiment: { probabilities: p }, event: { category_confidence: cc } });
      const expected = Math.max(p.positive, p.negative, p.neutral) * (0.5 + 0.5 * cc);
      expect(draftFromUpstream(scored, 'opt-actor', NOW).confidence_raw).toBeCloseTo(expected, 12);
      expect(rawConfidence(scored.sentiment, scored.event)).toBeCloseTo(expected, 12);
    }
    // More certain classification never lowers the confidence.
    const lo = rawConfidence(makeScoredNews().sentiment, makeScoredNews({ event: { category_confidence: 0.2 } }).event);
    const hi = rawConfidence(makeScoredNews().sentiment, makeScoredNews({ event: { category_confidence: 0.8 } }).event);
    expect(hi).toBeGreaterThan(lo);
  });

  it('maps urgency and half-life to a timeframe', () => {
    const H = 3600;
    expect(timeframeFromEvent({ urgency: 'immediate', half_life_s: 90 * 24 * H })).toBe('intraday');
    expect(timeframeFromEvent({ urgency: 'short_term', half_life_s: 2 * H })).toBe('intraday');
    expect(timeframeFromEvent({ urgency: 'short_term', half_life_s: 24 * H })).toBe('short_term');
    expect(timeframeFromEvent({ urgency: 'long_term', half_life_s: 7 * 24 * H })).toBe('medium_term');
    expect(timeframeFromEvent({ urgency: 'long_term', half_life_s: 60 * 24 * H })).toBe('long_term');
    expect(draftFromUpstream(makeScoredNews({ event: { urgency: 'immediate' } }), 'cot-actor', NOW).timeframe).toBe('intraday');
  });

  it('maps impact and |sentiment| to a magnitude', () => {
    expect(magnitudeFrom('high', 0.7)).toBe('high');
    expect(magnitudeFrom('high', 0.1)).toBe('medium');
    expect(magnitudeFrom('medium', -0.65)).toBe('high');
    expect(magnitudeFrom('medium', 0.3)).toBe('medium');
    expect(magnitudeFrom('low', 0.05)).toBe('low');
    expect(magnitudeFrom('low', -0.9)).toBe('medium');
    expect(draftFromUpstream(makeScoredNews({ event: { impact: 'low' }, sentiment: { compound: -0.1 } }), 'opt-actor', NOW).magnitude).toBe(
      'low',
    );
  });

  it('uses the category alone when there is no subcategory, and de-duplicates entities and flags', () => {
    const d = draftFromUpstream(
      makeScoredNews({ event: { subcategory: '', entities: ['BTC', 'BTC', 'SEC'] }, news: { flags: ['no_llm', 'truncated'] } }),
      'opt-actor',
      NOW,
    );
    expect(d.events).toEqual(['earnings']);
    expect(d.entities).toEqual(['BTC', 'SEC']);
    expect(d.flags).toEqual(['no_llm', 'truncated']);
  });

  it('refuses to emit a draft that breaks the contract', () => {
    expect(() => draftFromUpstream(makeScoredNews(), 'opt-actor', 1.5)).toThrow(DraftingError);
    let caught: unknown;
    try {
      draftFromUpstream(makeScoredNews(), 'opt-actor', -1);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DraftingError);
    expect((caught as DraftingError).retryable).toBe(false);
    expect((caught as Error).message).toMatch(/drafted_at/);
  });
});

describe('assembleDraft', () => {
  const llm = { generator: 'llm', model: 'qwen2.5-1.5b', model_version: 'q4_k_m', prompt_version: 'opt/3' } as const;

  it('takes the model fields, maps the direction to a number and keeps upstream provenance', () => {
    const scored = makeScoredNews();
    const p = parsed(
      '{"sentiment": -0.55, "confidence": 0.7, "direction": "SELL", "reasoning": "Guidance cut.", "entities": ["Tim Cook"], "events": ["guidance/cut"], "timeframe": "medium_term", "magnitude": "high"}',
    );
    const d = assembleDraft({ scored, actor: 'cot-actor', nowMs: NOW, parsed: p, provenance: llm });
    expect(DraftSignal.safeParse(d).success).toBe(true);
    expect(d.direction).toBe(-1);
    expect(d.sentiment).toBe(-0.55);
    expect(d.confidence_raw).toBe(0.7);
    expect(d.reasoning).toBe('Guidance cut.');
    expect(d.entities).toEqual(['Tim Cook', 'Apple', 'AAPL']);
    expect(d.events).toEqual(['guidance/cut']);
    expect(d.timeframe).toBe('medium_term');
    expect(d.magnitude).toBe('high');
    expect(d.event_type).toBe('earnings');
    expect(d.provenance).toEqual({ actor: 'cot-actor', ...llm, sentiment_model: 'vader-finance@1', event_classifier: 'rules@1' });
    expect(d.flags).toEqual([]);
  });

  it('maps BUY and HOLD too', () => {
    const scored = makeScoredNews();
    const buy = assembleDraft({
      scored,
      actor: 'opt-actor',
      nowMs: NOW,
      parsed: parsed('{"sentiment": 0.5, "confidence": 0.6, "direction": "BUY"}'),
      provenance: llm,
    });
    const hold = assembleDraft({
      scored,
      actor: 'opt-actor',
      nowMs: NOW,
      parsed: parsed('{"sentiment": 0.0, "confidence": 0.6, "direction": "HOLD"}'),
      provenance: llm,
    });
    expect(buy.direction).toBe(1);
    expect(hold.direction).toBe(0);
  });

  it('flags a direction that contradicts the sentiment when J6 warned', () => {
    const p = parsed('{"sentiment": -0.5, "confidence": 0.7, "direction": "BUY", "timeframe": "intraday", "magnitude": "low"}');
    expect(p.warnings).toContain('direction_sentiment_conflict');
    const d = assembleDraft({ scored: makeScoredNews(), actor: 'opt-actor', nowMs: NOW, parsed: p, provenance: llm });
    expect(d.flags).toContain(DraftFlag.directionSentimentConflict);
    expect(d.direction).toBe(1);
  });

  it('fills a missing timeframe and magnitude from J7 and flags it; flags repaired and truncated output', () => {
    const scored = makeScoredNews({ event: { urgency: 'immediate', impact: 'medium' }, news: { flags: ['truncated'] } });
    const p = parsed('{"sentiment": 0.7, "confidence": 0.8, "direction": "BUY", "reasoning": "Record quarter and');
    expect(p.repairs).toContain('salvaged_truncated');
    const d = assembleDraft({ scored, actor: 'cot-actor', nowMs: NOW, parsed: p, provenance: llm });
    expect(d.timeframe).toBe('intraday');
    expect(d.magnitude).toBe('high');
    expect(d.events).toEqual(['earnings/beat']);
    expect(d.reasoning).toBe('qwen2.5-1.5b gave no reasoning.');
    expect(d.flags).toEqual(['truncated', DraftFlag.llmOutputTruncated, DraftFlag.llmOutputRepaired, DraftFlag.llmFieldFromUpstream]);
  });

  it('rejects an upstream generator: that path has its own function', () => {
    const p = parsed('{"sentiment": 0.5, "confidence": 0.6, "direction": "BUY"}');
    const bad = { ...llm, generator: 'upstream' } as unknown as typeof llm;
    expect(() => assembleDraft({ scored: makeScoredNews(), actor: 'opt-actor', nowMs: NOW, parsed: p, provenance: bad })).toThrow(
      DraftingError,
    );
  });
});

describe('sourceSummary', () => {
  it('is the text on one line when short, else its head cut at a word with an ellipsis, at most 280 characters', () => {
    expect(sourceSummary('  Fed holds\nrates.  ')).toBe('Fed holds rates.');
    const long = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
    const s = sourceSummary(long);
    expect(s.length).toBeLessThanOrEqual(280);
    expect(s.endsWith('…')).toBe(true);
    expect(long.startsWith(s.slice(0, -1))).toBe(true);
    expect(s.slice(0, -1).endsWith(' ')).toBe(false);
    expect(sourceSummary('x'.repeat(500))).toBe(`${'x'.repeat(279)}…`);
  });

  it('goes into every draft', () => {
    expect(draftFromUpstream(makeScoredNews(), 'opt-actor', 1_700_000_000_000).source_summary).toBe(makeScoredNews().news.text);
  });
});
