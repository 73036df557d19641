/**
 * Whole-word phrase matching over VADER's tokens. A text word may hold several parts ("sell-off" → sell, off) and a
 * phrase must start at the first part of a word and end at the last part of a word, so that an entry never matches
 * inside a word ("sec" never matches "second", "rate" never matches "corporate").
 */

/** A word's comparable parts: lower case, edge punctuation and possessive 's removed, split at inner hyphens. */
export function wordParts(word: string): string[] {
  let t = word.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  t = t.replace(/^[^a-z0-9+-]+/, '').replace(/[^a-z0-9%]+$/, '');
  if (t.endsWith("'s")) t = t.slice(0, -2);
  // A sign belongs to a number ("+18%"); elsewhere it is punctuation.
  if (/^[+-]+(?![0-9])/.test(t)) t = t.replace(/^[+-]+/, '');
  if (t === '') return [];
  return t.split(/(?<=[a-z0-9])-(?=[a-z0-9])/);
}

export function phraseParts(phrase: string): string[] {
  return phrase.split(/\s+/).flatMap(wordParts);
}

interface TrieNode {
  readonly next: Map<string, TrieNode>;
  /** Index of the entry that ends here, if any. */
  entry: number | undefined;
}

const newNode = (): TrieNode => ({ next: new Map(), entry: undefined });

export interface PhraseMatch {
  /** First and last word index covered (inclusive). */
  readonly start: number;
  readonly end: number;
  /** Index into the phrase list the matcher was built from. */
  readonly entry: number;
}

export class DuplicatePhraseError extends Error {
  override readonly name = 'DuplicatePhraseError';
  readonly retryable = false;
}

export interface PhraseMatcher {
  /** Longest matches, left to right, never overlapping. */
  match(words: readonly string[]): PhraseMatch[];
  /** How many phrases it was built from. */
  readonly size: number;
}

/** A barrier that no phrase contains: stands for a word that is only punctuation, so phrases cannot jump over it. */
const BARRIER = '\u0000';

export function createPhraseMatcher(phrases: readonly string[]): PhraseMatcher {
  const root = newNode();
  phrases.forEach((phrase, index) => {
    const parts = phraseParts(phrase);
    if (parts.length === 0) throw new DuplicatePhraseError(`empty phrase at ${index}: ${JSON.stringify(phrase)}`);
    let node = root;
    for (const p of parts) {
      let child = node.next.get(p);
      if (!child) node.next.set(p, (child = newNode()));
      node = child;
    }
    if (node.entry !== undefined) {
      throw new DuplicatePhraseError(`${JSON.stringify(phrase)} duplicates ${JSON.stringify(phrases[node.entry])}`);
    }
    node.entry = index;
  });

  return {
    size: phrases.length,
    match(words) {
      const parts: string[] = [];
      const wordOf: number[] = [];
      const startsWord: boolean[] = [];
      const endsWord: boolean[] = [];
      words.forEach((w, wi) => {
        const ps = wordParts(w);
        const list = ps.length > 0 ? ps : [BARRIER];
        list.forEach((p, k) => {
          parts.push(p);
          wordOf.push(wi);
          startsWord.push(k === 0);
          endsWord.push(k === list.length - 1);
        });
      });
      const out: PhraseMatch[] = [];
      let i = 0;
      while (i < parts.length) {
        let best: { end: number; entry: number } | undefined;
        if (startsWord[i]) {
          let node: TrieNode | undefined = root;
          for (let j = i; j < parts.length && node; j++) {
            node = node.next.get(parts[j] as string);
            if (node?.entry !== undefined && endsWord[j]) best = { end: j, entry: node.entry };
          }
        }
        if (best) {
          out.push({ start: wordOf[i] as number, end: wordOf[best.end] as number, entry: best.entry });
          i = best.end + 1;
        } else {
          i++;
        }
      }
      return out;
    },
  };
}
