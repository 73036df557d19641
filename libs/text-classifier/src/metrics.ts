export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Scores over a fixed class list `L`: each classifier passes its own list (sentiment labels, event categories). */
export interface Metrics<L extends string = string> {
  n: number;
  accuracy: number;
  macro_f1: number;
  /** F1 per class weighted by the class's share of the true labels (the figure FinGPT and others publish). */
  weighted_f1: number;
  /** matrix[true][predicted], rows and columns in `labels` order. */
  confusion: { labels: L[]; matrix: number[][] };
  per_class: Record<L, ClassMetrics>;
}

/**
 * Confusion matrix over an explicit class list. A label outside the list is an error, never silently dropped: the
 * caller decides (and documents) which classes a score covers.
 */
export function confusionMatrix<L extends string>(labels: readonly L[], truth: readonly L[], predicted: readonly L[]): number[][] {
  if (truth.length !== predicted.length) throw new RangeError(`${truth.length} true labels vs ${predicted.length} predictions`);
  const index = new Map<string, number>(labels.map((l, i) => [l, i]));
  const at = (l: L): number => {
    const i = index.get(l);
    if (i === undefined) throw new RangeError(`label ${JSON.stringify(l)} is not one of ${labels.join(', ')}`);
    return i;
  };
  const m = labels.map(() => new Array<number>(labels.length).fill(0));
  truth.forEach((t, i) => {
    const row = m[at(t)] as number[];
    const p = at(predicted[i] as L);
    row[p] = (row[p] ?? 0) + 1;
  });
  return m;
}

/** A ratio with an empty denominator counts as 0 (scikit-learn's zero_division=0), so an unused class cannot look good. */
function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Metrics of a confusion matrix whose rows and columns follow `labels`; the macro average runs over all of them. */
export function metricsFromConfusion<L extends string>(labels: readonly L[], matrix: readonly (readonly number[])[]): Metrics<L> {
  const K = labels.length;
  const at = (r: number, c: number): number => matrix[r]?.[c] ?? 0;
  let n = 0;
  let correct = 0;
  for (let r = 0; r < K; r++) {
    for (let c = 0; c < K; c++) n += at(r, c);
    correct += at(r, r);
  }
  const perClass = {} as Record<L, ClassMetrics>;
  let macro = 0;
  let weighted = 0;
  labels.forEach((label, k) => {
    let support = 0;
    let predictedK = 0;
    for (let j = 0; j < K; j++) {
      support += at(k, j);
      predictedK += at(j, k);
    }
    const precision = ratio(at(k, k), predictedK);
    const recall = ratio(at(k, k), support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    perClass[label] = { precision, recall, f1, support };
    macro += f1 / K;
    weighted += ratio(support, n) * f1;
  });
  return {
    n,
    accuracy: ratio(correct, n),
    macro_f1: macro,
    weighted_f1: weighted,
    confusion: { labels: [...labels], matrix: matrix.map((r) => [...r]) },
    per_class: perClass,
  };
}

export function computeMetrics<L extends string>(labels: readonly L[], truth: readonly L[], predicted: readonly L[]): Metrics<L> {
  return metricsFromConfusion(labels, confusionMatrix(labels, truth, predicted));
}
