import { crossValidate as crossValidateRows, splitRows, tuneGrid } from '@himari/text-classifier';
import type { Candidate, CvResult, TuneOptions } from '@himari/text-classifier';
import { filterAgreement, readLabelledCsv } from './csv.ts';
import type { DataFormatOption, LabelledRow } from './csv.ts';
import { LABELS } from './labels.ts';
import { SENTIMENT_DEFAULTS } from './train.ts';

/** Mean fold scores of one setting over the sentiment labels (see @himari/text-classifier's crossValidate). */
export function crossValidate(rows: readonly LabelledRow[], candidate: Candidate, opts: { folds: number; seed: number }): CvResult {
  return crossValidateRows(rows, candidate, { ...opts, labels: LABELS, defaults: SENTIMENT_DEFAULTS });
}

/** The grid searched for the shipped model (kept small: every point costs `folds` trainings). */
export const DEFAULT_GRID: Candidate[] = [
  {},
  { hyper: { method: 'softmax', l2: 3e-5 } },
  { hyper: { nbInterpolation: 1 } },
  { hyper: { l2: 3e-4 } },
  { hyper: { l2: 1e-5 } },
  { hyper: { l2: 1e-4 } },
  { hyper: { classWeight: 'none' } },
  { features: { lexicon: 'none' } },
  { features: { negation: false } },
  { features: { negationWindow: 3 } },
  { features: { wordNgramMax: 1 } },
  { features: { charMax: 0 } },
  { features: { charWeight: 0.5 } },
  { features: { charWeight: 2 } },
];

export interface SentimentTuneOptions extends TuneOptions {
  format?: DataFormatOption;
  minAgreement?: number;
}

/** Cross-validation over a grid, on the training part of the seeded split only; best weighted F1 first. */
export async function tuneSentiment(opts: SentimentTuneOptions): Promise<CvResult[]> {
  const seed = opts.seed ?? SENTIMENT_DEFAULTS.seed;
  const data = readLabelledCsv(opts.data, opts.format ?? 'auto');
  const rows = filterAgreement(data.rows, opts.minAgreement);
  const { train } = splitRows(rows, { seed, validFraction: opts.validFraction ?? SENTIMENT_DEFAULTS.validFraction, labels: LABELS });
  return tuneGrid(train, {
    labels: LABELS,
    defaults: SENTIMENT_DEFAULTS,
    grid: opts.grid ?? DEFAULT_GRID,
    folds: opts.folds ?? 5,
    seed,
    rankBy: 'weighted_f1',
    ...(opts.onResult ? { onResult: opts.onResult } : {}),
  });
}
