/**
 * Model selection by k-fold cross-validation inside the training part of the carved split: the validation rows are
 * never looked at, so the score the card reports on them is not a selected maximum.
 */
import { kFoldAssignment, predictSoftmaxProba, vectorize } from '@himari/sentiment-model';
import type { FeatureConfig } from '@himari/sentiment-model';
import type { EventCategory } from '@himari/contracts';
import { readTopicCsv } from './topic-data.ts';
import { topicMetrics } from './topic-metrics.ts';
import { TOPIC_SCORE_CLASSES } from './topics.ts';
import {
  DEFAULT_EVENT_FEATURES,
  DEFAULT_EVENT_HYPER,
  DEFAULT_EVENT_SEED,
  DEFAULT_EVENT_VALID_FRACTION,
  carveSplit,
  categoryRows,
  fitEventModel,
} from './train.ts';
import type { CategoryRow, EventTrainHyper } from './train.ts';

export interface EventCandidate {
  features?: Partial<FeatureConfig>;
  hyper?: Partial<EventTrainHyper>;
}

export interface EventCvResult {
  candidate: EventCandidate;
  /** Means over the folds. */
  accuracy: number;
  macro_f1: number;
  weighted_f1: number;
  features: number;
  seconds: number;
}

export function crossValidateEvents(
  rows: readonly CategoryRow[],
  candidate: EventCandidate,
  opts: { folds: number; seed: number },
): EventCvResult {
  const started = performance.now();
  const features: FeatureConfig = { ...DEFAULT_EVENT_FEATURES, ...candidate.features };
  const hyper: EventTrainHyper = { ...DEFAULT_EVENT_HYPER, ...candidate.hyper };
  const fold = kFoldAssignment(rows, { ...opts, labels: TOPIC_SCORE_CLASSES });
  const out = { accuracy: 0, macro_f1: 0, weighted_f1: 0, features: 0 };
  for (let k = 0; k < opts.folds; k++) {
    const train = rows.filter((_, i) => fold[i] !== k);
    const test = rows.filter((_, i) => fold[i] === k);
    const f = fitEventModel(train, features, hyper);
    const probs = new Float64Array(TOPIC_SCORE_CLASSES.length);
    const pred = test.map((r): EventCategory => {
      const p = predictSoftmaxProba(f.weights, vectorize(r.text, f.vocab, features), probs);
      let best = 0;
      for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
      return TOPIC_SCORE_CLASSES[best] as EventCategory;
    });
    const m = topicMetrics(
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

/**
 * Neighbours of the shipped settings (each point changes one thing from DEFAULT_EVENT_FEATURES/HYPER); each point
 * costs `folds` fits. The search that chose the defaults is on models/events/MODEL_CARD.md.
 */
export const DEFAULT_EVENT_GRID: EventCandidate[] = [
  {},
  { features: { charMax: 0 } },
  { features: { minDf: 3 } },
  { features: { charWeight: 0.5 } },
  { hyper: { l2: 3e-6 } },
  { hyper: { l2: 3e-5 } },
  { hyper: { classWeight: 'none' } },
];

export interface EventTuneOptions {
  data: string;
  /** Must match the later training run's split so that its validation rows stay unseen here. */
  seed?: number;
  validFraction?: number;
  folds?: number;
  grid?: EventCandidate[];
  onResult?: (r: EventCvResult) => void;
}

/** Cross-validation over a grid on the training part of the carved split; best macro-F1 first. */
export async function tuneEventModel(opts: EventTuneOptions): Promise<EventCvResult[]> {
  const seed = opts.seed ?? DEFAULT_EVENT_SEED;
  const rows = categoryRows(readTopicCsv(opts.data).rows);
  const { train } = carveSplit(rows, seed, opts.validFraction ?? DEFAULT_EVENT_VALID_FRACTION);
  const results: EventCvResult[] = [];
  for (const c of opts.grid ?? DEFAULT_EVENT_GRID) {
    const r = crossValidateEvents(train, c, { folds: opts.folds ?? 3, seed });
    opts.onResult?.(r);
    results.push(r);
  }
  return results.sort((a, b) => b.macro_f1 - a.macro_f1);
}
