import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SentimentScore } from '@himari/contracts';
import { sha256Hex } from '@himari/text-classifier';
import { SentimentModelError } from './errors.ts';
import { loadSentimentModel, parseSentimentModel } from './model.ts';
import { tinyTfnsCsv } from './testing.ts';
import { trainSentiment } from './train.ts';

const dir = mkdtempSync(join(tmpdir(), 'sentiment-model-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'tiny.csv');
writeFileSync(data, tinyTfnsCsv());

describe('trainSentiment', () => {
  it('is deterministic: the same seed gives a byte-identical model file', async () => {
    const a = await trainSentiment({ data, out: join(dir, 'a.json'), name: 'tiny', seed: 5, validFraction: 0.2 });
    const b = await trainSentiment({ data, out: join(dir, 'b.json'), name: 'tiny', seed: 5, validFraction: 0.2 });
    const bytesA = readFileSync(join(dir, 'a.json'));
    expect(bytesA.equals(readFileSync(join(dir, 'b.json')))).toBe(true);
    expect(a.model_version).toBe(b.model_version);
    expect(a.model_version).toBe('sha256:' + sha256Hex(bytesA).slice(0, 16));
    expect(a.converged).toBe(true);
    expect([a.train_rows, a.valid_rows]).toEqual([24, 6]);
  });

  it('a different seed carves a different split, hence a different file', async () => {
    await trainSentiment({ data, out: join(dir, 'c.json'), name: 'tiny', seed: 6, validFraction: 0.2 });
    expect(readFileSync(join(dir, 'c.json')).equals(readFileSync(join(dir, 'a.json')))).toBe(false);
  });

  it('learns the obvious words and reports scores in the contract shape', async () => {
    const out = join(dir, 'full.json');
    const progress: { iteration: number; loss: number }[] = [];
    const r = await trainSentiment({ data, out, seed: 1, validFraction: 0, name: 'tiny', onProgress: (p) => progress.push(p) });
    expect(r.valid).toBeUndefined();
    expect(progress.length).toBeGreaterThan(1);
    // L-BFGS with an Armijo line search never increases the objective; nb-ovr runs one fit per class, each counting
    // its iterations from the start again.
    const fits = progress.filter((p, i) => i === 0 || p.iteration <= (progress[i - 1] as { iteration: number }).iteration).length;
    expect(fits).toBe(3);
    for (let i = 1; i < progress.length; i++) {
      const [prev, cur] = [progress[i - 1]!, progress[i]!];
      if (cur.iteration > prev.iteration) expect(cur.loss).toBeLessThanOrEqual(prev.loss);
    }
    const m = loadSentimentModel(out);
    const pos = m.score('Zeta shares surge as profit beats estimates');
    const neg = m.score('Zeta shares plunge as profit misses estimates');
    const neu = m.score('Zeta to present at conference');
    expect(SentimentScore.parse(pos)).toEqual(pos);
    expect([pos.label, neg.label, neu.label]).toEqual(['positive', 'negative', 'neutral']);
    expect(pos.compound).toBeCloseTo(pos.probabilities.positive - pos.probabilities.negative, 12);
    expect(pos.probabilities.positive + pos.probabilities.negative + pos.probabilities.neutral).toBeCloseTo(1, 12);
    expect({ scorer: pos.scorer, model: pos.model, model_version: pos.model_version }).toEqual({
      scorer: 'trained',
      model: 'tiny',
      model_version: m.version,
    });
    expect(m.scoreBatch(['a', 'b'])).toHaveLength(2);
    // The model remembers what it was trained on (all 30 rows here).
    expect(m.trainingFingerprints().size).toBe(30);
  });
});

describe('model files', () => {
  it('refuses what is not a model file', () => {
    expect(() => parseSentimentModel('{"format":"other"}')).toThrow(SentimentModelError);
    expect(() => parseSentimentModel('not json')).toThrow(SentimentModelError);
    expect(() => loadSentimentModel(join(dir, 'missing.json'))).toThrow(SentimentModelError);
  });
});
