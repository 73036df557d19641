import { mulberry32 } from '@himari/numeric';
import { canonicalText } from './fingerprint.ts';

export function shuffleInPlace<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
  return xs;
}

interface Keyed {
  text: string;
  label: string;
}

/**
 * Groups rows that share a text (after case/whitespace folding) and stratifies the groups by the label of their first
 * row; then shuffles each label's groups with one seeded generator, visiting labels in the fixed order `labels`.
 * Duplicates never straddle a split, which would leak test examples into training.
 */
function shuffledStrata<T extends Keyed>(rows: readonly T[], seed: number, labels: readonly string[]): number[][][] {
  const groupOf = new Map<string, number[]>();
  const byLabel = new Map<string, number[][]>(labels.map((l) => [l, []]));
  rows.forEach((r, i) => {
    const key = canonicalText(r.text);
    const g = groupOf.get(key);
    if (g) g.push(i);
    else {
      const stratum = byLabel.get(r.label);
      if (!stratum) throw new RangeError(`row ${i}: label ${JSON.stringify(r.label)} is not one of ${labels.join(', ')}`);
      const ng = [i];
      groupOf.set(key, ng);
      stratum.push(ng);
    }
  });
  const rand = mulberry32(seed);
  return labels.map((l) => shuffleInPlace(byLabel.get(l) as number[][], rand));
}

export interface SplitOptions {
  seed: number;
  /** Share of each label's texts that goes to validation, in [0, 1). */
  validFraction: number;
  /** The strata and the order they are shuffled in (the order changes which rows a seed picks): the model's labels. */
  labels: readonly string[];
}

/** Seeded, stratified train/validation split. Both parts keep the input order. */
export function splitRows<T extends Keyed>(rows: readonly T[], opts: SplitOptions): { train: T[]; valid: T[] } {
  if (!(opts.validFraction >= 0 && opts.validFraction < 1)) throw new RangeError('validFraction must be in [0, 1)');
  const inValid = new Uint8Array(rows.length);
  for (const groups of shuffledStrata(rows, opts.seed, opts.labels)) {
    const nValid = Math.round(groups.length * opts.validFraction);
    for (const g of groups.slice(0, nValid)) for (const i of g) inValid[i] = 1;
  }
  const train: T[] = [];
  const valid: T[] = [];
  rows.forEach((r, i) => (inValid[i] ? valid : train).push(r));
  return { train, valid };
}

/** Seeded, stratified k-fold assignment (fold index per row), for tuning by cross-validation inside a training split. */
export function kFoldAssignment<T extends Keyed>(
  rows: readonly T[],
  opts: { seed: number; folds: number; labels: readonly string[] },
): Uint8Array {
  const fold = new Uint8Array(rows.length);
  let next = 0;
  for (const groups of shuffledStrata(rows, opts.seed, opts.labels)) {
    for (const g of groups) {
      for (const i of g) fold[i] = next;
      next = (next + 1) % opts.folds;
    }
  }
  return fold;
}
