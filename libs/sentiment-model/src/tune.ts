import { filterAgreement, readLabelledCsv } from './csv.ts';
import type { DataFormatOption, LabelledRow } from './csv.ts';
import { vectorize } from './features.ts';
import type { FeatureConfig } from './features.ts';
import type { Label } from './labels.ts';
import { predictProba } from './logreg.ts';
import { computeMetrics } from './metrics.ts';
import { argmaxLabel } from './model.ts';
import { kFoldAssignment, splitRows } from './split.ts';
import { DEFAULT_FEATURES, DEFAULT_HYPER, DEFAULT_SEED, DEFAULT_VALID_FRACTION, fit } from './train.ts';
import type { TrainHyper } from './train.ts';

export interface Candidate {
  features?: Partial<FeatureConfig>;
  hyper?: Partial<TrainHyper>;
}

export interface CvResult {
  candidate: Candidate;
  /** Mean over folds. */
  accuracy: number;
  macro_f1: number;
  weighted_f1: number;
  seconds: number;
}

/** Mean fold scores of one setting; every fold builds its own vocabulary, so held-out folds never shape the features. */
export function crossValidate(rows: readonly LabelledRow[], candidate: Candidate, opts: { folds: number; seed: number }): CvResult {
  const started = performance.now();
  const features: FeatureConfig = { ...DEFAULT_FEATURES, ...candidate.features };
  const hyper: TrainHyper = { ...DEFAULT_HYPER, ...candidate.hyper };
  const fold = kFoldAssignment(rows, opts);
  let acc = 0;
  let macro = 0;
  let weighted = 0;
  const probs = new Float64Array(3);
  for (let k = 0; k < opts.folds; k++) {
    const train = rows.filter((_, i) => fold[i] !== k);
    const test = rows.filter((_, i) => fold[i] === k);
    const f = fit(train, features, hyper);
    const pred: Label[] = test.map((r) => argmaxLabel(predictProba(f.weights, vectorize(r.text, f.vocab, features), probs)));
    const m = computeMetrics(
      test.map((r) => r.label),
      pred,
    );
    acc += m.accuracy / opts.folds;
    macro += m.macro_f1 / opts.folds;
    weighted += m.weighted_f1 / opts.folds;
  }
  return { candidate, accuracy: acc, macro_f1: macro, weighted_f1: weighted, seconds: (performance.now() - started) / 1000 };
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

export interface TuneOptions {
  data: string;
  format?: DataFormatOption;
  /** Must match the seed/fraction of the later `train` run so that its validation rows stay untouched here. */
  seed?: number;
  validFraction?: number;
  minAgreement?: number;
  folds?: number;
  grid?: Candidate[];
  onResult?: (r: CvResult) => void;
}

/** Cross-validation over a grid, on the training part of the seeded split only; best weighted F1 first. */
export async function tuneSentiment(opts: TuneOptions): Promise<CvResult[]> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const data = readLabelledCsv(opts.data, opts.format ?? 'auto');
  const rows = filterAgreement(data.rows, opts.minAgreement);
  const { train } = splitRows(rows, { seed, validFraction: opts.validFraction ?? DEFAULT_VALID_FRACTION });
  const results: CvResult[] = [];
  for (const c of opts.grid ?? DEFAULT_GRID) {
    const r = crossValidate(train, c, { folds: opts.folds ?? 5, seed });
    opts.onResult?.(r);
    results.push(r);
  }
  return results.sort((a, b) => b.weighted_f1 - a.weighted_f1);
}
