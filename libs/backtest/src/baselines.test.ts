import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedDataPath } from '@himari/config/testing';
import { LexiconLoadError, lmTone, loadLoughranMcDonald, randomSignals, vaderCompound } from './baselines.ts';
import { fakeLmLists } from './testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'himari-lm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Loughran-McDonald tone', () => {
  it('is (pos − neg) / (pos + neg) over whole words, 0 without any', async () => {
    const lists = fakeLmLists();
    writeFileSync(join(dir, 'LM2018_Positive.txt'), lists.positive);
    writeFileSync(join(dir, 'LM2018_Negative.txt'), lists.negative);
    const lm = await loadLoughranMcDonald(dir);
    expect(lmTone(lm, 'Strong growth despite weak demand')).toBeCloseTo(1 / 3, 12);
    expect(lmTone(lm, 'record record')).toBe(1);
    expect(lmTone(lm, 'Strongest gains')).toBe(0); // no stemming: the lists are word forms
    expect(lmTone(lm, 'nothing here')).toBe(0);
  });

  it('refuses a missing or implausible list', async () => {
    await expect(loadLoughranMcDonald(join(dir, 'missing'))).rejects.toThrow(LexiconLoadError);
    const small = mkdtempSync(join(dir, 'small-'));
    writeFileSync(join(small, 'LM2018_Positive.txt'), 'GOOD\n');
    writeFileSync(join(small, 'LM2018_Negative.txt'), 'BAD\n');
    await expect(loadLoughranMcDonald(small)).rejects.toThrow(/not a Loughran-McDonald list/);
  });

  const real = sharedDataPath('loughran_mcdonald');
  it.skipIf(!existsSync(real))('reads the real 2018 lists from the shared data', async () => {
    const lm = await loadLoughranMcDonald(real);
    expect(lm.positive.size).toBe(354);
    expect(lm.negative.size).toBe(2355);
    expect(lmTone(lm, 'The company reported a loss and a decline in profitability')).toBeLessThan(0);
  });
});

describe('VADER and random baselines', () => {
  it('VADER is the package compound score', () => {
    expect(vaderCompound('great gains, very good')).toBeGreaterThan(0.5);
    expect(vaderCompound('terrible losses')).toBeLessThan(-0.5);
  });

  it('random signals are uniform on (−1, 1) and repeat for a seed', () => {
    const a = randomSignals(3);
    const b = randomSignals(3);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length)).toBeLessThan(0.03);
    expect(randomSignals(4)()).not.toBe(randomSignals(3)());
  });
});

describe('VADER on a worker thread', () => {
  it('gives exactly the in-process scores, index for index', async () => {
    const { vaderCompoundsInWorker } = await import('./vader-worker.ts');
    const texts = ['great gains, very good', 'terrible losses', 'great gains, very good', '', 'The stock is flat.'];
    const scores = await vaderCompoundsInWorker(texts);
    expect([...scores]).toEqual(texts.map(vaderCompound));
  });
});
