/**
 * A real inference engine end to end: a tiny llama GGUF (random weights, written by tools/tiny-gguf) loaded by
 * node-llama-cpp. Its text is noise; the schema makes it structure. 100 answers under the signal schema through
 * the llama-cpp backend: every one must parse and validate through J6. Then a LoRA adapter, loaded at start,
 * changes the output. (The openai-compatible backend against a server on the same engine: llm-openai.test.ts.)
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScoredNews } from '@himari/contracts';
import { buildOptPrompt, createLlamaCppGenerator, createLlmMetrics, createOptDrafter, type TextGenerator } from '@himari/llm';
import { testDrafterSettings, unlimitedBudget } from '@himari/llm/testing';
import { CotStore, RlmfLearner, createCotDrafter } from '@himari/cot';
import { createLexiconScorer } from '@himari/sentiment';
import { parseModelOutput } from '@himari/structured-output';
import { Registry } from 'prom-client';
import { writeGguf } from '../tools/tiny-gguf/gguf.ts';
import { buildTinyLlama, buildTinyLora } from '../tools/tiny-gguf/tiny-llama.ts';
import { FIXED_EVENT, N, generateAll, samples, schema, tinyModelDir } from './support/llm.ts';

const dir = tinyModelDir();
const modelPath = join(dir, 'tiny.gguf');
const loraPath = join(dir, 'tiny-lora.gguf');

beforeAll(() => {
  writeGguf(modelPath, buildTinyLlama({ seed: 11 }));
  writeGguf(loraPath, buildTinyLora({ seed: 12 }));
});

describe('llama-cpp backend on a tiny GGUF model', () => {
  let gen: TextGenerator;
  beforeAll(async () => {
    gen = await createLlamaCppGenerator({ modelPath, sequences: 4, threads: 1, contextSize: 1024, chatTemplate: 'none' });
  });
  afterAll(() => gen?.dispose());

  it(`generates ${N} answers under the signal schema: all ${N} valid through J6`, async () => {
    const t = await generateAll(gen);
    expect(t.failures).toEqual([]);
    expect(t.valid).toBe(N);
    // The grammar bounds numbers to their ranges: nothing had to be clamped.
    expect(t.clamped).toBe(0);
    // Noise, but structured noise: more than one direction shows the sampler really chose.
    expect(Object.keys(t.directions).length).toBeGreaterThan(1);
  });

  it('without a schema the same model produces text J6 cannot read (what the grammar is for)', async () => {
    const news = samples[0]!;
    const prompt = buildOptPrompt({ news, format: 'json', maxInputChars: 400, maxReasoningChars: 40 });
    let readable = 0;
    for (let i = 0; i < 5; i++) {
      const r = await gen.generate({ messages: prompt.messages, maxTokens: 60, temperature: 0.9, seed: i });
      if (parseModelOutput(r.text).ok) readable++;
    }
    expect(readable).toBe(0);
  });

  it('runs the opt drafter end to end: signals drafted by the model with its provenance', async () => {
    const scorer = createLexiconScorer();
    const drafter = createOptDrafter('json', testDrafterSettings({ maxTokens: 400, maxReasoningChars: 40, temperature: 0.9 }), {
      generator: gen,
      budget: unlimitedBudget(),
      metrics: createLlmMetrics(new Registry()),
      ragSubject: 'rag',
    });
    for (const news of samples.slice(0, 10)) {
      const scored = ScoredNews.parse({
        v: 1,
        news,
        event: FIXED_EVENT,
        sentiment: scorer.score(news.text),
        route: 'opt',
        scored_at: news.received_at,
      });
      const r = await drafter.draft(scored, news.received_at + 10);
      expect(r.kind).toBe('draft');
      if (r.kind === 'draft')
        expect(r.draft.provenance).toMatchObject({ generator: 'llm', model: 'himari-tiny-llama', prompt_version: 'opt-json/1' });
    }
  });
});

describe('cot drafter on the tiny GGUF model', () => {
  it('drafts from the grammar-bound five-step chain and keeps every step in the audit trail', async () => {
    const gen = await createLlamaCppGenerator({ modelPath, sequences: 2, threads: 1, contextSize: 2048, chatTemplate: 'none' });
    const store = new CotStore(null);
    try {
      const scorer = createLexiconScorer();
      const drafter = createCotDrafter(
        {
          ...testDrafterSettings({ maxTokens: 900, maxReasoningChars: 20, temperature: 0.9 }),
          maxStepChars: 12,
          samples: 1,
          historySignals: 3,
        },
        {
          generator: gen,
          budget: unlimitedBudget(),
          metrics: createLlmMetrics(new Registry()),
          ragSubject: 'rag',
          store,
          learner: new RlmfLearner(store, {
            enabled: true,
            bufferSize: 10,
            updateEvery: 5,
            epochs: 1,
            learningRate: 0.05,
            policyWeight: 0.3,
            minExperiences: 0,
            seed: 1,
          }),
          history: async () => [],
        },
      );
      for (const news of samples.slice(20, 23)) {
        const scored = ScoredNews.parse({
          v: 1,
          news,
          event: FIXED_EVENT,
          sentiment: scorer.score(news.text),
          route: 'cot',
          scored_at: news.received_at,
        });
        const r = await drafter.draft(scored, news.received_at + 10);
        expect(r.kind).toBe('draft');
        if (r.kind === 'draft') expect(r.draft.provenance).toMatchObject({ actor: 'cot-actor', generator: 'llm', prompt_version: 'cot/1' });
        const trail = store.trail(news.id)!;
        expect(trail.steps.map((st) => st.key)).toEqual(['key_information', 'sentiment', 'market_context', 'impact', 'conclusion']);
        for (const f of Object.values(trail.factors)) expect(Math.abs(f)).toBeLessThanOrEqual(1);
      }
    } finally {
      store.close();
      await gen.dispose();
    }
  });
});

describe('LoRA adapter (GGUF) loaded at start', () => {
  it('loads into the llama-cpp backend and changes what the model says', async () => {
    const news = samples[1]!;
    const prompt = buildOptPrompt({ news, format: 'json', maxInputChars: 400, maxReasoningChars: 40 });
    const greedy = async (g: TextGenerator): Promise<string> =>
      (await g.generate({ messages: prompt.messages, maxTokens: 200, temperature: 0, schema })).text;
    const base = await createLlamaCppGenerator({ modelPath, sequences: 1, threads: 1, contextSize: 1024, chatTemplate: 'none' });
    const adapted = await createLlamaCppGenerator({
      modelPath,
      lora: [{ path: loraPath, scale: 1 }],
      sequences: 1,
      threads: 1,
      contextSize: 1024,
      chatTemplate: 'none',
    });
    try {
      const a = await greedy(base);
      const a2 = await greedy(base);
      const b = await greedy(adapted);
      expect(a2).toBe(a);
      expect(b).not.toBe(a);
      expect(parseModelOutput(b).ok).toBe(true);
      expect(adapted.modelVersion).toContain('+lora:tiny-lora.gguf');
    } finally {
      await base.dispose();
      await adapted.dispose();
    }
  });

  it('refuses a missing model or adapter at start, with a non-retryable error', async () => {
    await expect(createLlamaCppGenerator({ modelPath: join(dir, 'nope.gguf') })).rejects.toMatchObject({
      name: 'ModelUnavailableError',
      retryable: false,
    });
    await expect(createLlamaCppGenerator({ modelPath, lora: [{ path: join(dir, 'nope-lora.gguf') }] })).rejects.toMatchObject({
      name: 'ModelUnavailableError',
    });
  });
});
