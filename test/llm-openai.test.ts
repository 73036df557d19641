/**
 * The openai-compatible backend against a local OpenAI-compatible server backed by a real engine: the tiny llama
 * GGUF (random weights, tools/tiny-gguf) through node-llama-cpp. 100 answers with response_format json_schema: every
 * one must parse and validate through J6.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScoredNews } from '@himari/contracts';
import { createLlmMetrics, createOpenAiGenerator, createOptDrafter } from '@himari/llm';
import { testDrafterSettings, unlimitedBudget } from '@himari/llm/testing';
import { createLexiconScorer } from '@himari/sentiment';
import { Registry } from 'prom-client';
import { writeGguf } from '../tools/tiny-gguf/gguf.ts';
import { buildTinyLlama } from '../tools/tiny-gguf/tiny-llama.ts';
import { startEngineServer, type EngineServer } from '../tools/tiny-gguf/engine-server.ts';
import { FIXED_EVENT, N, generateAll, samples, tinyModelDir } from './support/llm.ts';

const dir = tinyModelDir();
const modelPath = join(dir, 'tiny.gguf');

beforeAll(() => {
  writeGguf(modelPath, buildTinyLlama({ seed: 11 }));
});

describe('openai-compatible backend against a local server backed by the same engine', () => {
  let server: EngineServer;
  beforeAll(async () => {
    server = await startEngineServer({ modelPath, sequences: 4, threads: 1 });
  });
  afterAll(() => server?.close());

  it(`generates ${N} answers with response_format json_schema: all ${N} valid through J6`, async () => {
    const gen = createOpenAiGenerator({ baseUrl: server.baseUrl, model: 'tiny', concurrency: 4, timeoutMs: 30_000 });
    const t = await generateAll(gen);
    expect(t.failures).toEqual([]);
    expect(t.valid).toBe(N);
    expect(server.generated).toBe(N);
    expect(server.requests.every((r) => r.response_format?.type === 'json_schema')).toBe(true);
    expect(server.maxConcurrent).toBeLessThanOrEqual(4);
  });

  it('a server whose grammar bounds digits but not values: every answer is valid or an explicit unparseable', async () => {
    const loose = await startEngineServer({ modelPath, sequences: 4, threads: 1, grammar: 'node-llama-cpp' });
    try {
      const gen = createOpenAiGenerator({ baseUrl: loose.baseUrl, model: 'tiny', concurrency: 4, timeoutMs: 30_000 });
      const drafter = createOptDrafter('json', testDrafterSettings({ maxTokens: 400, maxReasoningChars: 40, temperature: 0.9 }), {
        generator: gen,
        budget: unlimitedBudget(),
        metrics: createLlmMetrics(new Registry()),
        ragSubject: 'rag',
      });
      const scorer = createLexiconScorer();
      const kinds = { draft: 0, unparseable: 0 };
      for (const news of samples.slice(0, 12)) {
        const scored = ScoredNews.parse({
          v: 1,
          news,
          event: FIXED_EVENT,
          sentiment: scorer.score(news.text),
          route: 'opt',
          scored_at: news.received_at,
        });
        const r = await drafter.draft(scored, news.received_at + 10);
        if (r.kind === 'retry') throw r.error;
        kinds[r.kind]++;
        if (r.kind === 'draft') expect(r.draft.provenance.generator).toBe('llm');
      }
      expect(kinds.draft + kinds.unparseable).toBe(12);
      console.info(`loose server grammar: ${kinds.draft} drafted, ${kinds.unparseable} unparseable (dead-lettered) of 12`);
    } finally {
      await loose.close();
    }
  });
});
