import { LABEL_INDEX, LABELS, NUM_CLASSES } from './labels.ts';
import type { Label } from './labels.ts';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  n: number;
  accuracy: number;
  macro_f1: number;
  /** F1 per class weighted by the class's share of the true labels (the figure FinGPT and others publish). */
  weighted_f1: number;
  /** matrix[true][predicted], rows and columns in `labels` order. */
  confusion: { labels: Label[]; matrix: number[][] };
  per_class: Record<Label, ClassMetrics>;
}

export function confusionMatrix(truth: readonly Label[], predicted: readonly Label[]): number[][] {
  if (truth.length !== predicted.length) throw new RangeError(`${truth.length} true labels vs ${predicted.length} predictions`);
  const m = LABELS.map(() => new Array<number>(NUM_CLASSES).fill(0));
  truth.forEach((t, i) => {
    const row = m[LABEL_INDEX[t]] as number[];
    const p = LABEL_INDEX[predicted[i] as Label];
    row[p] = (row[p] ?? 0) + 1;
  });
  return m;
}

/** A ratio with an empty denominator counts as 0 (scikit-learn's zero_division=0), so an unused class cannot look good. */
function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

export function metricsFromConfusion(matrix: readonly (readonly number[])[]): Metrics {
  const at = (r: number, c: number): number => matrix[r]?.[c] ?? 0;
  let n = 0;
  let correct = 0;
  for (let r = 0; r < NUM_CLASSES; r++) {
    for (let c = 0; c < NUM_CLASSES; c++) n += at(r, c);
    correct += at(r, r);
  }
  const perClass = {} as Record<Label, ClassMetrics>;
  let macro = 0;
  let weighted = 0;
  LABELS.forEach((label, k) => {
    let support = 0;
    let predictedK = 0;
    for (let j = 0; j < NUM_CLASSES; j++) {
      support += at(k, j);
      predictedK += at(j, k);
    }
    const precision = ratio(at(k, k), predictedK);
    const recall = ratio(at(k, k), support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    perClass[label] = { precision, recall, f1, support };
    macro += f1 / NUM_CLASSES;
    weighted += ratio(support, n) * f1;
  });
  return {
    n,
    accuracy: ratio(correct, n),
    macro_f1: macro,
    weighted_f1: weighted,
    confusion: { labels: [...LABELS], matrix: matrix.map((r) => [...r]) },
    per_class: perClass,
  };
}

export function computeMetrics(truth: readonly Label[], predicted: readonly Label[]): Metrics {
  return metricsFromConfusion(confusionMatrix(truth, predicted));
}
