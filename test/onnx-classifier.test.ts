/**
 * The ONNX sequence-classifier path on real ONNX models that the project builds (tools/tiny-bert: BERT architecture,
 * random seeded weights, WordPiece tokenizer), loaded through the very code FinBERT goes through, remote loading off.
 * Random weights make the answers meaningless; what is tested is that the loading, label mapping, batching,
 * sentence aggregation and the load-time checks do what they say.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentimentScore } from '@himari/contracts';
import {
  aggregate,
  createOnnxScorer,
  loadOnnxClassifier,
  OnnxConfigError,
  OnnxDegenerateModelError,
  OnnxLabelError,
  OnnxModelMismatchError,
  OnnxModelNotFoundError,
  splitSentences,
  type OnnxClassifier,
} from '@himari/onnx-classifier';
import { testModelOptions } from '@himari/onnx-classifier/testing';
import { tinyModels, type TinyModels } from '../tools/tiny-bert/fixtures.ts';

const TEXTS = [
  'Apple beats estimates and raises guidance',
  'Shares plunged after the company missed estimates badly and cut its dividend',
  'The annual meeting is on Tuesday.',
  'Bitcoin',
  'Tesla recalls vehicles; investors fear a long delay in deliveries of its new product in China and Europe',
  'zzqx unheardofword 12345 !!!',
];

let models: TinyModels;
let dirs: Record<'good' | 'reordered' | 'zero' | 'extraHonest' | 'extraHidden' | 'labelN', string>;
let good: OnnxClassifier;

beforeAll(async () => {
  models = tinyModels();
  dirs = {
    good: models.make('good', { seed: 7 }).dir,
    // Same seed, so the same weights: only id2label differs.
    reordered: models.make('reordered', { seed: 7, labels: ['neutral', 'positive', 'negative'] }).dir,
    zero: models.make('zero', { seed: 7, zeroClassifier: true }).dir,
    extraHonest: models.make('extra-honest', { seed: 7, extraTokens: 25 }).dir,
    extraHidden: models.make('extra-hidden', { seed: 7, extraTokens: 25, configVocab: 'tokenizer' }).dir,
    labelN: models.make('label-n', { seed: 7, labels: ['LABEL_0', 'LABEL_1', 'LABEL_2'] }).dir,
  };
  good = await loadOnnxClassifier(testModelOptions(dirs.good, { batch_size: 4 }));
});

afterAll(async () => {
  await good?.dispose();
  models?.cleanup();
});

const close = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThan(1e-5);

describe('loading a tiny BERT through the FinBERT path', () => {
  it('loads well under a second and reports what it loaded', () => {
    const i = good.info;
    expect(i.loadMs).toBeLessThan(1000);
    expect(i.modelType).toBe('bert');
    expect(i.id2label).toEqual({ 0: 'positive', 1: 'negative', 2: 'neutral' });
    expect(i.labelIndex).toEqual({ positive: 0, negative: 1, neutral: 2 });
    const sha = createHash('sha256')
      .update(readFileSync(join(dirs.good, 'onnx/model.onnx')))
      .digest('hex');
    expect(i.version).toBe(`sha256:${sha.slice(0, 16)}`);
    expect(i.name).toBe('good');
    expect(i.selfCheck?.passed).toBe(true);
    expect(i.selfCheck?.spread).toBeGreaterThan(0.05);
  });

  it('gives valid SentimentScores: probabilities sum to 1, compound = P(pos) − P(neg), label = argmax', async () => {
    const scores = await good.scoreBatch(TEXTS);
    expect(scores).toHaveLength(TEXTS.length);
    for (const s of scores) {
      expect(SentimentScore.parse(s)).toEqual(s);
      const p = s.probabilities;
      close(p.positive + p.negative + p.neutral, 1);
      close(s.compound, p.positive - p.negative);
      const best = (['positive', 'negative', 'neutral'] as const).reduce((a, b) => (p[b] > p[a] ? b : a));
      expect(s.label).toBe(best);
      expect(s).toMatchObject({ scorer: 'onnx', model: 'good', model_version: good.version });
    }
    // Random weights, but the input still matters: different texts, different answers.
    expect(new Set(scores.map((s) => s.probabilities.positive.toFixed(6))).size).toBe(TEXTS.length);
  });

  it('reads the label order from id2label: same weights, reordered labels, columns follow the names', async () => {
    const reordered = await loadOnnxClassifier(testModelOptions(dirs.reordered));
    try {
      expect(reordered.info.labelIndex).toEqual({ neutral: 0, positive: 1, negative: 2 });
      const a = await good.classify(TEXTS);
      const b = await reordered.classify(TEXTS);
      // Column 0 is "positive" in one model and "neutral" in the other, and so on.
      a.forEach((p, i) => {
        close(b[i]!.neutral, p.positive);
        close(b[i]!.positive, p.negative);
        close(b[i]!.negative, p.neutral);
      });
    } finally {
      await reordered.dispose();
    }
  });

  it('batched inference equals one text at a time (padding does not leak into the answer)', async () => {
    const batched = await good.classify(TEXTS);
    for (let i = 0; i < TEXTS.length; i++) {
      const [single] = await good.classify([TEXTS[i]!]);
      close(single!.positive, batched[i]!.positive);
      close(single!.negative, batched[i]!.negative);
      close(single!.neutral, batched[i]!.neutral);
    }
    const viaScores = await good.scoreBatch(TEXTS);
    const oneByOne = await Promise.all(TEXTS.map((t) => good.score(t)));
    viaScores.forEach((s, i) => close(s.compound, oneByOne[i]!.compound));
  });

  it('splits a long text into sentences and aggregates them by token-weighted mean', async () => {
    const article =
      'Acme posted a record profit. Shares fell 5% in early trading!\nThe CEO said demand was weak in China. Analysts expect a dividend cut.';
    const sentences = splitSentences(article);
    expect(sentences).toHaveLength(4);
    const perSentence = await good.classify(sentences);
    const tokens = good.countTokens(sentences);
    expect(tokens.every((n) => n > 2)).toBe(true);
    const expected = aggregate(
      perSentence.map((probs, i) => ({ probs, tokens: tokens[i]! })),
      'length_weighted_mean',
      'pos_minus_neg',
    );
    const [s] = await good.scoreBatch([article]);
    close(s!.probabilities.positive, expected.positive);
    close(s!.probabilities.negative, expected.negative);
    close(s!.probabilities.neutral, expected.neutral);
    // ...and it is not what the whole text scores as one input.
    const [whole] = await good.classify([article]);
    expect(Math.abs(whole!.positive - s!.probabilities.positive)).toBeGreaterThan(1e-4);
  });

  it('can take the most decided sentence, or the text whole, or the design compound, as configured', async () => {
    const article = 'Acme posted a record profit. Shares fell 5% in early trading. The CEO spoke on Tuesday.';
    const per = await good.classify(splitSentences(article));
    const maxAbs = await loadOnnxClassifier(
      testModelOptions(dirs.good, { aggregation: 'max_abs_compound', compound: 'scaled_by_non_neutral' }),
    );
    const whole = await loadOnnxClassifier(testModelOptions(dirs.good, { split_sentences: false }));
    try {
      const [m] = await maxAbs.scoreBatch([article]);
      const decided = per.reduce((a, b) =>
        Math.abs((b.positive - b.negative) * (1 - b.neutral)) > Math.abs((a.positive - a.negative) * (1 - a.neutral)) ? b : a,
      );
      close(m!.probabilities.positive, decided.positive);
      close(m!.compound, (decided.positive - decided.negative) * (1 - decided.neutral));
      const [w] = await whole.scoreBatch([article]);
      const [direct] = await good.classify([article]);
      close(w!.probabilities.positive, direct!.positive);
    } finally {
      await maxAbs.dispose();
      await whole.dispose();
    }
  });

  it('scores at most max_sentences sentences of a text', async () => {
    const capped = await loadOnnxClassifier(testModelOptions(dirs.good, { max_sentences: 2 }));
    try {
      const [a] = await capped.scoreBatch(['Profit rose. Sales fell. Costs doubled. Debt was cut.']);
      const [b] = await capped.scoreBatch(['Profit rose. Sales fell.']);
      close(a!.compound, b!.compound);
    } finally {
      await capped.dispose();
    }
  });

  it('gives [CLS] embeddings of the hidden size, the same batched or alone', async () => {
    const e = await good.embed(TEXTS);
    expect(e).toHaveLength(TEXTS.length);
    for (const v of e) expect(v.length).toBe(32);
    const [alone] = await good.embed([TEXTS[1]!]);
    alone!.forEach((x, i) => close(x, e[1]![i]!));
    expect(Array.from(e[0]!).some((x, i) => Math.abs(x - e[1]![i]!) > 1e-3)).toBe(true);
  });

  it('micro-batches concurrent score() calls into one inference, with the same answers', async () => {
    const scorer = createOnnxScorer(good, { maxBatch: 16, maxWaitMs: 20 });
    const answers = await Promise.all(TEXTS.map((t) => scorer.score(t)));
    expect(scorer.batchSizes).toEqual([TEXTS.length]);
    const direct = await good.scoreBatch(TEXTS);
    answers.forEach((s, i) => close(s.compound, direct[i]!.compound));
  });
});

describe('load-time checks fail loudly', () => {
  it('refuses a degenerate model (all-zero classifier: the same answer for everything) by its self-check', async () => {
    const err = await loadOnnxClassifier(testModelOptions(dirs.zero)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxDegenerateModelError);
    expect((err as Error).message).toMatch(/self-check.*barely move/);
    expect((err as { retryable: boolean }).retryable).toBe(false);
    // The check is what catches it: without it, the model loads and answers 1/3 for every class of every text.
    const unchecked = await loadOnnxClassifier(testModelOptions(dirs.zero, { self_check: { enabled: false } }));
    try {
      for (const p of await unchecked.classify(TEXTS)) close(p.neutral, 1 / 3);
    } finally {
      await unchecked.dispose();
    }
  });

  it('refuses a tokenizer with more tokens than the model config has rows for', async () => {
    const err = await loadOnnxClassifier(testModelOptions(dirs.extraHonest)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxModelMismatchError);
    expect((err as Error).message).toMatch(/token ids up to \d+ but the model's vocab_size is \d+/);
  });

  it('refuses the same mismatch when config.json hides it: the graph itself is run on the largest id', async () => {
    const err = await loadOnnxClassifier(testModelOptions(dirs.extraHidden)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxModelMismatchError);
    expect((err as Error).message).toMatch(/graph fails on token id \d+/);
  });

  it('refuses labels it cannot map', async () => {
    await expect(loadOnnxClassifier(testModelOptions(dirs.labelN))).rejects.toThrow(OnnxLabelError);
  });

  it('refuses a max_length past the model positions', async () => {
    await expect(loadOnnxClassifier(testModelOptions(dirs.good, { max_length: 1024 }))).rejects.toThrow(OnnxConfigError);
  });

  it('names a missing folder and says remote loading is not used', async () => {
    const missing = join(models.root, 'no-such-model');
    const err = await loadOnnxClassifier(testModelOptions(missing)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxModelNotFoundError);
    expect((err as Error).message).toContain(missing);
    expect((err as Error).message).toMatch(/remote loading is not used/);
  });

  it('names each missing file of an incomplete folder', async () => {
    const dir = models.make('incomplete', { seed: 7 }).dir;
    rmSync(join(dir, 'tokenizer_config.json'));
    await expect(loadOnnxClassifier(testModelOptions(dir))).rejects.toThrow(/lacks tokenizer_config\.json/);
    await expect(loadOnnxClassifier(testModelOptions(dirs.good, { dtype: 'q8' }))).rejects.toThrow(/lacks onnx\/model_quantized\.onnx/);
  });

  it('does not go to the network for a hub id unless allowed, and says so', async () => {
    const started = Date.now();
    const err = await loadOnnxClassifier(
      testModelOptions(dirs.good, {
        path: null,
        hub_id: 'himari-test/not-in-any-cache',
        allow_remote: false,
        cache_dir: join(models.root, 'cache'),
      }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxModelNotFoundError);
    expect((err as Error).message).toMatch(/remote loading is off \(sentiment\.onnx\.allow_remote: false\)/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('says what to do when no model is configured at all', async () => {
    await expect(loadOnnxClassifier(testModelOptions(dirs.good, { path: null, hub_id: null }))).rejects.toThrow(/no ONNX model configured/);
  });
});
