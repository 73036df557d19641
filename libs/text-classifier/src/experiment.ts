/**
 * The one shape of an experiment with a text classifier: what train, eval and tune take and what they report, and
 * the steps every classifier repeats (settings over defaults, cross-validation, the carved validation rows, the
 * overlap guard, the report files). The sentiment model and J7's topic model both run through these; each adds only
 * its data layout, its labels, its baselines and its file format.
 */
import { fitLabelledRows, argmax, writeTextFile } from './classifier.ts';
import type { ClassifierHyper, FailWith } from './classifier.ts';
import { vectorize } from './features.ts';
import type { FeatureConfig } from './features.ts';
import { fingerprintText } from './fingerprint.ts';
import { predictProba } from './logreg.ts';
import { computeMetrics } from './metrics.ts';
import type { ClassMetrics, Metrics } from './metrics.ts';
import { kFoldAssignment, splitRows } from './split.ts';

/** A text and its class: what every classifier learns from. */
export interface LabelledText<L extends string = string> {
  readonly text: string;
  readonly label: L;
}

/** The settings a classifier ships with; every run starts from them and overrides what its options name. */
export interface TrainDefaults {
  features: FeatureConfig;
  hyper: ClassifierHyper;
  /** Seeds the train/validation split (the fit itself has no randomness). */
  seed: number;
  /** Share of each label's texts carved off for validation and never trained on. */
  validFraction: number;
}

export interface TrainProgress {
  /** L-BFGS iteration, counted from 1 again for each fit (nb-ovr fits one per class). */
  iteration: number;
  loss: number;
}

export interface TrainOptions {
  /** CSV path in the classifier's layout. */
  data: string;
  /** Output model file (JSON). */
  out: string;
  /** @default the classifier's TrainDefaults.seed */
  seed?: number;
  /** Share carved off (stratified, seeded) and NOT trained on; 0 trains on every row. @default TrainDefaults.validFraction */
  validFraction?: number;
  /** Model name written into the file and reported with every score. */
  name?: string;
  features?: Partial<FeatureConfig>;
  hyper?: Partial<ClassifierHyper>;
  onProgress?: (p: TrainProgress) => void;
}

export interface TrainReport<V = Metrics> {
  model: string;
  model_version: string;
  out: string;
  bytes: number;
  data: string;
  data_sha256: string;
  train_rows: number;
  valid_rows: number;
  /** Vocabulary size. */
  features: number;
  iterations: number;
  converged: boolean;
  final_loss: number;
  seconds: number;
  /** Scores of the saved (quantised) model on the carved validation rows; absent when validFraction is 0. */
  valid?: V;
}

export interface ScoreSummary {
  accuracy: number;
  macro_f1: number;
  weighted_f1: number;
}

export const EVAL_SUBSETS = ['all', 'valid'] as const;
export type EvalSubset = (typeof EVAL_SUBSETS)[number];

export interface EvalOptions {
  /** CSV path in the classifier's layout. */
  data: string;
  /** Model file; default: the committed model. */
  model?: string;
  /** Write the JSON report here. */
  json?: string;
  /** Write the Markdown report here. */
  markdown?: string;
  /**
   * `valid`: the validation rows the model's own training run carved out of this very file (same seed and fraction,
   * checked by the file's sha256). `all` (default): every row.
   */
  subset?: EvalSubset;
  /** Score even when the data shares texts with the training data (the report then says so). Default false: refuse. */
  allowOverlap?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface EvalReport<L extends string = string> extends ScoreSummary {
  model: string;
  model_version: string;
  data: string;
  data_sha256: string;
  subset: EvalSubset;
  n: number;
  baselines: Record<string, ScoreSummary>;
  /** How each baseline decides. */
  baseline_rules: Record<string, string>;
  confusion: { labels: string[]; matrix: number[][] };
  per_class: Record<L, ClassMetrics>;
  /** Evaluation rows whose text the model was trained on (0 unless allowOverlap was set). */
  overlap: number;
  warnings: string[];
  seconds: number;
}

export interface Candidate {
  features?: Partial<FeatureConfig>;
  hyper?: Partial<ClassifierHyper>;
}

export interface CvResult extends ScoreSummary {
  candidate: Candidate;
  /** Mean vocabulary size over the folds. */
  features: number;
  seconds: number;
}

export interface TuneOptions {
  data: string;
  /** Must match the later training run's seed and fraction so that its validation rows stay unseen here. */
  seed?: number;
  validFraction?: number;
  folds?: number;
  grid?: Candidate[];
  onResult?: (r: CvResult) => void;
}

/** The options over the defaults. */
export function trainSettings(
  opts: { seed?: number; validFraction?: number; features?: Partial<FeatureConfig>; hyper?: Partial<ClassifierHyper> },
  defaults: TrainDefaults,
): { seed: number; validFraction: number; features: FeatureConfig; hyper: ClassifierHyper } {
  return {
    seed: opts.seed ?? defaults.seed,
    validFraction: opts.validFraction ?? defaults.validFraction,
    features: { ...defaults.features, ...opts.features },
    hyper: { ...defaults.hyper, ...opts.hyper },
  };
}

export function scoreSummary(m: ScoreSummary): ScoreSummary {
  return { accuracy: m.accuracy, macro_f1: m.macro_f1, weighted_f1: m.weighted_f1 };
}

/**
 * Mean fold scores of one setting; every fold builds its own vocabulary, so held-out folds never shape the features.
 * `score` defaults to the plain metrics over `labels`.
 */
export function crossValidate<L extends string, R extends LabelledText<L>>(
  rows: readonly R[],
  candidate: Candidate,
  opts: {
    labels: readonly L[];
    defaults: TrainDefaults;
    folds: number;
    seed: number;
    score?: (truth: L[], predicted: L[]) => ScoreSummary;
  },
): CvResult {
  const started = performance.now();
  const { features, hyper } = trainSettings(candidate, opts.defaults);
  const score = opts.score ?? ((t: L[], p: L[]) => computeMetrics(opts.labels, t, p));
  const fold = kFoldAssignment(rows, { seed: opts.seed, folds: opts.folds, labels: opts.labels });
  const out = { accuracy: 0, macro_f1: 0, weighted_f1: 0, features: 0 };
  const probs = new Float64Array(opts.labels.length);
  for (let k = 0; k < opts.folds; k++) {
    const train = rows.filter((_, i) => fold[i] !== k);
    const test = rows.filter((_, i) => fold[i] === k);
    const f = fitLabelledRows(train, opts.labels, features, hyper);
    const pred = test.map((r) => opts.labels[argmax(predictProba(f.weights, vectorize(r.text, f.vocab, features), probs))] as L);
    const m = score(
      test.map((r) => r.label),
      pred,
    );
    out.accuracy += m.accuracy / opts.folds;
    out.macro_f1 += m.macro_f1 / opts.folds;
    out.weighted_f1 += m.weighted_f1 / opts.folds;
    out.features += f.vocab.size / opts.folds;
  }
  return { candidate, ...out, features: Math.round(out.features), seconds: (performance.now() - started) / 1000 };
}

/** Cross-validation over a grid on rows already carved for training; best `rankBy` first. */
export function tuneGrid<L extends string, R extends LabelledText<L>>(
  train: readonly R[],
  opts: {
    labels: readonly L[];
    defaults: TrainDefaults;
    grid: readonly Candidate[];
    folds: number;
    seed: number;
    rankBy: keyof ScoreSummary;
    score?: (truth: L[], predicted: L[]) => ScoreSummary;
    onResult?: (r: CvResult) => void;
  },
): CvResult[] {
  const results: CvResult[] = [];
  for (const c of opts.grid) {
    const r = crossValidate(train, c, opts);
    opts.onResult?.(r);
    results.push(r);
  }
  return results.sort((a, b) => b[opts.rankBy] - a[opts.rankBy]);
}

/** What a model file records about the run that made it: enough to carve its validation rows again. */
export interface TrainingRecord {
  data_file: string;
  data_sha256: string;
  split: { seed: number; valid_fraction: number };
}

/**
 * The validation rows a model's training run carved out of this very file: refused (through `fail`) for another file
 * or for a model trained on every row. `rows` must be the rows the run split (after its own filters).
 */
export function carvedValidRows<R extends LabelledText>(
  rows: readonly R[],
  fileSha256: string,
  training: TrainingRecord,
  labels: readonly string[],
  fail: FailWith,
): R[] {
  if (training.data_sha256 !== fileSha256) {
    throw fail(
      `subset "valid" needs the file the model was trained on (${training.data_file}, sha256 ${training.data_sha256.slice(0, 12)}…); this file is ${fileSha256.slice(0, 12)}…`,
    );
  }
  if (training.split.valid_fraction === 0) throw fail('the model was trained on every row of its file: it has no validation rows');
  return splitRows(rows, { seed: training.split.seed, validFraction: training.split.valid_fraction, labels }).valid;
}

/** Rows whose (case/whitespace-folded) text is among a model's training texts. */
export function countOverlap(trainingFingerprints: ReadonlySet<string>, rows: readonly { readonly text: string }[]): number {
  return rows.reduce((n, r) => n + (trainingFingerprints.has(fingerprintText(r.text)) ? 1 : 0), 0);
}

/** The JSON and Markdown reports, where the options ask for them. */
export function writeReports<R>(report: R, markdown: (r: R) => string, opts: { json?: string; markdown?: string }): void {
  if (opts.json) writeTextFile(opts.json, JSON.stringify(report, null, 2) + '\n');
  if (opts.markdown) writeTextFile(opts.markdown, markdown(report));
}
