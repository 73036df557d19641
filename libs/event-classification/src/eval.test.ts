import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { classifyEventDesignKeywords } from './design-baseline.ts';
import { EventEvalOverlapError, EventModelError } from './errors.ts';
import { evalEvents, evalEventsMarkdown } from './eval.ts';
import { CLASSIFIER_VERSION } from './event-classifier.ts';
import { sharedDataPath } from '@himari/config/testing';
import { EVENT_DATA } from './paths.ts';
import { readTopicCsv } from './topic-data.ts';
import { carveSplit, categoryRows } from './train.ts';
import { defaultEventClassifier } from './event-classifier.ts';

const TOPIC_TRAIN = sharedDataPath(EVENT_DATA.topicTrain);
const dir = mkdtempSync(join(tmpdir(), 'himari-events-eval-'));
// Written for this test (not from the topic data): text, topic id.
const ROWS: [string, number][] = [
  ['Acme upgraded to outperform at Jefferies, price target lifted to $80', 0],
  ['Fed governor says another 75 basis point hike is on the table', 1],
  ['Globex unveils a battery plant in Ohio to supply carmakers', 2],
  ['Initech declares quarterly dividend of $0.21 per share', 4],
  ['Hooli to report second quarter 2022 results on August 2', 5],
  ['Brent crude climbs above $100 a barrel', 6],
  ['Opinion: why the summer heat wave is testing the power grid', 9],
  ['Vandelay sued by investors in securities class action', 12],
  ['Stark Industries agrees to acquire Wayne Tech for $4 billion', 13],
  ['Eurozone inflation hits a record as energy prices soar', 14],
  ['Stocks close higher as the Nasdaq leads a broad rally', 15],
  ['Tyrell names new chief financial officer', 17],
];
const csv = (rows: readonly [string, number][]): string =>
  'text,label\n' + rows.map(([t, l]) => `"${t.replace(/"/g, '""')}",${l}`).join('\n') + '\n';
const data = join(dir, 'topics.csv');
writeFileSync(data, csv(ROWS));

describe('evalEvents', () => {
  it("writes the issue's JSON shape, scoring every method on the same rows and skipping excluded topics", async () => {
    const r = await evalEvents({ data, json: join(dir, 'r.json'), markdown: join(dir, 'r.md') });
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Record<string, unknown>;
    for (const k of ['model', 'data', 'n', 'accuracy', 'macro_f1', 'weighted_f1', 'baselines', 'confusion', 'per_class'])
      expect(json, k).toHaveProperty(k);
    expect(json['model']).toBe(CLASSIFIER_VERSION);
    expect(r.n).toBe(ROWS.length - 1);
    expect(r.excluded_rows).toBe(1);
    expect(Object.keys(r.baselines)).toEqual(['design_keywords', 'phrase_rules', 'topic_model_only', 'majority']);
    for (const b of Object.values(r.baselines)) expect(Object.keys(b).sort()).toEqual(['accuracy', 'macro_f1', 'weighted_f1']);
    // The design baseline's accuracy, recomputed here from its own answers on the scored rows.
    const scored = readTopicCsv(data).rows.filter((x) => x.category !== null);
    const designRight = scored.filter((x) => classifyEventDesignKeywords(x.text).category === x.category).length;
    expect(r.baselines['design_keywords']?.accuracy).toBeCloseTo(designRight / scored.length, 12);
    // Accuracy is the confusion matrix's diagonal.
    const diag = r.confusion.matrix.reduce((s, row, i) => s + (row[i] ?? 0), 0);
    expect(r.accuracy).toBeCloseTo(diag / r.n, 12);
    expect(r.accuracy).toBeGreaterThan(r.baselines['design_keywords']?.accuracy ?? 1);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toBe(evalEventsMarkdown(r));
    expect(evalEventsMarkdown(r)).toContain('Fed \\| Central Banks');
  });

  it.skipIf(!existsSync(TOPIC_TRAIN))('refuses rows the model was trained on, unless told to score them anyway', async () => {
    const t = defaultEventClassifier().model.training;
    const { train } = carveSplit(categoryRows(readTopicCsv(TOPIC_TRAIN).rows), t.split.seed, t.split.valid_fraction);
    const seen = train[0];
    if (!seen) throw new Error('no training rows');
    const leaky = join(dir, 'leaky.csv');
    writeFileSync(leaky, csv([...ROWS, [seen.text, seen.topic]]));
    await expect(evalEvents({ data: leaky })).rejects.toThrow(EventEvalOverlapError);
    const r = await evalEvents({ data: leaky, allowOverlap: true });
    expect(r.overlap).toBe(1);
    expect(r.warnings.join(' ')).toMatch(/1 of 12 evaluation texts/);
  });

  it("scores the carved validation rows only of the model's own file", async () => {
    await expect(evalEvents({ data, subset: 'valid' })).rejects.toThrow(EventModelError);
    const excludedOnly = join(dir, 'oil.csv');
    writeFileSync(excludedOnly, csv([['Oil rises', 6]]));
    await expect(evalEvents({ data: excludedOnly })).rejects.toThrow(/every topic in the file is excluded/);
  });
});
