/**
 * The transformers backend on a real (tiny) ONNX decoder, loaded and run by transformers.js and onnxruntime-node:
 * no schema can be enforced while it generates, so J6 reads what it writes, with one re-ask. A decoder whose
 * weights spell a signal JSON gives a signal; one with random weights gives noise, which ends as `unparseable`
 * after exactly one re-ask (dead-lettered by the actor), never as a default HOLD.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { makeScoredNews } from '@himari/drafting/testing';
import { createLlmMetrics, createOptDrafter, createTransformersGenerator, type TextGenerator } from '@himari/llm';
import { testDrafterSettings, unlimitedBudget } from '@himari/llm/testing';
import { writeTinyDecoder } from '../tools/tiny-gguf/tiny-onnx-decoder.ts';

const dir = mkdtempSync(join(tmpdir(), 'himari-tx-'));
const NOW = 1_735_830_001_000;
let answer: TextGenerator;
let noise: TextGenerator;

beforeAll(async () => {
  answer = await createTransformersGenerator({ modelDir: writeTinyDecoder(join(dir, 'answer'), { weights: 'answer' }) });
  noise = await createTransformersGenerator({ modelDir: writeTinyDecoder(join(dir, 'noise'), { weights: 'random', seed: 5 }) });
});
afterAll(async () => {
  await answer?.dispose();
  await noise?.dispose();
});

const drafter = (generator: TextGenerator) =>
  createOptDrafter('json', testDrafterSettings({ maxTokens: 24 }), {
    generator,
    budget: unlimitedBudget(),
    metrics: createLlmMetrics(new Registry()),
    ragSubject: 'rag',
  });

describe('transformers backend', () => {
  it('refuses a model folder with files missing, naming them', async () => {
    await expect(createTransformersGenerator({ modelDir: join(dir, 'nothing-here') })).rejects.toMatchObject({
      name: 'ModelUnavailableError',
      retryable: false,
      message: expect.stringContaining('config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx'),
    });
  });

  it('generates with transformers.js, reports exact token counts, and the drafter reads the answer', async () => {
    const r = await answer.generate({ messages: [{ role: 'user', content: 'Apple misses estimates' }], maxTokens: 24, temperature: 0 });
    expect(r).toMatchObject({ constrained: false, completionTokens: 2, finishReason: 'stop' });
    const d = await drafter(answer).draft(
      makeScoredNews({ sentiment: { label: 'negative', compound: -0.4, probabilities: { positive: 0.1, negative: 0.6, neutral: 0.3 } } }),
      NOW,
    );
    if (d.kind !== 'draft') throw new Error(d.kind);
    expect(d.draft).toMatchObject({ direction: -1, confidence_raw: 0.62, reasoning: 'tiny onnx decoder' });
    expect(d.draft.provenance).toMatchObject({ generator: 'llm', model: 'answer', model_version: 'answer@fp32' });
  });

  it('noise from a random decoder ends as unparseable after exactly one re-ask', async () => {
    let calls = 0;
    const counted: TextGenerator = { ...noise, generate: (req) => (calls++, noise.generate(req)) };
    const d = await drafter(counted).draft(makeScoredNews(), NOW);
    expect(d.kind).toBe('unparseable');
    expect(calls).toBe(2);
  });
});
