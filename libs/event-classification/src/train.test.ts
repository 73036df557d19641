import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { EventModelError } from './errors.ts';
import { loadEventModel, parseEventModel } from './model.ts';
import { parseTopicCsv } from './topic-data.ts';
import { carveSplit, categoryRows, trainEventModel } from './train.ts';
import { syntheticTopicCsv } from './testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'himari-events-train-'));
const data = join(dir, 'topics.csv');
writeFileSync(data, syntheticTopicCsv(24));
const quick = { features: { minDf: 1 }, hyper: { maxIter: 200 } } as const;

describe('trainEventModel', () => {
  it('is deterministic: the same data and seed give the same bytes', async () => {
    const a = await trainEventModel({ data, out: join(dir, 'a.json'), ...quick });
    const b = await trainEventModel({ data, out: join(dir, 'b.json'), ...quick });
    expect(readFileSync(join(dir, 'a.json'))).toEqual(readFileSync(join(dir, 'b.json')));
    expect(a.model_version).toBe(b.model_version);
    expect(a.model).toBe('topic-logreg@1');
  });

  it('drops excluded topics, holds out the carved rows, and learns the categories', async () => {
    const r = await trainEventModel({ data, out: join(dir, 'm.json'), ...quick });
    // 10 templated topics × 24 rows, of which topic 6 (Energy | Oil) is excluded.
    expect(r.excluded_rows).toBe(24);
    expect(r.train_rows + r.valid_rows).toBe(9 * 24);
    expect(r.valid?.accuracy).toBeGreaterThan(0.9);
    const model = loadEventModel(join(dir, 'm.json'));
    expect(model.labels).toEqual(['earnings', 'macro', 'corporate', 'regulatory', 'market', 'unknown']);
    expect(model.training.class_counts['corporate']).toBeGreaterThan(model.training.class_counts['earnings'] ?? 0);
    const fresh = parseTopicCsv(syntheticTopicCsv(4, 1000));
    for (const row of fresh.filter((x) => x.category !== null)) expect(model.predict(row.text).category, row.text).toBe(row.category);
    const p = model.probabilities('Acme to report quarterly earnings');
    expect([...p].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('keeps the carved validation texts out of the training fingerprints', async () => {
    await trainEventModel({ data, out: join(dir, 'v.json'), ...quick });
    const model = loadEventModel(join(dir, 'v.json'));
    const { train, valid } = carveSplit(
      categoryRows(parseTopicCsv(readFileSync(data, 'utf8'))),
      model.training.split.seed,
      model.training.split.valid_fraction,
    );
    expect(valid.length).toBe(model.training.valid_rows);
    expect(train.length).toBe(model.training.train_rows);
    const seen = model.trainingFingerprints();
    expect(seen.size).toBe(train.length);
    const { fingerprintText } = await import('@himari/text-classifier');
    expect(valid.filter((r) => seen.has(fingerprintText(r.text)))).toEqual([]);
  });

  it('refuses files that are not event models, loudly', async () => {
    expect(() => parseEventModel('{"format":"himari-sentiment-logreg"}')).toThrow(EventModelError);
    expect(() => parseEventModel('not json')).toThrow(EventModelError);
    await trainEventModel({ data, out: join(dir, 't.json'), ...quick });
    const file = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8')) as { weights_i16: string };
    file.weights_i16 = file.weights_i16.slice(0, 8);
    expect(() => parseEventModel(JSON.stringify(file))).toThrow(/weights/);
    expect(() => loadEventModel(join(dir, 'missing.json'))).toThrow(EventModelError);
  });
});
