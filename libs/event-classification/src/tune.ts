/**
 * Model selection by k-fold cross-validation inside the training part of the carved split: the validation rows are
 * never looked at, so the score the card reports on them is not a selected maximum.
 */
import { crossValidate, tuneGrid } from '@himari/text-classifier';
import type { Candidate, CvResult, TuneOptions } from '@himari/text-classifier';
import { readTopicCsv } from './topic-data.ts';
import { topicMetrics } from './topic-metrics.ts';
import { TOPIC_SCORE_CLASSES } from './topics.ts';
import type { TopicScoreClass } from './topics.ts';
import { EVENT_DEFAULTS, carveSplit, categoryRows } from './train.ts';
import type { CategoryRow } from './train.ts';

export type EventCandidate = Candidate;
export type EventCvResult = CvResult;
export type EventTuneOptions = TuneOptions;

/** Scored as `himari eval events` scores: over TOPIC_SCORE_CLASSES (topic-metrics.ts). */
const score = (truth: TopicScoreClass[], predicted: TopicScoreClass[]) => topicMetrics(truth, predicted);

export function crossValidateEvents(rows: readonly CategoryRow[], candidate: Candidate, opts: { folds: number; seed: number }): CvResult {
  return crossValidate(rows, candidate, { ...opts, labels: TOPIC_SCORE_CLASSES, defaults: EVENT_DEFAULTS, score });
}

/**
 * Neighbours of the shipped settings (each point changes one thing from DEFAULT_EVENT_FEATURES/HYPER); each point
 * costs `folds` fits. The search that chose the defaults is on models/events/MODEL_CARD.md.
 */
export const DEFAULT_EVENT_GRID: Candidate[] = [
  {},
  { features: { charMax: 0 } },
  { features: { minDf: 3 } },
  { features: { charWeight: 0.5 } },
  { hyper: { l2: 3e-6 } },
  { hyper: { l2: 3e-5 } },
  { hyper: { classWeight: 'none' } },
];

/** Cross-validation over a grid on the training part of the carved split; best macro-F1 first. */
export async function tuneEventModel(opts: TuneOptions): Promise<CvResult[]> {
  const seed = opts.seed ?? EVENT_DEFAULTS.seed;
  const rows = categoryRows(readTopicCsv(opts.data).rows);
  const { train } = carveSplit(rows, seed, opts.validFraction ?? EVENT_DEFAULTS.validFraction);
  return tuneGrid(train, {
    labels: TOPIC_SCORE_CLASSES,
    defaults: EVENT_DEFAULTS,
    grid: opts.grid ?? DEFAULT_EVENT_GRID,
    folds: opts.folds ?? 3,
    seed,
    rankBy: 'macro_f1',
    score,
    ...(opts.onResult ? { onResult: opts.onResult } : {}),
  });
}
