import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyModels } from './fixtures.ts';
import { parameterCount } from './make.ts';

const models = tinyModels('himari-make-test-');
afterAll(() => models.cleanup());

describe('tiny-bert writer', () => {
  it('writes the four files transformers.js needs, with id2label in the order given', () => {
    const r = models.make('a', { labels: ['neutral', 'positive', 'negative'] });
    const config = JSON.parse(readFileSync(join(r.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      model_type: 'bert',
      id2label: { 0: 'neutral', 1: 'positive', 2: 'negative' },
      vocab_size: r.shape.vocabSize,
    });
    const tok = JSON.parse(readFileSync(join(r.dir, 'tokenizer.json'), 'utf8')) as {
      model: { type: string; vocab: Record<string, number> };
    };
    expect(tok.model.type).toBe('WordPiece');
    expect(Object.keys(tok.model.vocab)).toHaveLength(r.tokenizerVocabSize);
    expect(JSON.parse(readFileSync(join(r.dir, 'tokenizer_config.json'), 'utf8'))).toMatchObject({ tokenizer_class: 'BertTokenizer' });
    expect(readFileSync(r.modelFile).length).toBeGreaterThan(10_000);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = readFileSync(models.make('s1', { seed: 5 }).modelFile);
    const b = readFileSync(models.make('s2', { seed: 5 }).modelFile);
    const c = readFileSync(models.make('s3', { seed: 6 }).modelFile);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  it('counts parameters as BERT does (bert-base-uncased: 109,482,240 plus a 3-way head)', () => {
    const base = {
      vocabSize: 30522,
      hidden: 768,
      layers: 12,
      heads: 12,
      intermediate: 3072,
      maxPositions: 512,
      typeVocabSize: 2,
      numLabels: 3,
    };
    expect(parameterCount(base)).toBe(109_482_240 + 768 * 3 + 3);
  });
});
