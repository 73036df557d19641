import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintText } from './fingerprint.ts';
import { carvedValidRows, countOverlap, crossValidate, trainSettings, tuneGrid, writeReports } from './experiment.ts';
import type { TrainDefaults } from './experiment.ts';
import { splitRows } from './split.ts';

const LABELS = ['down', 'up'] as const;
const DEFAULTS: TrainDefaults = {
  features: { negation: false, negationWindow: 0, wordNgramMax: 1, charMin: 3, charMax: 0, minDf: 1, charWeight: 1, lexicon: 'none' },
  hyper: { l2: 1e-3, classWeight: 'balanced', maxIter: 100 },
  seed: 3,
  validFraction: 0.25,
};
const rows = [
  ...['falls', 'drops', 'slumps', 'plunges', 'sinks', 'tumbles'].flatMap((w, i) => [
    { text: `stock ${w} ${i}`, label: 'down' as const },
    { text: `shares ${w} again ${i}`, label: 'down' as const },
  ]),
  ...['rises', 'jumps', 'soars', 'rallies', 'climbs', 'gains'].flatMap((w, i) => [
    { text: `stock ${w} ${i}`, label: 'up' as const },
    { text: `shares ${w} again ${i}`, label: 'up' as const },
  ]),
];
const fail = (m: string) => new RangeError(m);
const dir = mkdtempSync(join(tmpdir(), 'text-classifier-experiment-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the experiment shape', () => {
  it('lays options over the defaults', () => {
    const s = trainSettings({ seed: 9, hyper: { l2: 0.5 } }, DEFAULTS);
    expect(s).toEqual({ seed: 9, validFraction: 0.25, features: DEFAULTS.features, hyper: { ...DEFAULTS.hyper, l2: 0.5 } });
  });

  it('carves the same validation rows as the training run, and refuses another file or a model with none', () => {
    const training = { data_file: 'x.csv', data_sha256: 'a'.repeat(64), split: { seed: 3, valid_fraction: 0.25 } };
    expect(carvedValidRows(rows, 'a'.repeat(64), training, LABELS, fail)).toEqual(
      splitRows(rows, { seed: 3, validFraction: 0.25, labels: LABELS }).valid,
    );
    expect(() => carvedValidRows(rows, 'b'.repeat(64), training, LABELS, fail)).toThrow(/needs the file the model was trained on/);
    const all = { ...training, split: { seed: 3, valid_fraction: 0 } };
    expect(() => carvedValidRows(rows, 'a'.repeat(64), all, LABELS, fail)).toThrow(/no validation rows/);
  });

  it('counts rows whose folded text is among the training fingerprints', () => {
    const seen = new Set([fingerprintText('Stock Falls 0')]);
    expect(countOverlap(seen, [{ text: 'stock  falls 0' }, { text: 'stock rises 0' }])).toBe(1);
  });

  it('cross-validates a setting and ranks a grid by the named score', () => {
    const cv = crossValidate(rows, {}, { labels: LABELS, defaults: DEFAULTS, folds: 3, seed: 1 });
    expect(cv.accuracy).toBeGreaterThan(0.5);
    expect(cv.features).toBeGreaterThan(0);
    const seen: number[] = [];
    const ranked = tuneGrid(rows, {
      labels: LABELS,
      defaults: DEFAULTS,
      grid: [{ hyper: { l2: 10 } }, {}],
      folds: 3,
      seed: 1,
      rankBy: 'macro_f1',
      onResult: (r) => seen.push(r.macro_f1),
    });
    expect(seen).toHaveLength(2);
    expect(ranked.map((r) => r.macro_f1)).toEqual([...seen].sort((a, b) => b - a));
  });

  it('writes the JSON and Markdown reports only where asked', () => {
    const report = { n: 1 };
    writeReports(report, (r) => `n = ${r.n}\n`, { json: join(dir, 'r.json'), markdown: join(dir, 'r.md') });
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toEqual(report);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toBe('n = 1\n');
  });
});
