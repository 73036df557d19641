/**
 * Novelty, RavenPack-style: an item is compared with what was known in the window before it; the most similar
 * earlier document is its `nearest_id`, and when the two tell the same story the item joins that story's chain
 * (`duplicate_of` is the chain's first story, so five repeats all point at one id).
 *
 * "Same story" is similarity at or above the threshold AND no number of either text missing from the other when
 * both carry numbers: templated alerts ("$AAPL relative volume 11.26" vs "... 3.81") and a company's two quarters
 * read alike to any bag of words, but they are different events. The evaluation showed those as most of the false
 * marks at 0.9 (models/encoder/README.md).
 */
import type { Novelty } from '@himari/contracts';
import { words } from '@himari/embeddings';

export function numbersOf(text: string): Set<string> {
  return new Set(words(text).filter((w) => /\d/.test(w)));
}

/** True when the smaller set of numbers is contained in the larger (a repeat may add a detail, not change one). */
export function numbersAgree(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size === 0 || b.size === 0) return true;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const n of small) if (!large.has(n)) return false;
  return true;
}

export function sameStory(similarity: number, threshold: number, textA: string, textB: string): boolean {
  return similarity >= threshold && numbersAgree(numbersOf(textA), numbersOf(textB));
}

export interface NearestDoc {
  id: string;
  text: string;
  similarity: number;
  /** The nearest document's own chain root, when it repeats an earlier story. */
  duplicateOf: string | null;
}

export function noveltyOf(nearest: NearestDoc | null, text: string, threshold: number): Novelty {
  if (nearest === null) return { score: 1, nearest_id: null, similarity: null };
  const similarity = clamp(nearest.similarity, -1, 1);
  const novelty: Novelty = { score: round4(1 - Math.max(0, similarity)), nearest_id: nearest.id, similarity: round4(similarity) };
  if (sameStory(similarity, threshold, text, nearest.text)) novelty.duplicate_of = nearest.duplicateOf ?? nearest.id;
  return novelty;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
