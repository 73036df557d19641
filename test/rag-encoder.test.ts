/**
 * The sentence-transformers path of J3's Encoder, through the real loaders (tokenizer, config, onnxruntime-node):
 * a tiny BERT-shaped model with random weights (tools/tiny-bert), mean pooling, unit vectors. Random weights mean
 * nothing semantically; what is tested is the plumbing and the contract (dimension, normalisation, determinism,
 * errors that name what is missing).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEncoder, EncoderError, loadTransformersEncoder } from '@himari/embeddings';
import { dot } from '@himari/numeric';
import { ConfigSchema } from '@himari/config';
import { tinyModels } from '../tools/tiny-bert/fixtures.ts';

const models = tinyModels('himari-rag-encoder-');
afterAll(() => models.cleanup());

describe('transformers.js encoder (tiny BERT in ONNX)', () => {
  it('encodes texts to unit vectors of the model hidden size, the same text to the same vector', async () => {
    const m = models.make('enc', { hidden: 48, heads: 4, seed: 3 });
    const enc = await loadTransformersEncoder({
      modelDir: m.dir,
      hubId: 'unused',
      allowRemote: false,
      dtype: 'fp32',
      threads: 1,
      batchSize: 2,
    });
    try {
      expect(enc.kind).toBe('transformers');
      expect(enc.dim).toBe(48);
      expect(enc.id).toMatch(/^enc@[0-9a-f]{12}$/);
      const [a, b, c, a2] = await enc.encode(['apple beats earnings', 'oil falls on opec news', '', 'apple beats earnings']);
      for (const v of [a!, b!, c!]) expect(dot(v, v)).toBeCloseTo(1, 4);
      expect(Array.from(a2!)).toEqual(Array.from(a!));
      expect(dot(a!, b!)).toBeLessThan(0.9999);
    } finally {
      await enc.close();
    }
  });

  it('is what rag.encoder.kind = transformers loads', async () => {
    const m = models.make('cfg', { hidden: 32, seed: 4 });
    const cfg = ConfigSchema.parse({ rag: { encoder: { kind: 'transformers', model_dir: m.dir } } }).rag.encoder;
    const enc = await createEncoder(cfg);
    expect(enc.dim).toBe(32);
    await enc.close();
  });

  it('names the missing files of a local folder, and refuses a hub id offline', async () => {
    const dir = join(models.root, 'empty');
    mkdirSync(dir, { recursive: true });
    await expect(loadTransformersEncoder({ modelDir: dir, hubId: 'x', allowRemote: false, dtype: 'fp32', threads: 1 })).rejects.toThrow(
      /lacks config\.json, tokenizer\.json, tokenizer_config\.json, onnx\/model\.onnx/,
    );
    const err = await loadTransformersEncoder({
      modelDir: null,
      hubId: 'sentence-transformers/all-MiniLM-L6-v2',
      allowRemote: false,
      dtype: 'fp32',
      threads: 1,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EncoderError);
    expect((err as Error).message).toMatch(/allow_remote is false/);
  });
});
