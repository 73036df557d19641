/**
 * Trains the topic model from labelled topic data: topics mapped onto categories by TOPIC_MAP (excluded topics
 * dropped), a seeded stratified split carved off for validation (never trained on), word n-gram TF-IDF features and a
 * softmax logistic regression fitted by full-batch L-BFGS (all from @himari/text-classifier). Deterministic: the seed
 * picks the split, the fit has no randomness, and the file has no clock or path in it.
 */
import { basename } from 'node:path';
import type { EventCategory } from '@himari/contracts';
import { classifierTables, fitLabelledRows, fitRecord, splitRows, trainSettings, writeTextFile } from '@himari/text-classifier';
import type {
  ClassifierFit,
  ClassifierHyper,
  FeatureConfig,
  FitRecordKey,
  TrainDefaults,
  TrainOptions,
  TrainReport,
} from '@himari/text-classifier';
import { DEFAULT_EVENT_MODEL_NAME, EVENT_MODEL_FORMAT, EVENT_MODEL_FORMAT_VERSION, parseEventModel } from './model.ts';
import type { EventModelFile, EventTopicModel } from './model.ts';
import { readTopicCsv } from './topic-data.ts';
import type { TopicRow } from './topic-data.ts';
import { topicMetrics } from './topic-metrics.ts';
import type { TopicMetrics } from './topic-metrics.ts';
import { TOPIC_SCORE_CLASSES } from './topics.ts';
import type { TopicScoreClass } from './topics.ts';

export type EventTrainHyper = ClassifierHyper;

/**
 * Chosen by 3-fold cross-validation inside the training part (see tuneEventModel and models/events/MODEL_CARD.md):
 * character n-grams add ~1 point of macro-F1 over words alone; minDf 5 is within 0.2 points of minDf 2-3 at about
 * two thirds of the file size.
 */
export const DEFAULT_EVENT_FEATURES: FeatureConfig = {
  negation: false,
  negationWindow: 0,
  wordNgramMax: 2,
  charMin: 3,
  charMax: 5,
  minDf: 5,
  charWeight: 1,
  lexicon: 'none',
};
export const DEFAULT_EVENT_HYPER: EventTrainHyper = { l2: 1e-5, classWeight: 'balanced', maxIter: 500 };
export const DEFAULT_EVENT_SEED = 20240611;
export const DEFAULT_EVENT_VALID_FRACTION = 0.15;
export const EVENT_DEFAULTS: TrainDefaults = {
  features: DEFAULT_EVENT_FEATURES,
  hyper: DEFAULT_EVENT_HYPER,
  seed: DEFAULT_EVENT_SEED,
  validFraction: DEFAULT_EVENT_VALID_FRACTION,
};

/** A row the model can learn from: its topic maps onto a scored class. */
export interface CategoryRow {
  readonly text: string;
  readonly label: TopicScoreClass;
  readonly topic: number;
}

/** Drops excluded topics; the rest carry their mapped category as `label` (what splitRows stratifies by). */
export function categoryRows(rows: readonly TopicRow[]): CategoryRow[] {
  const scored = TOPIC_SCORE_CLASSES as readonly (EventCategory | null)[];
  return rows
    .filter((r) => r.category !== null && scored.includes(r.category))
    .map((r) => ({ text: r.text, label: r.category as TopicScoreClass, topic: r.topic }));
}

/** The carved split: the same seed and fraction always give the same rows. */
export function carveSplit(
  rows: readonly CategoryRow[],
  seed: number,
  validFraction: number,
): { train: CategoryRow[]; valid: CategoryRow[] } {
  return splitRows(rows, { seed, validFraction, labels: TOPIC_SCORE_CLASSES });
}

export type EventFit = ClassifierFit;

/** Vocabulary and weights from rows; no I/O. Classes are TOPIC_SCORE_CLASSES, in that order; never a lexicon (model.ts). */
export function fitEventModel(
  rows: readonly CategoryRow[],
  features: FeatureConfig,
  hyper: EventTrainHyper,
  onIter?: (iter: number, loss: number) => void,
): EventFit {
  return fitLabelledRows(rows, TOPIC_SCORE_CLASSES, { ...features, lexicon: 'none' }, hyper, onIter);
}

export interface EventModelInput {
  name: string;
  fit: EventFit;
  features: FeatureConfig;
  hyper: EventTrainHyper;
  training: Omit<EventModelFile['training'], FitRecordKey>;
  trainTexts: readonly string[];
}

/** The model file's text; field order fixed, no clock or path: same inputs, same bytes. */
export function serializeEventModel(input: EventModelInput): string {
  const file: EventModelFile = {
    format: EVENT_MODEL_FORMAT,
    format_version: EVENT_MODEL_FORMAT_VERSION,
    name: input.name,
    labels: [...TOPIC_SCORE_CLASSES],
    features: { ...input.features, lexicon: 'none' },
    training: { ...input.training, ...fitRecord(input.hyper, input.fit) },
    ...classifierTables(input.fit, input.trainTexts, {}),
  };
  return JSON.stringify(file) + '\n';
}

/** The shared options; `data` is a topic CSV (`text,label`, topic ids 0..19); `name` defaults to topic-logreg@1. */
export type EventTrainOptions = TrainOptions;

/** The shared report; `valid` is the category the saved (quantised) model alone decides on the carved rows. */
export interface EventTrainReport extends TrainReport<TopicMetrics> {
  /** Rows of topics the table excludes: neither trained on nor held out. */
  excluded_rows: number;
}

function countClasses(rows: readonly CategoryRow[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(TOPIC_SCORE_CLASSES.map((c) => [c, 0]));
  for (const r of rows) out[r.label] = (out[r.label] ?? 0) + 1;
  return out;
}

export function modelMetrics(model: EventTopicModel, rows: readonly CategoryRow[]): TopicMetrics {
  return topicMetrics(
    rows.map((r) => r.label),
    rows.map((r) => model.predict(r.text).category),
  );
}

export async function trainEventModel(opts: EventTrainOptions): Promise<EventTrainReport> {
  const started = performance.now();
  const { seed, validFraction, features, hyper } = trainSettings(opts, EVENT_DEFAULTS);
  const data = readTopicCsv(opts.data);
  const rows = categoryRows(data.rows);
  const { train, valid } = carveSplit(rows, seed, validFraction);
  const fitted = fitEventModel(train, features, hyper, (iteration, loss) => opts.onProgress?.({ iteration, loss }));
  const name = opts.name ?? DEFAULT_EVENT_MODEL_NAME;
  const text = serializeEventModel({
    name,
    fit: fitted,
    features,
    hyper,
    training: {
      data_file: basename(opts.data),
      data_sha256: data.sha256,
      rows_in_file: data.rows.length,
      excluded_rows: data.rows.length - rows.length,
      split: { seed, valid_fraction: validFraction },
      train_rows: train.length,
      valid_rows: valid.length,
      class_counts: countClasses(train),
    },
    trainTexts: train.map((r) => r.text),
  });
  writeTextFile(opts.out, text);
  // Scored through the saved file, quantisation included: the numbers describe exactly what ships.
  const model = parseEventModel(Buffer.from(text, 'utf8'), opts.out);
  const report: EventTrainReport = {
    model: name,
    model_version: model.version,
    out: opts.out,
    bytes: Buffer.byteLength(text),
    data: opts.data,
    data_sha256: data.sha256,
    train_rows: train.length,
    valid_rows: valid.length,
    excluded_rows: data.rows.length - rows.length,
    features: fitted.vocab.size,
    iterations: fitted.iterations,
    converged: fitted.converged,
    final_loss: fitted.loss,
    seconds: 0,
  };
  if (valid.length > 0) report.valid = modelMetrics(model, valid);
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
