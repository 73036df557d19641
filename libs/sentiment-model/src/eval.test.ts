import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalOverlapError, SentimentModelError } from './errors.ts';
import { evalSentiment } from './eval.ts';
import { tinyPhrasebankCsv, tinyTfnsCsv } from './testing.ts';
import { trainSentiment } from './train.ts';

const dir = mkdtempSync(join(tmpdir(), 'sentiment-model-eval-'));
const data = join(dir, 'tiny.csv');
const model = join(dir, 'tiny.json');
const lmDir = join(dir, 'lm');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  writeFileSync(data, tinyTfnsCsv());
  await trainSentiment({ data, out: model, seed: 3, validFraction: 0.2 });
  // A stand-in for the Loughran-McDonald lists (the real ones are licensed and never copied here).
  const { mkdirSync } = await import('node:fs');
  mkdirSync(lmDir);
  writeFileSync(join(lmDir, 'LM2018_Positive.txt'), 'STRONG\nRECORD\n');
  writeFileSync(join(lmDir, 'LM2018_Negative.txt'), 'WEAK\nLOSS\n');
});

describe('evalSentiment', () => {
  it('refuses to score the model on its own training rows', async () => {
    await expect(evalSentiment({ data, model, lmDir })).rejects.toBeInstanceOf(EvalOverlapError);
    await expect(evalSentiment({ data, model, lmDir })).rejects.toThrow(/24 of 30 evaluation texts/);
  });

  it('counts overlap after case and whitespace folding, and scores anyway only when told to', async () => {
    const shouted = join(dir, 'shouted.csv');
    writeFileSync(shouted, tinyTfnsCsv().toUpperCase().replace('TEXT,LABEL', 'text,label').replace(/ /g, '  '));
    const r = await evalSentiment({ data: shouted, model, lmDir, allowOverlap: true });
    expect(r.overlap).toBe(24);
    expect(r.warnings.join(' ')).toMatch(/training data/);
  });

  it('scores the validation rows carved at training time, with baselines, and writes JSON and Markdown', async () => {
    const json = join(dir, 'out', 'report.json');
    const markdown = join(dir, 'out', 'report.md');
    const r = await evalSentiment({ data, model, subset: 'valid', lmDir, json, markdown });
    expect(r.n).toBe(6);
    expect(r.overlap).toBe(0);
    expect(Object.keys(r.baselines).sort()).toEqual(['loughran_mcdonald', 'majority', 'vader']);
    expect(r.confusion.matrix.flat().reduce((a, b) => a + b, 0)).toBe(6);
    const written = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
    for (const k of ['model', 'data', 'n', 'accuracy', 'macro_f1', 'weighted_f1', 'baselines', 'confusion', 'per_class'])
      expect(written).toHaveProperty(k);
    expect(readFileSync(markdown, 'utf8')).toMatch(/\| loughran_mcdonald \| /);
  });

  it('the LM baseline counts list words: one net positive word is positive', async () => {
    const f = join(dir, 'lm.csv');
    writeFileSync(f, 'text,label\nRecord strong quarter at Omega,1\nWeak quarter at Omega,0\nOmega meets,2\n');
    const r = await evalSentiment({ data: f, model, lmDir });
    expect(r.baselines['loughran_mcdonald']?.accuracy).toBe(1);
  });

  it('skips the LM baseline loudly when its lists are missing', async () => {
    const f = join(dir, 'pb.csv');
    writeFileSync(f, tinyPhrasebankCsv().replace(/Acme|Beta Corp|Gamma|Delta|Epsilon/g, 'Omega'));
    const r = await evalSentiment({ data: f, model, lmDir: join(dir, 'nowhere'), minAgreement: 100 });
    expect(r.format).toBe('phrasebank');
    expect(r.n).toBe(15);
    expect(r.baselines).not.toHaveProperty('loughran_mcdonald');
    expect(r.warnings.join(' ')).toMatch(/Loughran-McDonald baseline skipped/);
  });

  it('refuses the validation subset of a file the model was not trained on', async () => {
    const other = join(dir, 'other.csv');
    writeFileSync(other, 'text,label\nsomething new,2\n');
    await expect(evalSentiment({ data: other, model, subset: 'valid', lmDir })).rejects.toBeInstanceOf(SentimentModelError);
  });
});
