/**
 * Novelty, RavenPack-style: an item is compared with what was known in the window before it; the most similar
 * earlier document is its `nearest_id`, and when the two tell the same story the item joins that story's chain
 * (`duplicate_of` is the chain's first story, so five repeats all point at one id).
 *
 * "Same story" is (cosine similarity at or above the threshold, OR word 3-gram Jaccard at or above `minJaccard`)
 * AND no number of either text missing from the other when both carry numbers: templated alerts ("$AAPL relative
 * volume 11.26" vs "... 3.81") and a company's two quarters read alike to any bag of words, but they are different
 * events. The evaluation showed those as most of the false marks at 0.9 (models/encoder/README.md). The shingle
 * test catches the retweet that adds a comment or cuts a headline, whose vector drifts below the threshold.
 */
import type { Novelty } from '@himari/contracts';
import { words } from '@himari/embeddings';
import { jaccard, shingleHashes, type StoryCandidate } from './story-index.ts';

/** Word 3-gram Jaccard at which two texts tell one story (`rag.novelty.duplicate_jaccard`'s default). */
export const DEFAULT_DUPLICATE_JACCARD = 0.5;

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

export function sameStory(
  similarity: number,
  threshold: number,
  textA: string,
  textB: string,
  minJaccard: number = DEFAULT_DUPLICATE_JACCARD,
): boolean {
  if (!numbersAgree(numbersOf(textA), numbersOf(textB))) return false;
  return similarity >= threshold || jaccard(shingleHashes(textA), shingleHashes(textB)) >= minJaccard;
}

export interface StoryRule {
  /** Cosine similarity at which two texts tell one story. */
  threshold: number;
  /** Word 3-gram Jaccard at which two texts tell one story. */
  minJaccard: number;
}

/**
 * Novelty from LSH candidates already checked exactly (StoryIndex.candidates, best similarity first): the nearest is
 * the most similar candidate; the item joins the chain of the first candidate that tells the same story.
 */
export function noveltyFromCandidates(candidates: readonly StoryCandidate[], text: string, rule: StoryRule): Novelty {
  const nearest = candidates[0];
  if (nearest === undefined) return { score: 1, nearest_id: null, similarity: null };
  const similarity = clamp(nearest.similarity, -1, 1);
  const novelty: Novelty = { score: round4(1 - Math.max(0, similarity)), nearest_id: nearest.entry.id, similarity: round4(similarity) };
  let mine: ReadonlySet<string> | undefined;
  for (const c of candidates) {
    if (c.similarity < rule.threshold && c.jaccard < rule.minJaccard) continue;
    mine ??= numbersOf(text);
    if (!numbersAgree(mine, numbersOf(c.entry.text))) continue;
    novelty.duplicate_of = c.entry.duplicateOf ?? c.entry.id;
    break;
  }
  return novelty;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
