import { basename } from 'node:path';
import {
  classifierTables,
  codeUnitOrder,
  computeMetrics,
  fitLabelledRows,
  fitRecord,
  splitRows,
  trainSettings,
  writeTextFile,
} from '@himari/text-classifier';
import type {
  ClassifierFit,
  ClassifierHyper,
  FeatureConfig,
  FitRecordKey,
  Metrics,
  TrainDefaults,
  TrainOptions,
  TrainReport,
} from '@himari/text-classifier';
import { filterAgreement, readLabelledCsv } from './csv.ts';
import type { DataFormat, DataFormatOption, LabelledRow } from './csv.ts';
import { LABELS } from './labels.ts';
import type { Label } from './labels.ts';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, parseSentimentModel } from './model.ts';
import type { ModelFile, TrainedSentimentModel } from './model.ts';

export type TrainHyper = ClassifierHyper;

/**
 * Chosen by 5-fold cross-validation inside the TFNS training part (never on its validation split): see
 * `tuneSentiment` and models/sentiment/MODEL_CARD.md for the grid and the scores.
 */
export const DEFAULT_FEATURES: FeatureConfig = {
  negation: true,
  negationWindow: 0,
  wordNgramMax: 2,
  charMin: 3,
  charMax: 5,
  minDf: 2,
  charWeight: 1,
  lexicon: 'vader',
};
export const DEFAULT_HYPER: TrainHyper = { l2: 1e-4, classWeight: 'balanced', maxIter: 500, method: 'nb-ovr', nbInterpolation: 0.5 };
export const DEFAULT_SEED = 20240611;
export const DEFAULT_VALID_FRACTION = 0.15;
export const SENTIMENT_DEFAULTS: TrainDefaults = {
  features: DEFAULT_FEATURES,
  hyper: DEFAULT_HYPER,
  seed: DEFAULT_SEED,
  validFraction: DEFAULT_VALID_FRACTION,
};

/** Vocabulary, features and weights from labelled rows; no I/O. */
export function fit(
  rows: readonly LabelledRow[],
  features: FeatureConfig,
  hyper: TrainHyper,
  onIter?: (iter: number, loss: number) => void,
): ClassifierFit {
  return fitLabelledRows(rows, LABELS, features, hyper, onIter);
}

/** The shared options, plus the two layouts' own: which layout, and PhraseBank's agreement filter. */
export interface SentimentTrainOptions extends TrainOptions {
  /** Default `auto`: told apart by the label values. */
  format?: DataFormatOption;
  /** PhraseBank: keep only rows with agreement >= this (100 = AllAgree). */
  minAgreement?: number;
}

export interface SentimentTrainReport extends TrainReport<Metrics<Label>> {
  format: DataFormat;
}

function countLabels(rows: readonly LabelledRow[]): Record<Label, number> {
  const out: Record<Label, number> = { negative: 0, neutral: 0, positive: 0 };
  for (const r of rows) out[r.label] += 1;
  return out;
}

export interface ModelFileInput {
  name: string;
  fit: ClassifierFit;
  features: FeatureConfig;
  hyper: TrainHyper;
  training: Omit<ModelFile['training'], FitRecordKey>;
  trainTexts: readonly string[];
}

/** The model file's text. Field order is fixed and no clock or path enters it: same inputs, same bytes. */
export function serializeModel(input: ModelFileInput): string {
  const lexicon = input.fit.vocab.lexicon
    ? Object.fromEntries([...input.fit.vocab.lexicon].sort((a, b) => codeUnitOrder(a[0], b[0])))
    : null;
  const file: ModelFile = {
    format: MODEL_FORMAT,
    format_version: MODEL_FORMAT_VERSION,
    name: input.name,
    labels: [...LABELS],
    features: { ...input.features },
    training: { ...input.training, ...fitRecord(input.hyper, input.fit) },
    ...classifierTables(input.fit, input.trainTexts, { lexicon }),
  };
  return JSON.stringify(file) + '\n';
}

export function evaluateModel(model: TrainedSentimentModel, rows: readonly LabelledRow[]): Metrics<Label> {
  return computeMetrics(
    LABELS,
    rows.map((r) => r.label),
    rows.map((r) => model.predictLabel(r.text)),
  );
}

export async function trainSentiment(opts: SentimentTrainOptions): Promise<SentimentTrainReport> {
  const started = performance.now();
  const { seed, validFraction, features, hyper } = trainSettings(opts, SENTIMENT_DEFAULTS);
  const data = readLabelledCsv(opts.data, opts.format ?? 'auto');
  const rows = filterAgreement(data.rows, opts.minAgreement);
  const { train, valid } = splitRows(rows, { seed, validFraction, labels: LABELS });
  const fitted = fit(train, features, hyper, (iteration, loss) => opts.onProgress?.({ iteration, loss }));
  const name = opts.name ?? basename(opts.out).replace(/\.json$/, '');
  const text = serializeModel({
    name,
    fit: fitted,
    features,
    hyper,
    training: {
      data_file: basename(opts.data),
      data_sha256: data.sha256,
      data_format: data.format,
      rows_in_file: data.rows.length,
      min_agreement: opts.minAgreement ?? null,
      split: { seed, valid_fraction: validFraction },
      train_rows: train.length,
      valid_rows: valid.length,
      class_counts: countLabels(train),
    },
    trainTexts: train.map((r) => r.text),
  });
  writeTextFile(opts.out, text);
  // Score through the saved file, quantisation included: the numbers describe exactly what ships.
  const model = parseSentimentModel(Buffer.from(text, 'utf8'), opts.out);
  const report: SentimentTrainReport = {
    model: name,
    model_version: model.version,
    out: opts.out,
    bytes: Buffer.byteLength(text),
    data: opts.data,
    data_sha256: data.sha256,
    format: data.format,
    train_rows: train.length,
    valid_rows: valid.length,
    features: fitted.vocab.size,
    iterations: fitted.iterations,
    converged: fitted.converged,
    final_loss: fitted.loss,
    seconds: 0,
  };
  if (valid.length > 0) report.valid = evaluateModel(model, valid);
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
