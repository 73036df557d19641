import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Label } from './labels.ts';
import { tokenize } from '@himari/text-classifier';

/** A reference classifier evaluated beside the model in the same run. */
export interface Baseline {
  name: string;
  /** How it decides, for the report. */
  rule: string;
  predict(text: string): Label;
}

export function majorityBaseline(label: Label): Baseline {
  return {
    name: 'majority',
    rule: `always "${label}" (the most frequent class in the model's training rows, not in the evaluation data)`,
    predict: () => label,
  };
}

interface VaderModule {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): { neg: number; neu: number; pos: number; compound: number } };
}

/** VADER's own published cut-offs for its compound score. */
export const VADER_THRESHOLD = 0.05;

export function vaderBaseline(): Baseline {
  // vader-sentiment ships no type declarations; the one call used here is typed locally.
  const vader = createRequire(import.meta.url)('vader-sentiment') as VaderModule;
  return {
    name: 'vader',
    rule: `VADER compound >= ${VADER_THRESHOLD} positive, <= -${VADER_THRESHOLD} negative, else neutral`,
    predict: (text) => {
      const c = vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
      return c >= VADER_THRESHOLD ? 'positive' : c <= -VADER_THRESHOLD ? 'negative' : 'neutral';
    },
  };
}

function readWordList(path: string): Set<string> {
  return new Set(
    readFileSync(path, 'utf8')
      .split(/\r?\n/)
      .map((w) => w.trim().toUpperCase())
      .filter((w) => w.length > 0),
  );
}

export const LM_FILES = { positive: 'LM2018_Positive.txt', negative: 'LM2018_Negative.txt' } as const;

/** True when the Loughran-McDonald word lists are present in `dir`. */
export function hasLoughranMcDonald(dir: string): boolean {
  return existsSync(join(dir, LM_FILES.positive)) && existsSync(join(dir, LM_FILES.negative));
}

/**
 * Loughran-McDonald (2018) lexicon classifier, read from the shared data at evaluation time: the lists need a licence
 * for commercial use, so they are a yardstick here and never a feature or a file of this repo. Score = number of
 * positive-list words − number of negative-list words; > 0 positive, < 0 negative, 0 neutral (threshold 0: one net
 * word decides).
 */
export function loughranMcDonaldBaseline(dir: string): Baseline {
  const pos = readWordList(join(dir, LM_FILES.positive));
  const neg = readWordList(join(dir, LM_FILES.negative));
  return {
    name: 'loughran_mcdonald',
    rule: 'count(LM positive words) - count(LM negative words): > 0 positive, < 0 negative, 0 neutral',
    predict: (text) => {
      let score = 0;
      for (const t of tokenize(text)) {
        if (t.kind !== 'word') continue;
        const w = t.text.toUpperCase();
        if (pos.has(w)) score += 1;
        else if (neg.has(w)) score -= 1;
      }
      return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
    },
  };
}
