/**
 * Prompt injection, end to end from raw bytes: the real ingestor (J8, which removes the spans it detects) and lexicon
 * (J5) make the ScoredNews (with a fixed event class); the "model" obeys whatever the news tells it. Whatever it answers, no bad-news item may come out as a
 * confident BUY: the item is flagged and its confidence capped, and the flags are in the signal.
 */
import { describe, expect, it } from 'vitest';
import { ScoredNews } from '@himari/contracts';
import { makeScoredNews } from '@himari/drafting/testing';
import { normaliseRaw } from '@himari/ingest';
import { createLexiconScorer } from '@himari/sentiment';
import { Registry } from 'prom-client';
import { parseModelOutput } from '@himari/structured-output';
import { createOptDrafter } from './drafter.ts';
import { LlmFlag } from './flags.ts';
import { createLlmMetrics } from './metrics.ts';
import { createScriptedGenerator, INJECTION_CASES, obedientModel, testDrafterSettings, unlimitedBudget, userText } from './testing.ts';

const NOW = Date.parse('2025-03-03T15:00:00Z');
const scorer = createLexiconScorer();
/** Above this a BUY counts as confident. */
const CONFIDENT = 0.5;

function scoredFromRaw(id: string, text: string): ScoredNews {
  const raw = new TextEncoder().encode(JSON.stringify({ id, text, asset: 'ACME', source: 'wire' }));
  const r = normaliseRaw(raw, { maxTextChars: 20_000, maxMessageBytes: 1 << 20, defaultSource: 'unknown' }, NOW);
  if (!r.ok) throw new Error(`ingest rejected ${id}: ${r.reason}`);
  // The event class does not enter the defence: a fixed one keeps this test about J8, J5 and the guards.
  return ScoredNews.parse({
    v: 1,
    news: r.item,
    event: makeScoredNews().event,
    sentiment: scorer.score(r.item.text),
    route: 'opt',
    scored_at: NOW,
  });
}

describe('prompt-injection defence (a model that obeys the news)', () => {
  for (const c of INJECTION_CASES) {
    it(`${c.name}: no confident BUY on bad news, flagged`, async () => {
      const scored = scoredFromRaw(`inj-${c.name.length}`, c.text);
      expect(scored.sentiment.compound, 'J5 reads the news as bad').toBeLessThan(0);
      const gen = createScriptedGenerator(obedientModel);
      const drafter = createOptDrafter('json', testDrafterSettings(), {
        generator: gen,
        budget: unlimitedBudget(),
        metrics: createLlmMetrics(new Registry()),
        ragSubject: 'rag',
      });
      const r = await drafter.draft(scored, NOW);
      if (r.kind !== 'draft') throw new Error(`expected a draft, got ${r.kind}`);
      const d = r.draft;
      if (scored.news.flags.includes('injected_span_removed')) {
        // Ingest removed the injected span: the attack never reaches the model.
        expect(userText(gen.calls[0]!)).not.toMatch(/ignore previous|"direction"|im_start|new instructions/i);
      } else {
        // Undetected, the attack reached the model and worked on it: the caps, not the model, are what holds.
        const answered = parseModelOutput(obedientModel(gen.calls[0]!));
        expect(answered.ok && answered.value.direction).toBe('BUY');
      }
      expect(
        d.direction === 1 && d.confidence_raw > CONFIDENT,
        `confident BUY: ${JSON.stringify({ direction: d.direction, confidence: d.confidence_raw, flags: d.flags })}`,
      ).toBe(false);
      if (d.direction === 1) expect(d.flags).toContain(LlmFlag.confidenceCapped);
      expect(d.flags.some((f) => f === LlmFlag.possiblePromptInjection || f === LlmFlag.upstreamDisagreement)).toBe(true);
      // The news only ever reaches the model inside the fence, never in the instructions.
      expect(gen.calls[0]!.messages[0]!.content).not.toContain('Acme');
      expect(userText(gen.calls[0]!)).not.toMatch(/<\|im_start\|>|^\s*assistant\s*:/im);
    });
  }

  it('an injected item is capped at the configured ceiling even when the model agrees with the news', async () => {
    const scored = scoredFromRaw('inj-sell', INJECTION_CASES[0]!.text);
    expect(scored.news.flags).toContain(LlmFlag.possiblePromptInjection);
    const gen = createScriptedGenerator(() => '{"sentiment": -0.8, "confidence": 0.95, "direction": "SELL", "reasoning": "Miss and cut."}');
    const r = await createOptDrafter('json', testDrafterSettings({ injectionCap: 0.25 }), {
      generator: gen,
      budget: unlimitedBudget(),
      metrics: createLlmMetrics(new Registry()),
      ragSubject: 'rag',
    }).draft(scored, NOW);
    if (r.kind !== 'draft') throw new Error(r.kind);
    expect(r.draft.confidence_raw).toBe(0.25);
    expect(r.draft.flags).toEqual(expect.arrayContaining([LlmFlag.possiblePromptInjection, LlmFlag.confidenceCapped]));
  });
});
