/**
 * J6 guaranteed, over the shared corpus of messy outputs: an answer J6 can read is used as read; one it cannot read
 * gets exactly one re-ask; a second unreadable answer is an explicit `unparseable`, dead-lettered by the actor and
 * counted. No case ends as a signal the model did not give, least of all a silent HOLD.
 */
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { makeScoredNews } from '@himari/drafting/testing';
import { MESSY_OUTPUTS, VALID_SIGNAL_JSON } from '@himari/structured-output/testing';
import { directionToNumber } from '@himari/structured-output';
import { HourlyBudget } from './budget.ts';
import { type DrafterSettings } from './draft-path.ts';
import { createOptDrafter } from './opt-drafter.ts';
import { createLlmMetrics } from './metrics.ts';
import { generateStructured, parseSignal } from './structured.ts';
import { createScriptedGenerator } from './testing.ts';

const req = { messages: [{ role: 'user' as const, content: 'news' }], maxTokens: 100, temperature: 0 };

const SETTINGS: DrafterSettings = {
  temperature: 0,
  maxTokens: 200,
  maxInputChars: 2000,
  maxReasoningChars: 400,
  seed: null,
  onBackendError: 'upstream',
  injectionCap: 0.3,
  disagreementCap: 0.5,
  ungroundedCap: 0.4,
  rag: { mode: 'off', topK: 3, minSimilarity: 0.3, timeoutMs: 100, maxDocChars: 600 },
};

describe('generateStructured over the messy-output corpus', () => {
  for (const c of MESSY_OUTPUTS) {
    it(`${c.name}: ${c.expect.ok ? 'read as ' + c.expect.direction : 'unparseable after one re-ask (' + c.expect.code + ')'}`, async () => {
      const gen = createScriptedGenerator(() => c.input);
      const out = await generateStructured(gen, req, { parse: parseSignal, format: 'json' });
      if (c.expect.ok) {
        expect(out.ok).toBe(true);
        if (out.ok) expect(out.parsed.value.direction).toBe(c.expect.direction);
        expect(gen.calls).toHaveLength(1);
      } else {
        expect(out.ok).toBe(false);
        if (!out.ok) {
          expect(out.code).toBe('unparseable');
          expect(out.failure.code).toBe(c.expect.code);
          expect(out.reasked).toBe(true);
        }
        expect(gen.calls).toHaveLength(2);
        // The re-ask carries the previous answer and what was wrong with it.
        const reask = gen.calls[1]!.messages;
        expect(reask.at(-2)!.role).toBe('assistant');
        expect(reask.at(-1)!.content).toContain(c.expect.code);
      }
    });
  }

  it('uses the re-asked answer when the second one is readable', async () => {
    const gen = createScriptedGenerator((_r, call) => (call === 0 ? 'I cannot help with that.' : VALID_SIGNAL_JSON));
    const out = await generateStructured(gen, req, { parse: parseSignal, format: 'json' });
    expect(out.ok && out.reasked && out.parsed.value.direction === 'BUY').toBe(true);
  });
});

describe('opt drafter: no silent HOLD', () => {
  it('turns every unreadable answer into `unparseable` (counted), every readable one into the direction it gave', async () => {
    const registry = new Registry();
    const metrics = createLlmMetrics(registry);
    let unreadable = 0;
    for (const c of MESSY_OUTPUTS) {
      const gen = createScriptedGenerator(() => c.input);
      const drafter = createOptDrafter('json', SETTINGS, {
        generator: gen,
        budget: new HourlyBudget({ tokensPerHour: 0, usdPerHour: 0, usdPer1kPromptTokens: 0, usdPer1kCompletionTokens: 0 }),
        metrics,
        ragSubject: 'x',
      });
      const r = await drafter.draft(makeScoredNews({ news: { id: `m-${c.name.length}` } }), 1_735_830_001_000);
      if (c.expect.ok) {
        expect(r.kind, c.name).toBe('draft');
        if (r.kind === 'draft') {
          expect(r.draft.direction).toBe(directionToNumber(c.expect.direction));
          expect(r.draft.provenance.generator).toBe('llm');
          expect(r.draft.provenance.prompt_version).toBe('opt-json/1');
        }
      } else {
        unreadable++;
        expect(r.kind, c.name).toBe('unparseable');
      }
    }
    const counted = (await registry.getSingleMetricAsString('himari_llm_unparseable_total')).match(/\} (\d+)$/gm) ?? [];
    expect(counted.map((m) => Number(m.slice(2))).reduce((a, b) => a + b, 0)).toBe(unreadable);
    expect(unreadable).toBeGreaterThan(10);
  });
});
